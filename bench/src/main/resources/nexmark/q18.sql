-- Nexmark q18, find last bid: each bidder's last bid on each auction (deduplication, keep last).
-- As the Flink suite writes it, ordered by the event time.
SELECT auction, bidder, price, channel, url, "dateTime", extra
 FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY event_time DESC) AS rank_number
       FROM bid)
 WHERE rank_number <= 1;
