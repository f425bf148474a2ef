-- Nexmark q7, highest bid: the bids whose price is the highest of a 10-second tumbling window, within
-- the 10 seconds up to that window's end (both bounds included, as BETWEEN is).
-- As the Flink suite writes it, with event_time for `dateTime` (B1's window_end is named event_time, as
-- Flink names it `dateTime`); the columns come out in Flink's order: auction, price, bidder.
SELECT B.auction, B.price, B.bidder, B."dateTime", B.extra
from bid B
JOIN (
  SELECT MAX(price) AS maxprice, window_end as event_time
  FROM TABLE(
          TUMBLE(TABLE bid, DESCRIPTOR(event_time), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) B1
ON B.price = B1.maxprice
WHERE B.event_time BETWEEN B1.event_time - INTERVAL '10' SECOND AND B1.event_time;
