package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SQL's UNION, INTERSECT and EXCEPT (distinct) and SELECT DISTINCT on bounded queries, run as UNION ALL and
 * aggregates, against the same sets computed in plain Java; NULLs are equal to each other in them, as SQL says.
 */
class SetOperationIT extends KafkaSessionFixture {
    /** {user (null for some), item, qty} per order; {user, item} per return. */
    private final List<Object[]> orders = new ArrayList<>();
    private final List<Object[]> returns = new ArrayList<>();

    @BeforeEach
    void createTables() {
        String ordersTopic = SharedKafkaBroker.createTopic("setorders", 2);
        String returnsTopic = SharedKafkaBroker.createTopic("setreturns", 1);
        message("CREATE TABLE orders (usr VARCHAR, item INT, qty BIGINT) WITH ('connector'='kafka', 'topic'='"
                + ordersTopic + "', 'format'='json')");
        message("CREATE TABLE refunds (usr VARCHAR, item BIGINT) WITH ('connector'='kafka', 'topic'='" + returnsTopic
                + "', 'format'='json')");
        Random random = new Random(5);
        for (int i = 0; i < 80; i++) {
            String user = random.nextInt(5) == 0 ? null : "u" + random.nextInt(4);
            int item = random.nextInt(6);
            long qty = 1 + random.nextInt(3);
            orders.add(new Object[] {user, item, qty});
            SharedKafkaBroker.produce(ordersTopic, i % 2, null, "{\"usr\": " + json(user) + ", \"item\": " + item
                    + ", \"qty\": " + qty + "}");
        }
        for (int i = 0; i < 15; i++) {
            String user = random.nextInt(4) == 0 ? null : "u" + random.nextInt(4);
            long item = random.nextInt(6);
            returns.add(new Object[] {user, item});
            SharedKafkaBroker.produce(returnsTopic, 0, null, "{\"usr\": " + json(user) + ", \"item\": " + item + "}");
        }
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** The distinct {user, item (as BIGINT)} of the orders that pass {@code filter}. */
    private Set<List<Object>> ordered(Predicate<Object[]> filter) {
        Set<List<Object>> out = new LinkedHashSet<>();
        orders.stream().filter(filter).forEach(o -> out.add(row(o[0], ((Integer) o[1]).longValue())));
        return out;
    }

    private Set<List<Object>> returned() {
        Set<List<Object>> out = new LinkedHashSet<>();
        returns.forEach(r -> out.add(row(r[0], r[1])));
        return out;
    }

    private static List<List<Object>> sorted(Set<List<Object>> rows) {
        return SqlQueryIT.sorted(new ArrayList<>(rows));
    }

    @Test
    void unionIntersectAndExceptAreSetsWithNullsEqual() {
        Set<List<Object>> ordered = ordered(o -> true);
        Set<List<Object>> returned = returned();
        Set<List<Object>> union = new LinkedHashSet<>(ordered);
        union.addAll(returned);
        Set<List<Object>> both = new LinkedHashSet<>(ordered);
        both.retainAll(returned);
        Set<List<Object>> kept = new LinkedHashSet<>(ordered);
        kept.removeAll(returned);
        assertTrue(both.stream().anyMatch(r -> r.get(0) == null), "a NULL user is in both, matched as equal");
        assertTrue(kept.size() < ordered.size() && !kept.isEmpty());

        // item is INT in orders and BIGINT in refunds: the set operations take the wider type.
        String o = "SELECT usr, item FROM orders";
        String r = "SELECT usr, item FROM refunds";
        assertEquals(sorted(union), SqlQueryIT.sorted(rows(o + " UNION " + r)));
        assertEquals(sorted(both), SqlQueryIT.sorted(rows(o + " INTERSECT " + r)));
        assertEquals(sorted(kept), SqlQueryIT.sorted(rows(o + " EXCEPT " + r)));
        assertEquals(sorted(ordered), SqlQueryIT.sorted(rows("SELECT DISTINCT usr, CAST(item AS BIGINT) FROM orders")));
        assertEquals(orders.size() + returns.size(), rows(o + " UNION ALL " + r).size());

        // Chained, nested, under ORDER BY and LIMIT, and over an aggregate.
        Set<List<Object>> big = ordered(x -> (Long) x[2] >= 2);
        Set<List<Object>> chained = new LinkedHashSet<>(kept);
        chained.removeAll(big);
        assertEquals(sorted(chained), SqlQueryIT.sorted(rows(o + " EXCEPT " + r + " EXCEPT " + o + " WHERE qty >= 2")));
        Set<List<Object>> bigOrReturned = new LinkedHashSet<>(big);
        bigOrReturned.addAll(returned);
        Set<List<Object>> nested = new LinkedHashSet<>(ordered);
        nested.retainAll(bigOrReturned);
        assertEquals(sorted(nested), SqlQueryIT.sorted(rows(o + " INTERSECT (" + o + " WHERE qty >= 2 UNION " + r
                + ")")));
        List<List<Object>> firstThree = sorted(kept).stream()
                .filter(x -> x.get(0) != null).limit(3).toList();
        assertEquals(firstThree, rows("SELECT * FROM (" + o + " EXCEPT " + r + ") WHERE usr IS NOT NULL "
                + "ORDER BY usr, item LIMIT 3"));
        Map<Object, Long> qtyPerUser = new TreeMap<>(Comparator.nullsFirst(Comparator.comparing(Object::toString)));
        orders.forEach(x -> qtyPerUser.merge(x[0] == null ? null : x[0], (Long) x[2], Long::sum));
        Set<List<Object>> users = new LinkedHashSet<>();
        qtyPerUser.keySet().forEach(u -> users.add(row(u)));
        Set<List<Object>> returningUsers = new LinkedHashSet<>();
        returns.forEach(x -> returningUsers.add(row(x[0])));
        users.removeAll(returningUsers);
        assertEquals(sorted(users), SqlQueryIT.sorted(rows("SELECT usr FROM (SELECT usr, SUM(qty) AS q FROM orders "
                + "GROUP BY usr) EXCEPT SELECT usr FROM refunds")));
    }

    @Test
    void aggregateFilterRunsAsACase() {
        Map<Object, long[]> perItem = new TreeMap<>();
        orders.forEach(x -> {
            long[] acc = perItem.computeIfAbsent(((Integer) x[1]).longValue(), k -> new long[2]);
            if (x[0] == null) {
                acc[0]++;
            } else {
                acc[1] += (Long) x[2];
            }
        });
        List<List<Object>> expected = new ArrayList<>();
        perItem.forEach((item, acc) -> expected.add(row(((Long) item).intValue(), acc[0], acc[1] == 0 ? null : acc[1])));
        assertEquals(SqlQueryIT.sorted(expected), SqlQueryIT.sorted(rows("SELECT item, COUNT(*) FILTER (WHERE usr "
                + "IS NULL), SUM(qty) FILTER (WHERE usr IS NOT NULL) FROM orders GROUP BY item")));
    }

    @Test
    void theAllFormsAndAContinuousExceptAreRefusedByName() {
        SluiceException e = assertThrows(SluiceException.class,
                () -> rows("SELECT usr FROM orders INTERSECT ALL SELECT usr FROM refunds"));
        assertTrue(e.getMessage().contains("INTERSECT ALL is not supported yet; INTERSECT (distinct) is"), e.getMessage());
        e = assertThrows(SluiceException.class, () -> rows("SELECT usr FROM orders EXCEPT ALL SELECT usr FROM refunds"));
        assertTrue(e.getMessage().contains("EXCEPT ALL is not supported yet; EXCEPT (distinct) is, on bounded queries"),
                e.getMessage());
        e = assertThrows(SluiceException.class, () -> sluice.execute("SELECT STREAM usr FROM orders EXCEPT SELECT usr "
                + "FROM refunds", b -> { }));
        assertTrue(e.getMessage().contains("EXCEPT is only supported on bounded queries (SELECT without STREAM) yet"),
                e.getMessage());
    }
}
