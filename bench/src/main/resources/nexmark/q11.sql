-- Nexmark q11, user sessions: bids per bidder per session (bids less than 10 seconds apart).
-- As the Flink suite writes it (a group SESSION window), over event_time.
SELECT
    B.bidder,
    count(*) as bid_count,
    SESSION_START(B.event_time, INTERVAL '10' SECOND) as starttime,
    SESSION_END(B.event_time, INTERVAL '10' SECOND) as endtime
FROM bid B
GROUP BY B.bidder, SESSION(B.event_time, INTERVAL '10' SECOND);
