-- Nexmark q12, processing-time windows: bids per bidder per 10-second tumbling window of processing
-- time. As the Flink suite writes it (a view adding PROCTIME()). Which window a bid falls in depends on
-- when it is processed, so its result can't be checked row by row: the test checks the sum of
-- bid_count per bidder (every bid counted once), which does not depend on timing, and, continuously,
-- that each window is the window of a batch's time as logged in the offset log (PROCTIME() is that time).
CREATE VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;

SELECT
    bidder,
    count(*) as bid_count,
    window_start AS starttime,
    window_end AS endtime
FROM TABLE(
        TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end;
