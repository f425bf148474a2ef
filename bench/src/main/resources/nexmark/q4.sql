-- Nexmark q4, average price per category: the winning (highest) bid of each auction among the bids
-- made while it was open, averaged per category.
-- As the Flink suite writes it (a comma join with the equality in WHERE, an aggregate over an aggregate),
-- with the time attributes as computed columns: event_time for `dateTime`, expires_time for expires.
SELECT
    Q.category,
    AVG(Q.final)
FROM (
    SELECT MAX(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B.event_time BETWEEN A.event_time AND A.expires_time
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
