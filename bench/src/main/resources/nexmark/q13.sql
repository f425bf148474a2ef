-- Nexmark q13, bounded side input join: each bid with the value of a side-input table looked up by
-- auction mod 10000. The Flink suite's side input is a CSV file of "i,i" lines for i in 0..9999 (its
-- SideInputGenerator) joined with FOR SYSTEM_TIME AS OF PROCTIME() (a lookup join). Adapted: the same
-- file is a static table ('static' = 'true'), which Sluice joins per batch as it is when the batch is
-- planned; the file never changes, so the result is the lookup join's. ${SIDE_INPUT_PATH} is the file.
CREATE TABLE side_input (
  "key" BIGINT,
  "value" VARCHAR
) WITH ('connector' = 'filesystem', 'path' = '${SIDE_INPUT_PATH}', 'format' = 'csv', 'static' = 'true');

SELECT
    B.auction,
    B.bidder,
    B.price,
    B."dateTime",
    S."value"
FROM bid B
JOIN side_input S
ON MOD(B.auction, 10000) = S."key";
