-- Nexmark q1, currency conversion: each bid's price in euros.
-- As the Flink suite writes it (its sink declares DECIMAL(23, 3); here the product is whatever type the
-- engine gives 0.908 * BIGINT).
SELECT
    auction,
    bidder,
    0.908 * price AS price,
    "dateTime",
    extra
FROM bid;
