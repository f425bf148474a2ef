-- Nexmark q9, winning bids: each auction with its winning bid (highest price, earliest first among
-- equal prices) among the bids made while it was open.
-- As the Flink suite writes it (Top-1 over an interval join), with event_time/expires_time for the time
-- attributes; "dateTime" and expires are the epoch-millisecond columns.
SELECT
    id, itemName, description, initialBid, reserve, "dateTime", expires, seller, category, extra,
    auction, bidder, price, bid_dateTime, bid_extra
FROM (
   SELECT A.*, B.auction, B.bidder, B.price, B."dateTime" AS bid_dateTime, B.extra AS bid_extra,
     ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B."dateTime" ASC) AS rownum
   FROM auction A, bid B
   WHERE A.id = B.auction AND B.event_time BETWEEN A.event_time AND A.expires_time
)
WHERE rownum <= 1;
