-- Nexmark q14, calculation: bids in a price range, with a day/night label and the number of 'c' in
-- extra. The Flink suite counts with a user-defined function, count_char(extra, 'c'); adapted: the same
-- count in standard SQL, CHAR_LENGTH(extra) - CHAR_LENGTH(REPLACE(extra, 'c', '')). HOUR is over the
-- event time, in UTC.
SELECT
    auction,
    bidder,
    0.908 * price as price,
    CASE
        WHEN HOUR(event_time) >= 8 AND HOUR(event_time) <= 18 THEN 'dayTime'
        WHEN HOUR(event_time) <= 6 OR HOUR(event_time) >= 20 THEN 'nightTime'
        ELSE 'otherTime'
    END AS bidTimeType,
    "dateTime",
    extra,
    CHAR_LENGTH(extra) - CHAR_LENGTH(REPLACE(extra, 'c', '')) AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000;
