-- Nexmark q17, auction statistics report: per auction and day, bids in three price ranges and the
-- min, max, average (BIGINT, truncated, as AVG of a BIGINT is) and sum of the prices.
-- As the Flink suite writes it; DATE_FORMAT over the event time, in UTC.
SELECT
     auction,
     DATE_FORMAT(event_time, 'yyyy-MM-dd') as "day",
     count(*) AS total_bids,
     count(*) filter (where price < 10000) AS rank1_bids,
     count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
     count(*) filter (where price >= 1000000) AS rank3_bids,
     min(price) AS min_price,
     max(price) AS max_price,
     avg(price) AS avg_price,
     sum(price) AS sum_price
FROM bid
GROUP BY auction, DATE_FORMAT(event_time, 'yyyy-MM-dd');
