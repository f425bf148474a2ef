-- The tables as Sluice can declare them before computed columns: "dateTime" and "expires" read as
-- TIMESTAMP straight from the epoch milliseconds, the watermark on "dateTime". Queries run over
-- these with event_time replaced by "dateTime" and expires_time by expires (NexmarkSql.fallback).
CREATE TABLE person (
    id BIGINT,
    name VARCHAR,
    emailAddress VARCHAR,
    creditCard VARCHAR,
    city VARCHAR,
    state VARCHAR,
    "dateTime" TIMESTAMP,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${PERSON_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');

CREATE TABLE auction (
    id BIGINT,
    itemName VARCHAR,
    description VARCHAR,
    initialBid BIGINT,
    reserve BIGINT,
    "dateTime" TIMESTAMP,
    expires TIMESTAMP,
    seller BIGINT,
    category BIGINT,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${AUCTION_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');

CREATE TABLE bid (
    auction BIGINT,
    bidder BIGINT,
    price BIGINT,
    channel VARCHAR,
    url VARCHAR,
    "dateTime" TIMESTAMP,
    extra VARCHAR,
    WATERMARK FOR "dateTime" AS "dateTime" - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = '${BID_TOPIC}', 'format' = 'json', 'scan.startup.mode' = 'earliest');
