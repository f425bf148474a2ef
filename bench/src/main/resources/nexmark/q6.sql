-- Nexmark q6, average selling price by seller: per seller, the average of the winning prices of the
-- seller's last 10 auctions (and the current one), in order of the winning bid's time.
-- As the Flink suite writes it (Flink itself does not run q6: an OVER aggregate over an updating
-- input), with event_time/expires_time for the time attributes and "dateTime" for B.`dateTime`.
-- Two fixes to make it valid SQL: Flink's text filters on rownum in the SELECT that defines it, and
-- partitions by A.id, A.seller outside the subquery that defines A; here the ROW_NUMBER is computed in
-- its own subquery, over the subquery's id and seller.
SELECT
    Q.seller,
    AVG(Q.price) OVER
        (PARTITION BY Q.seller ORDER BY Q."dateTime" ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
FROM (
    SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY id, seller ORDER BY price DESC) AS rownum
        FROM (SELECT A.id, A.seller, B.price, B."dateTime"
            FROM auction AS A,
                bid AS B
            WHERE A.id = B.auction
                AND B.event_time BETWEEN A.event_time AND A.expires_time))
    WHERE rownum <= 1
) AS Q;
