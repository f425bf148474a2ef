-- Nexmark q0, pass-through: every bid, as it is (measures the cost of reading and writing).
-- As the Flink suite writes it; "dateTime" is the epoch-millisecond column.
SELECT auction, bidder, price, "dateTime", extra FROM bid;
