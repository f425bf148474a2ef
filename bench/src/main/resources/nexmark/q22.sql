-- Nexmark q22, get URL directories: the first three directories of each bid's URL.
-- As the Flink suite writes it; SPLIT_INDEX is Flink's built-in (the 0-based index-th part of the
-- string split at the separator, empty parts kept; NULL past the last part), not a user-defined function.
SELECT
    auction, bidder, price, channel,
    SPLIT_INDEX(url, '/', 3) as dir1,
    SPLIT_INDEX(url, '/', 4) as dir2,
    SPLIT_INDEX(url, '/', 5) as dir3 FROM bid;
