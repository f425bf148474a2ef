package dev.sluice.connectors.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The fast path ({@link JsonBytesScanner}) against Jackson's: random records, well-formed and broken, decoded
 * by a decoder with the fast path and by one without; both must give the same rows and the same error reasons.
 */
class JsonBytesScannerTest extends ArrowTestBase {
    private static final RowSchema DECLARED = RowSchema.of(
            Column.of("i", ColumnType.INTEGER),
            Column.of("b", ColumnType.BIGINT),
            Column.of("d", ColumnType.DOUBLE),
            Column.of("flag", ColumnType.BOOLEAN),
            Column.of("s", ColumnType.VARCHAR),
            Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("ci", ColumnType.INTEGER),
            Column.of("cd", ColumnType.DOUBLE),
            Column.of("cts", ColumnType.TIMESTAMP),
            Column.of("cs", ColumnType.VARCHAR),
            Column.of("größe", ColumnType.INTEGER));
    /** The columns read; ci, cd, cts and cs are declared and only checked. */
    private static final RowSchema DECODED = RowSchema.of(
            DECLARED.column(4), DECLARED.column(0), DECLARED.column(1), DECLARED.column(2), DECLARED.column(3),
            DECLARED.column(5), DECLARED.column(10));
    /**
     * Field names: the declared ones, unknown ones, and ones a declared name is a prefix of or that are a prefix of
     * one, or one written with an escape ("f\\u006cag" is "flag"), which the scanner must not take for the name
     * it expects next.
     */
    private static final String[] FIELDS = {"i", "b", "d", "flag", "s", "ts", "ci", "cd", "cts", "cs", "größe", "x",
        "y", "ünknown", "fla", "flags", "f\\u006cag", "sx", "t"};
    private static final String[] NUMBERS = {"0", "-0", "7", "-12", "2147483647", "2147483648", "-2147483648",
        "-2147483649", "123456789012345678", "-999999999999999999", "1234567890123456789", "9223372036854775807",
        "9223372036854775808", "12345678901234567890123", "007", "-", "1.25", "-0.0", "0.1", "2.50", "1e5", "1E-3",
        "-2.5e+10", "1.7976931348623157e308", "1e400", "4.9e-325", "123456789012345678.5", "0.30000000000000004",
        "9007199254740993", "9007199254740993.0", ".5", "1.", "1.e3", "+1", "1x", "0x10", "NaN", "99.99", "0.000001",
        "3.141592653589793", "2.2250738585072014E-308", "1700000000123"};
    private static final String[] STRINGS = {"", "hello", "/p/17", "héllo € 𝄞", "a\\nb", "\\u20ac", "tab\there",
        "quote\\\"d", "2023-11-14 22:13:20.123", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.123+01:00",
        "2023-13-01 00:00:00", "2023-11-14", "12", "true", "x".repeat(300)};
    private static final String[] OTHERS = {"true", "false", "null", "tru", "nul", "falsey", "{}", "[1, 2]",
        "{\"a\": \"b\"}", "[]", "[{\"i\": 1}]"};
    private static final String[] WHITESPACE = {"", "", "", " ", "  ", "\n", "\t", "\r\n "};

    @Test
    void givesJacksonsRowsAndErrorsForRandomRecords() {
        SplittableRandom random = new SplittableRandom(20261206);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] record = record(random);
            records.add(random.nextInt(4) == 0 ? mutate(record, random) : record);
        }
        compare(records);
    }

    @Test
    void takesTheCommonShapeItself() {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(utf8("{\"ts\": " + (1_700_000_000_000L + i) + ", \"i\": " + i + ", \"s\": \"/p/" + i
                    + "\", \"d\": " + i + "." + (i % 100) + ", \"flag\": " + (i % 2 == 0) + ", \"x\": \"y\"}"));
        }
        assertEquals(100, compare(records));
    }

    /**
     * A table that declares some of its records' fields (as the bench's Q2 does): after the first record, each name
     * is matched in place with the one its position had, declared or not; a record laid out otherwise is scanned
     * where it differs. The rows are checked against the records' own values.
     */
    @Test
    void matchesTheFieldNamesOfEachPositionAsThePreviousRecordHadThem() {
        RowSchema declared = RowSchema.of(Column.of("ts", ColumnType.TIMESTAMP), Column.of("page", ColumnType.VARCHAR),
                Column.of("amount", ColumnType.DOUBLE));
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add("{\"ts\": " + (1_700_000_000_000L + i) + ", \"user_id\": " + i + ", \"page\": \"/p/" + i
                    + "\", \"amount\": " + i + ".25, \"country\": \"DE\"}");
        }
        // Another layout: user_id missing, the undeclared 'pages' (which 'page' is a prefix of) where page was.
        records.add("{\"ts\": 5, \"page\": \"/a\", \"pages\": 3, \"amount\": 1.5}");
        records.add("{\"ts\": 6, \"pages\": \"/b\", \"page\": \"/c\", \"amount\": 2.5}");
        try (VectorSchemaRoot root = VectorSchemaRoot.create(declared.toArrowSchema(), allocator)) {
            root.allocateNew();
            JsonRecordDecoder decoder = new JsonRecordDecoder(declared, declared);
            decoder.bind(root.getFieldVectors());
            for (int row = 0; row < records.size(); row++) {
                decode(decoder, utf8(records.get(row)), row);
            }
            root.setRowCount(records.size());
            List<List<Object>> rows = VectorValues.rows(root);
            for (int i = 0; i < 100; i++) {
                assertEquals(List.of(utc(1_700_000_000_000L + i), "/p/" + i, i + 0.25), rows.get(i), records.get(i));
            }
            assertEquals(List.of(utc(5), "/a", 1.5), rows.get(100));
            assertEquals(List.of(utc(6), "/c", 2.5), rows.get(101));
            assertEquals(records.size(), decoder.scannedRecords());
            // The first record's 5 names, then positions 1 and 2 of each other layout.
            assertEquals(5 + 2 + 2, decoder.namesScanned());
        }
    }

    @Test
    void takesNonAsciiFieldNamesItself() {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(utf8("{\"größe\": " + i + ", \"ünknown\": \"x\", \"s\": \"é" + i + "\"}"));
        }
        assertEquals(50, compare(records));
    }

    @Test
    void readsAByteBufferWhereItLies() throws RecordDecoderException {
        byte[] framed = utf8("####{\"i\": 5, \"s\": \"é\"}####");
        ByteBuffer value = ByteBuffer.wrap(framed, 4, framed.length - 8).slice();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(DECODED.toArrowSchema(), allocator)) {
            root.allocateNew();
            JsonRecordDecoder decoder = new JsonRecordDecoder(DECLARED, DECODED);
            decoder.bind(root.getFieldVectors());
            decoder.decode(value, 0);
            root.setRowCount(1);
            assertEquals(java.util.Arrays.asList("é", 5, null, null, null, null, null), VectorValues.rows(root).get(0));
            assertEquals(0, value.position());
        }
    }

    /** Decodes the records with and without the fast path; returns how many the fast path took. */
    private long compare(List<byte[]> records) {
        try (VectorSchemaRoot fast = VectorSchemaRoot.create(DECODED.toArrowSchema(), allocator);
                VectorSchemaRoot jackson = VectorSchemaRoot.create(DECODED.toArrowSchema(), allocator)) {
            fast.allocateNew();
            jackson.allocateNew();
            JsonRecordDecoder fastDecoder = new JsonRecordDecoder(DECLARED, DECODED, true);
            JsonRecordDecoder jacksonDecoder = new JsonRecordDecoder(DECLARED, DECODED, false);
            fastDecoder.bind(fast.getFieldVectors());
            jacksonDecoder.bind(jackson.getFieldVectors());
            int errors = 0;
            for (int row = 0; row < records.size(); row++) {
                byte[] record = records.get(row);
                String fastError = decode(fastDecoder, record, row);
                String jacksonError = decode(jacksonDecoder, record, row);
                assertEquals(jacksonError, fastError, () -> "error of " + show(record));
                if (jacksonError != null) {
                    errors++;
                }
            }
            fast.setRowCount(records.size());
            jackson.setRowCount(records.size());
            List<List<Object>> fastRows = VectorValues.rows(fast);
            List<List<Object>> jacksonRows = VectorValues.rows(jackson);
            for (int row = 0; row < records.size(); row++) {
                int r = row;
                assertTrue(Objects.equals(jacksonRows.get(row), fastRows.get(row)),
                        () -> "row of " + show(records.get(r)) + ": Jackson " + jacksonRows.get(r) + ", fast path "
                                + fastRows.get(r));
            }
            if (records.size() > 1000) {
                // Both paths and both outcomes are exercised.
                assertTrue(errors > records.size() / 10 && errors < records.size() * 3 / 4, "errors: " + errors);
                assertTrue(fastDecoder.scannedRecords() > records.size() / 10, "fast: " + fastDecoder.scannedRecords());
                long validToJackson = records.size() - errors - fastDecoder.scannedRecords();
                assertTrue(validToJackson > records.size() / 100, "valid records left to Jackson: " + validToJackson);
            }
            return fastDecoder.scannedRecords();
        }
    }

    private static String decode(JsonRecordDecoder decoder, byte[] record, int row) {
        try {
            decoder.decode(record, row);
            return null;
        } catch (RecordDecoderException e) {
            return e.reason();
        }
    }

    private static byte[] record(SplittableRandom random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, WHITESPACE[random.nextInt(WHITESPACE.length)]);
        write(out, "{");
        int fields = random.nextInt(8);
        for (int f = 0; f < fields; f++) {
            write(out, WHITESPACE[random.nextInt(WHITESPACE.length)]);
            // Mostly the declared order, so the scanner's guess is often right and sometimes wrong.
            String name = random.nextInt(3) == 0 ? FIELDS[random.nextInt(FIELDS.length)] : FIELDS[f % FIELDS.length];
            write(out, "\"" + name + "\"" + WHITESPACE[random.nextInt(WHITESPACE.length)] + ":"
                    + WHITESPACE[random.nextInt(WHITESPACE.length)]);
            out.writeBytes(value(name, random));
            write(out, WHITESPACE[random.nextInt(WHITESPACE.length)]);
            if (f < fields - 1) {
                write(out, ",");
            }
        }
        write(out, "}" + WHITESPACE[random.nextInt(WHITESPACE.length)]);
        return out.toByteArray();
    }

    /** A value, mostly one that fits the column named {@code name}. */
    private static byte[] value(String name, SplittableRandom random) {
        int pick = random.nextInt(20);
        if (pick == 0) {
            return utf8("null");
        }
        if (pick < 17) {
            return utf8(switch (name) {
                case "i", "ci", "größe" -> Integer.toString(random.nextInt());
                case "b" -> Long.toString(random.nextLong() / (1 + random.nextInt(1_000_000)));
                case "d", "cd" -> random.nextBoolean()
                        ? Double.toString((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-30, 30)))
                        : randomDigits(random);
                case "flag", "f\\u006cag" -> random.nextBoolean() ? "true" : "false";
                case "ts", "cts" -> random.nextBoolean() ? Long.toString(random.nextLong(4_000_000_000_000L))
                        : "\"" + STRINGS[8 + random.nextInt(3)] + "\"";
                case "s", "cs" -> "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"";
                default -> random.nextBoolean() ? NUMBERS[random.nextInt(NUMBERS.length)]
                        : OTHERS[random.nextInt(OTHERS.length)];
            });
        }
        if (pick < 18) {
            return utf8(OTHERS[random.nextInt(OTHERS.length)]);
        }
        if (pick < 19) {
            return utf8(random.nextBoolean() ? NUMBERS[random.nextInt(NUMBERS.length)]
                    : "\"" + STRINGS[random.nextInt(STRINGS.length)] + "\"");
        }
        // A string with raw bytes: valid multi-byte UTF-8, overlong forms, surrogates, stray continuation bytes.
        byte[][] raw = {{(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
            {(byte) 0xF0, (byte) 0x9D, (byte) 0x84, (byte) 0x9E}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {0x01}, {0x7F}};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "\"a");
        out.writeBytes(raw[random.nextInt(raw.length)]);
        write(out, "b\"");
        return out.toByteArray();
    }

    private static String randomDigits(SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextBoolean()) {
            sb.append('-');
        }
        sb.append(random.nextInt(10));
        for (int i = random.nextInt(20); i > 0; i--) {
            sb.append(random.nextInt(10));
        }
        if (random.nextBoolean()) {
            sb.append('.');
            for (int i = random.nextInt(1, 20); i > 0; i--) {
                sb.append(random.nextInt(10));
            }
        }
        if (random.nextInt(4) == 0) {
            sb.append(random.nextBoolean() ? 'e' : 'E').append(random.nextInt(-330, 330));
        }
        return sb.toString();
    }

    /** Breaks a record: a byte replaced, inserted or removed, the record cut, or something appended. */
    private static byte[] mutate(byte[] record, SplittableRandom random) {
        byte[] junk = {'{', '}', '[', ']', '"', ',', ':', '\\', ' ', '0', '-', '.', 'e', 'x', 0, (byte) 0xEF, (byte) 0xBB};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(record.length + 1);
        switch (random.nextInt(5)) {
            case 0 -> {
                out.write(record, 0, at);
                out.write(junk[random.nextInt(junk.length)]);
                out.write(record, Math.min(at + 1, record.length), record.length - Math.min(at + 1, record.length));
            }
            case 1 -> {
                out.write(record, 0, at);
                out.write(junk[random.nextInt(junk.length)]);
                out.write(record, at, record.length - at);
            }
            case 2 -> {
                out.write(record, 0, at);
                if (at < record.length) {
                    out.write(record, at + 1, record.length - at - 1);
                }
            }
            case 3 -> out.write(record, 0, at);
            default -> {
                out.writeBytes(record);
                write(out, random.nextBoolean() ? "{}" : " x");
            }
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(utf8(s));
    }

    private static LocalDateTime utc(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String show(byte[] record) {
        StringBuilder sb = new StringBuilder();
        for (byte b : record) {
            sb.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02X", b & 0xFF));
        }
        return sb.toString();
    }
}
