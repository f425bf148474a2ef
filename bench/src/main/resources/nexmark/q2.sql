-- Nexmark q2, selection: the bids on every 123rd auction.
-- As the Flink suite writes it.
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
