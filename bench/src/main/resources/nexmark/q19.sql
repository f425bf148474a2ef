-- Nexmark q19, auction Top-10 price: the 10 highest bids of each auction with their rank.
-- As the Flink suite writes it, except that the outer query names the bid's columns instead of
-- SELECT * (which here would also bring the computed event_time and Kafka's metadata columns).
SELECT auction, bidder, price, channel, url, "dateTime", extra, rank_number FROM
(SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10;
