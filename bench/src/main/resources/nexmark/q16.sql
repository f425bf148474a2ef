-- Nexmark q16, channel statistics report: q15 per channel and day, with the latest minute seen.
-- As the Flink suite writes it; DATE_FORMAT over the event time, in UTC.
SELECT
    channel,
    DATE_FORMAT(event_time, 'yyyy-MM-dd') as "day",
    max(DATE_FORMAT(event_time, 'HH:mm')) as "minute",
    count(*) AS total_bids,
    count(*) filter (where price < 10000) AS rank1_bids,
    count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
    count(*) filter (where price >= 1000000) AS rank3_bids,
    count(distinct bidder) AS total_bidders,
    count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
    count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
    count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
    count(distinct auction) AS total_auctions,
    count(distinct auction) filter (where price < 10000) AS rank1_auctions,
    count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
    count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
FROM bid
GROUP BY channel, DATE_FORMAT(event_time, 'yyyy-MM-dd');
