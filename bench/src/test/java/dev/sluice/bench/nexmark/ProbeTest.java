package dev.sluice.bench.nexmark;

import dev.sluice.api.Sluice;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProbeTest {
    @Test
    void probe() throws Exception {
        String bid = SharedKafkaBroker.createTopic("bid", 1);
        SharedKafkaBroker.produceValues(bid, 0, "{\"auction\": 1, \"bidder\": 2, \"price\": 300, \"channel\": \"x\", \"url\": \"https://a/b/c/d\", \"dateTime\": 1700000000000, \"extra\": \"ccx\"}");
        try (Sluice s = Sluice.builder().home(Files.createTempDirectory("probe")).bootstrapServers(SharedKafkaBroker.bootstrapServers()).build()) {
            s.execute("CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP, extra VARCHAR, WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector'='kafka', 'topic'='" + bid + "', 'format'='json')");
            for (String q : Files.readAllLines(Path.of(System.getProperty("probe.file", "/tmp/probe.sql")))) {
                if (q.isBlank()) continue;
                try {
                    System.out.println("OK   " + q + "\n     -> " + s.execute(q));
                } catch (Exception e) {
                    System.out.println("FAIL " + q + "\n     -> " + e.getMessage().replace('\n', ' '));
                }
            }
        }
    }
}
