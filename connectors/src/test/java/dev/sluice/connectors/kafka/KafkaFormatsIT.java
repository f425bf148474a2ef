package dev.sluice.connectors.kafka;

import static dev.sluice.connectors.kafka.KafkaTestTables.CONTEXT;
import static dev.sluice.connectors.kafka.KafkaTestTables.drain;
import static dev.sluice.connectors.kafka.KafkaTestTables.openSource;
import static dev.sluice.connectors.kafka.KafkaTestTables.spec;
import static dev.sluice.connectors.kafka.KafkaTestTables.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.execution.error.EngineException;
import dev.sluice.connectors.testing.SharedKafkaBroker;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.sink.StreamSink;
import dev.sluice.execution.source.MalformedRecordException;
import dev.sluice.execution.source.PartitionReader;
import dev.sluice.execution.source.SourcePartition;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Kafka tables in every format the format SPI offers, on the real broker: CSV written by the sink and read back
 * (the rows written, as a plain-Java list, are the reference), raw records counted and forwarded byte for byte,
 * malformed CSV records failed or skipped with their offsets.
 */
class KafkaFormatsIT extends ArrowTestBase {
    private static final RowSchema ROWS = RowSchema.of(Column.of("id", ColumnType.BIGINT),
            Column.of("name", ColumnType.VARCHAR), Column.of("amount", ColumnType.DOUBLE),
            Column.of("ok", ColumnType.BOOLEAN), Column.of("at", ColumnType.TIMESTAMP));
    private static final RowSchema RAW = RowSchema.of(Column.of("payload", ColumnType.VARCHAR));

    /** Random rows, with NULLs and text that needs quoting in CSV (delimiters, quotes). */
    private static List<List<Object>> randomRows(int count, long seed) {
        Random random = new Random(seed);
        String[] names = {"plain", "with;semicolon", "with,comma", "a \"quoted\" word", "", "ünïcode"};
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(Arrays.asList((long) i, random.nextInt(7) == 0 ? null : names[random.nextInt(names.length)] + i,
                    random.nextInt(5) == 0 ? null : random.nextInt(100_000) / 100.0, random.nextBoolean(),
                    LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(random.nextInt(1_000_000))));
        }
        return rows;
    }

    private void write(TableDescriptor table, RowSchema schema, List<List<Object>> rows) throws Exception {
        try (StreamSink sink = new KafkaConnector().createSink(table, CONTEXT);
                VectorSchemaRoot batch = VectorValues.toBatch(schema, rows, allocator)) {
            sink.addBatch(0, schema, List.of(batch));
        }
    }

    @Test
    void csvRowsWrittenByTheSinkAreReadBackAsTheyWere() throws Exception {
        for (String delimiter : List.of(",", ";")) {
            String topic = SharedKafkaBroker.createTopic("csv", 1);
            TableDescriptor table = table("csv_rows", topic, ROWS, "format", "csv", "csv.field-delimiter", delimiter,
                    "properties.isolation.level", "read_committed");
            List<List<Object>> rows = randomRows(300, delimiter.charAt(0));
            write(table, ROWS, rows);
            // The sink wrote CSV lines, not JSON: a ';' table quotes no commas, a ',' table no semicolons. (Read
            // committed, readAll waits for the commit marker, which Kafka writes a moment after the commit returns:
            // read right away, the records were once not visible yet, and none came back.)
            List<ConsumerRecord<String, String>> written = SharedKafkaBroker.readAll(topic, true);
            assertEquals(rows.size(), written.size(), "records written with delimiter " + delimiter);
            String first = written.get(0).value();
            assertEquals("0" + delimiter, first.substring(0, 2), first);
            // An empty VARCHAR and a NULL are both an empty CSV field: NULL is what comes back.
            List<List<Object>> expected = rows.stream().map(r -> {
                List<Object> copy = new ArrayList<>(r);
                if ("".equals(copy.get(1))) {
                    copy.set(1, null);
                }
                return copy;
            }).toList();
            try (KafkaSource source = openSource(table)) {
                // The records and the commit marker (written, as readAll waited for it).
                long end = source.latestOffsets().get(new SourcePartition(topic, 0));
                assertEquals(rows.size() + 1, end, "the last stable offset after the transaction of delimiter " + delimiter);
                try (PartitionReader reader = source.openReader(spec(topic, 0, 0, end, 64, "id", "name", "amount", "ok",
                        "at"), allocator)) {
                    assertEquals(expected, drain(reader).rows(), "delimiter " + delimiter);
                }
            }
        }
    }

    @Test
    void rawTablesCountEveryRecordWhateverItHoldsAndForwardItByteForByte() throws Exception {
        String topic = SharedKafkaBroker.createTopic("raw", 2);
        List<String> values = List.of("{\"json\": true}", "not json, not csv: \u0001\u0002", "", "x".repeat(5000));
        int expectedCount = 0;
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String value = i % 10 == 9 ? null : values.get(i % values.size());
            SharedKafkaBroker.produce(new ProducerRecord<>(topic, i % 2, "k" + i, value));
            expectedCount++;
            if (i % 2 == 0) {
                written.add(value);
            }
        }
        TableDescriptor raw = table("raw_in", topic, RAW, "format", "raw");
        long counted = 0;
        List<List<Object>> partition0;
        try (KafkaSource source = openSource(raw)) {
            try (PartitionReader reader = source.openReader(spec(topic, 1, 0, 20, 7), allocator)) {
                counted += drain(reader).rows().size();  // no column read: a count, as COUNT(*) reads
            }
            try (PartitionReader reader = source.openReader(spec(topic, 0, 0, 20, 7, "payload"), allocator)) {
                partition0 = drain(reader).rows();
                counted += partition0.size();
                assertEquals(0, reader.malformedRecords());
            }
        }
        assertEquals(expectedCount, counted);
        assertEquals(written, partition0.stream().map(r -> (String) r.get(0)).toList());

        // Forwarded into another raw table, each value is the same bytes (a NULL is a null value again).
        String copy = SharedKafkaBroker.createTopic("rawcopy", 1);
        write(table("raw_out", copy, RAW, "format", "raw"), RAW, partition0);
        List<ConsumerRecord<String, String>> records = SharedKafkaBroker.readAll(copy, true);
        assertEquals(written, records.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void malformedCsvRecordsFailOrAreCountedWithTheirOffsets() {
        String topic = SharedKafkaBroker.createTopic("badcsv", 1);
        List<String> lines = List.of("1,a,1.5,true,2024-01-01 00:00:00", "2,b,not-a-number,true,0", "3,c,2.5,false,0",
                "x,d,1,true,0", "5,\"e,f\",3.5,true,1700000000000");
        List<Long> offsets = SharedKafkaBroker.produceValues(topic, 0, lines);
        SharedKafkaBroker.produce(topic, 0, "k", null);  // no value at all: malformed too, in a table without a key
        try (KafkaSource source = openSource(table("bad_csv", topic, ROWS, "format", "csv"));
                PartitionReader reader = source.openReader(spec(topic, 0, 0, 6, 100, "id"), allocator)) {
            MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> drain(reader));
            assertEquals(offsets.get(1), e.offset());
            assertEquals("Malformed record in table 'bad_csv' at " + topic + "-0 offset " + offsets.get(1)
                    + ": column 'amount': can't read 'not-a-number' as DOUBLE", e.getMessage());
        }
        try (KafkaSource source = openSource(table("bad_csv", topic, ROWS, "format", "csv", "on-error", "skip"));
                PartitionReader reader = source.openReader(spec(topic, 0, 0, 6, 100, "id", "name"), allocator)) {
            List<List<Object>> rows = drain(reader).rows();
            assertEquals(List.of(List.of(1L, "a"), List.of(3L, "c"), List.of(5L, "e,f")), rows);
            assertEquals(3, reader.malformedRecords(), "offsets 1, 3 and the null value at 5");
        }
    }

    @Test
    void anOptionOfAnotherFormatThanTheTablesIsRefusedNamingIt() {
        EngineException e = assertThrows(EngineException.class, () -> new KafkaConnector()
                .validate(table("t", "x", ROWS, "format", "json", "csv.field-delimiter", ";")));
        assertEquals("Option 'csv.field-delimiter' of table 't' is an option of format 'csv', but the table's value "
                + "format is 'json' (option 'format')", e.getMessage());
    }
}
