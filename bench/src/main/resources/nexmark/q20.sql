-- Nexmark q20, expand bid with auction: each bid on an auction of category 10, with the auction's
-- columns. As the Flink suite writes it: a regular (unbounded) join of two streams.
SELECT
    auction, bidder, price, channel, url, B."dateTime", B.extra,
    itemName, description, initialBid, reserve, A."dateTime", expires, seller, category, A.extra
FROM
    bid AS B INNER JOIN auction AS A on B.auction = A.id
WHERE A.category = 10;
