-- Nexmark q3, local item suggestion: sellers in OR, ID or CA and their auctions in category 10.
-- As the Flink suite writes it: a regular (unbounded) join of two streams; continuously it needs state
-- for every person and auction (Flink keeps it forever unless a state TTL is set).
SELECT
    P.name, P.city, P.state, A.id
FROM
    auction AS A INNER JOIN person AS P ON A.seller = P.id
WHERE
    A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA');
