-- The three Nexmark tables over flat JSON topics, in the Flink suite's form (its ddl_views.sql reads
-- one nested topic; here each table has its own topic). "dateTime" and "expires" are epoch
-- milliseconds in the records; the event time is a computed column, as Flink's
-- TO_TIMESTAMP_LTZ(`dateTime`, 3), with the suite's 4-second watermark. ${...} are filled in by
-- dev.sluice.bench.nexmark.NexmarkSql. "dateTime" is quoted: DATETIME is a keyword.
CREATE TABLE person (
    id BIGINT,
    name VARCHAR,
    emailAddress VARCHAR,
    creditCard VARCHAR,
    city VARCHAR,
    state VARCHAR,
    "dateTime" BIGINT,
    extra VARCHAR,
    event_time AS TO_TIMESTAMP_LTZ("dateTime", 3),
    WATERMARK FOR event_time AS event_time - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${PERSON_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');

CREATE TABLE auction (
    id BIGINT,
    itemName VARCHAR,
    description VARCHAR,
    initialBid BIGINT,
    reserve BIGINT,
    "dateTime" BIGINT,
    expires BIGINT,
    seller BIGINT,
    category BIGINT,
    extra VARCHAR,
    event_time AS TO_TIMESTAMP_LTZ("dateTime", 3),
    expires_time AS TO_TIMESTAMP_LTZ(expires, 3),
    WATERMARK FOR event_time AS event_time - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${AUCTION_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');

CREATE TABLE bid (
    auction BIGINT,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    "dateTime" BIGINT,
    extra VARCHAR,
    event_time AS TO_TIMESTAMP_LTZ("dateTime", 3),
    WATERMARK FOR event_time AS event_time - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${BID_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');
