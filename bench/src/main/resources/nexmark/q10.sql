-- Nexmark q10, log to file system: every bid with its day and minute, for a sink partitioned by them.
-- As the Flink suite writes the query (DATE_FORMAT is Flink's built-in, over the event time); the
-- partitioned filesystem sink (PARTITIONED BY (dt, hm), partition commit policy) is the sink's business
-- and is left out: here it is the query alone. Dates are in UTC.
SELECT auction, bidder, price, "dateTime", extra,
    DATE_FORMAT(event_time, 'yyyy-MM-dd'), DATE_FORMAT(event_time, 'HH:mm')
FROM bid;
