package dev.sluice.connectors.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class JsonRecordDecoderTest extends ArrowTestBase {
    private static final RowSchema ALL_TYPES = RowSchema.of(
            Column.of("i", ColumnType.INTEGER),
            Column.of("b", ColumnType.BIGINT),
            Column.of("d", ColumnType.DOUBLE),
            Column.of("flag", ColumnType.BOOLEAN),
            Column.of("s", ColumnType.VARCHAR),
            Column.of("ts", ColumnType.TIMESTAMP));

    @Test
    void decodesEveryType() {
        assertEquals(List.of(Arrays.asList(7, 9_000_000_000L, 1.25, true, "héllo € 𝄞", time("2023-11-14T22:13:20.123"))),
                decodeAll(ALL_TYPES, "{\"i\":7,\"b\":9000000000,\"d\":1.25,\"flag\":true,"
                        + "\"s\":\"héllo \\u20ac 𝄞\",\"ts\":1700000000123}"));
    }

    @Test
    void missingFieldsAndJsonNullsAreNull() {
        assertEquals(List.of(
                        Arrays.asList(null, null, null, null, null, null),
                        Arrays.asList(1, null, null, false, null, null)),
                decodeAll(ALL_TYPES,
                        "{}",
                        "{\"i\":1,\"b\":null,\"s\":null,\"flag\":false,\"ts\":null}"));
    }

    @Test
    void ignoresUnknownFieldsAndFieldOrder() {
        RowSchema schema = RowSchema.of(Column.of("s", ColumnType.VARCHAR), Column.of("i", ColumnType.INTEGER));
        assertEquals(List.of(Arrays.asList("x", 3)),
                decodeAll(schema, "{\"nested\":{\"i\":99,\"s\":[1,{\"a\":\"b\"}]},\"i\":3,\"list\":[1,2],"
                        + "\"other\":\"y\",\"s\":\"x\"}"));
    }

    @Test
    void lastOfDuplicateFieldsWins() {
        RowSchema schema = RowSchema.of(Column.of("s", ColumnType.VARCHAR), Column.of("i", ColumnType.INTEGER));
        assertEquals(List.of(Arrays.asList("second", null)),
                decodeAll(schema, "{\"s\":\"first\",\"i\":1,\"s\":\"second\",\"i\":null}"));
    }

    @Test
    void integerNeedsAnIntegralNumberInRange() {
        RowSchema schema = RowSchema.of(Column.of("i", ColumnType.INTEGER));
        assertEquals(List.of(List.of(2147483647), List.of(-2147483648)),
                decodeAll(schema, "{\"i\":2147483647}", "{\"i\":-2147483648}"));
        assertError(schema, "{\"i\":2147483648}", "column 'i' (INTEGER): number 2147483648 is out of INTEGER range");
        assertError(schema, "{\"i\":1.5}", "column 'i' (INTEGER): expected an integer, found number 1.5");
        assertError(schema, "{\"i\":\"1\"}", "column 'i' (INTEGER): expected an integer, found string \"1\"");
        assertError(schema, "{\"i\":true}", "column 'i' (INTEGER): expected an integer, found true");
    }

    @Test
    void bigintNeedsAnIntegralNumberInRange() {
        RowSchema schema = RowSchema.of(Column.of("b", ColumnType.BIGINT));
        assertEquals(List.of(List.of(Long.MAX_VALUE), List.of(5L)),
                decodeAll(schema, "{\"b\":9223372036854775807}", "{\"b\":5}"));
        assertError(schema, "{\"b\":9223372036854775808}",
                "column 'b' (BIGINT): number 9223372036854775808 is out of BIGINT range");
        assertError(schema, "{\"b\":2e3}", "column 'b' (BIGINT): expected an integer, found number 2e3");
        assertError(schema, "{\"b\":[1]}", "column 'b' (BIGINT): expected an integer, found an array");
    }

    @Test
    void doubleTakesAnyNumber() {
        RowSchema schema = RowSchema.of(Column.of("amount", ColumnType.DOUBLE));
        assertEquals(List.of(List.of(3.0), List.of(-0.5), List.of(1.0e20)),
                decodeAll(schema, "{\"amount\":3}", "{\"amount\":-0.5}", "{\"amount\":1e20}"));
        assertError(schema, "{\"amount\":\"abc\"}", "column 'amount' (DOUBLE): expected a number, found string \"abc\"");
        assertError(schema, "{\"amount\":{}}", "column 'amount' (DOUBLE): expected a number, found an object");
    }

    @Test
    void booleanTakesTrueOrFalseOnly() {
        RowSchema schema = RowSchema.of(Column.of("flag", ColumnType.BOOLEAN));
        assertEquals(List.of(List.of(true), List.of(false)), decodeAll(schema, "{\"flag\":true}", "{\"flag\":false}"));
        assertError(schema, "{\"flag\":\"true\"}", "column 'flag' (BOOLEAN): expected true or false, found string \"true\"");
        assertError(schema, "{\"flag\":1}", "column 'flag' (BOOLEAN): expected true or false, found number 1");
    }

    @Test
    void varcharTakesStringsAndTheTextOfNumbersAndBooleans() {
        RowSchema schema = RowSchema.of(Column.of("s", ColumnType.VARCHAR));
        assertEquals(List.of(List.of("42"), List.of("1.50"), List.of("true"), List.of(""), List.of("a\"b\n")),
                decodeAll(schema, "{\"s\":42}", "{\"s\":1.50}", "{\"s\":true}", "{\"s\":\"\"}", "{\"s\":\"a\\\"b\\n\"}"));
        assertError(schema, "{\"s\":{\"a\":1}}", "column 's' (VARCHAR): expected a string, found an object");
        assertError(schema, "{\"s\":[\"a\"]}", "column 's' (VARCHAR): expected a string, found an array");
    }

    @Test
    void varcharKeepsLongAndMultiByteText() {
        RowSchema schema = RowSchema.of(Column.of("s", ColumnType.VARCHAR));
        String longText = "ü".repeat(5000) + "end";
        assertEquals(List.of(List.of(longText), List.of("short")),
                decodeAll(schema, "{\"s\":\"" + longText + "\"}", "{\"s\":\"short\"}"));
    }

    @Test
    void timestampTakesEpochMillisAndTimestampText() {
        RowSchema schema = RowSchema.of(Column.of("ts", ColumnType.TIMESTAMP));
        assertEquals(List.of(
                        List.of(time("2023-11-14T22:13:20.123")),
                        List.of(time("2023-11-14T22:13:20")),
                        List.of(time("2023-11-14T22:13:20.123")),
                        List.of(time("2023-11-14T22:13:20.500")),
                        List.of(time("2023-11-14T22:13:20.123")),
                        List.of(time("2023-11-14T22:13:20.123")),
                        List.of(time("2023-11-14T22:13:20.123")),
                        List.of(time("2023-11-14T22:13:00")),
                        List.of(time("2024-02-29T00:00")),
                        List.of(time("1969-12-31T23:59:59.999")),
                        List.of(time("1970-01-01T00:00"))),
                decodeAll(schema,
                        "{\"ts\":1700000000123}",
                        "{\"ts\":\"2023-11-14 22:13:20\"}",
                        "{\"ts\":\"2023-11-14 22:13:20.123\"}",
                        "{\"ts\":\"2023-11-14 22:13:20.5\"}",
                        "{\"ts\":\"2023-11-14T22:13:20.123Z\"}",
                        "{\"ts\":\"2023-11-14T22:13:20.123456789Z\"}",
                        "{\"ts\":\"2023-11-14T23:43:20.123+01:30\"}",
                        "{\"ts\":\"2023-11-14T17:13-05\"}",
                        "{\"ts\":\"2024-02-29\"}",
                        "{\"ts\":-1}",
                        "{\"ts\":0}"));
        assertError(schema, "{\"ts\":\"2023-02-29 00:00:00\"}",
                "column 'ts' (TIMESTAMP): expected a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601, "
                        + "found string \"2023-02-29 00:00:00\"");
        assertError(schema, "{\"ts\":\"yesterday\"}",
                "column 'ts' (TIMESTAMP): expected a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601, "
                        + "found string \"yesterday\"");
        assertError(schema, "{\"ts\":\"2023-11-14 25:00:00\"}",
                "column 'ts' (TIMESTAMP): expected a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601, "
                        + "found string \"2023-11-14 25:00:00\"");
        assertError(schema, "{\"ts\":\"2023-11-14 22:13:20.\"}",
                "column 'ts' (TIMESTAMP): expected a timestamp 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601, "
                        + "found string \"2023-11-14 22:13:20.\"");
        assertError(schema, "{\"ts\":1.5}",
                "column 'ts' (TIMESTAMP): expected epoch milliseconds or a timestamp string, found number 1.5");
        assertError(schema, "{\"ts\":false}",
                "column 'ts' (TIMESTAMP): expected epoch milliseconds or a timestamp string, found false");
    }

    @Test
    void valueMustBeOneJsonObject() {
        RowSchema schema = RowSchema.of(Column.of("i", ColumnType.INTEGER));
        assertError(schema, "[1,2]", "expected a JSON object, found an array");
        assertError(schema, "\"text\"", "expected a JSON object, found string \"text\"");
        assertError(schema, "", "expected a JSON object, found end of input");
        assertError(schema, "{\"i\":1}{\"i\":2}", "invalid JSON: more than one value in the record");
        assertError(schema, "{\"i\":", "invalid JSON at column 6: Unexpected end-of-input within/between Object entries");
        assertErrorStartsWith(schema, "{\"i\":1,}", "invalid JSON at column 8: Unexpected character ('}'");
        assertErrorStartsWith(schema, "{i:1}", "invalid JSON at column 2: Unexpected character ('i'");
        assertErrorStartsWith(schema, "{\"i\":1} x", "invalid JSON at column 9: Unrecognized token 'x'");
        assertErrorStartsWith(schema, "{\"i\":1,\n\"j\":}", "invalid JSON at line 2, column 5: Unexpected character ('}'");
    }

    @Test
    void nullValueIsAnError() {
        JsonRecordDecoder decoder = new JsonRecordDecoder(RowSchema.of(Column.of("i", ColumnType.INTEGER)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(RowSchema.of(Column.of("i", ColumnType.INTEGER)).toArrowSchema(), allocator)) {
            root.allocateNew();
            decoder.bind(root.getFieldVectors());
            RecordDecoderException e = assertThrows(RecordDecoderException.class, () -> decoder.decode((byte[]) null, 0));
            assertEquals("record value is null", e.reason());
        }
    }

    @Test
    void failedRowLeavesNoPartialValues() throws Exception {
        RowSchema schema = RowSchema.of(Column.of("s", ColumnType.VARCHAR), Column.of("i", ColumnType.INTEGER),
                Column.of("t", ColumnType.VARCHAR));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator)) {
            root.allocateNew();
            JsonRecordDecoder decoder = new JsonRecordDecoder(schema);
            decoder.bind(root.getFieldVectors());
            decoder.decode(utf8("{\"s\":\"zero\",\"i\":0,\"t\":\"t0\"}"), 0);
            // Writes s, i and t, then fails: row 1 must come back empty.
            RecordDecoderException e = assertThrows(RecordDecoderException.class,
                    () -> decoder.decode(utf8("{\"s\":\"garbage-garbage\",\"i\":5,\"t\":\"x\",\"i\":\"bad\"}"), 1));
            assertEquals("column 'i' (INTEGER): expected an integer, found string \"bad\"", e.reason());
            decoder.decode(utf8("{\"i\":1}"), 1);
            assertThrows(RecordDecoderException.class, () -> decoder.decode(utf8("{\"t\":\"partial\",\"s\":"), 2));
            decoder.decode(utf8("{\"s\":\"two\",\"t\":\"t2\"}"), 2);
            // A failure in the row after the last one must not show either.
            assertThrows(RecordDecoderException.class, () -> decoder.decode(utf8("{\"s\":\"lost\",\"i\":[]}"), 3));
            root.setRowCount(3);

            assertEquals(List.of(
                    Arrays.asList("zero", 0, "t0"),
                    Arrays.asList(null, 1, null),
                    Arrays.asList("two", null, "t2")), VectorValues.rows(root));
            VarCharVector s = (VarCharVector) root.getVector("s");
            // The NULL row 1 holds no bytes: "two" starts where "zero" ended.
            assertEquals(4, s.getStartOffset(1));
            assertEquals(4, s.getStartOffset(2));
            assertArrayEquals(utf8("two"), s.get(2));
        }
    }

    @Test
    void refusesVectorsOfTheWrongType() {
        JsonRecordDecoder decoder = new JsonRecordDecoder(RowSchema.of(Column.of("i", ColumnType.INTEGER)));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(RowSchema.of(Column.of("i", ColumnType.VARCHAR)).toArrowSchema(), allocator)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> decoder.bind(root.getFieldVectors()));
            assertEquals("Column 'i' (INTEGER) needs a IntVector, got VarCharVector", e.getMessage());
        }
    }

    @Test
    void refusesDuplicateColumns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JsonRecordDecoder(
                RowSchema.of(Column.of("i", ColumnType.INTEGER), Column.of("i", ColumnType.BIGINT))));
        assertEquals("Column 'i' is requested twice", e.getMessage());
    }

    @Test
    void checksTheColumnsItDoesNotDecodeWithTheSameErrors() {
        List<String> records = List.of(
                "{\"i\":7,\"b\":9000000000,\"d\":1.25,\"flag\":true,\"s\":\"x\",\"ts\":1700000000123}",
                "{\"i\":\"7\"}",
                "{\"i\":2147483648}",
                "{\"b\":9223372036854775808}",
                "{\"b\":1.5}",
                "{\"d\":\"abc\"}",
                "{\"flag\":1}",
                "{\"s\":{\"nested\":1}}",
                "{\"s\":[1]}",
                "{\"ts\":\"yesterday\"}",
                "{\"ts\":true}",
                "{\"ts\":\"2023-11-14 22:13:20\",\"s\":42,\"other\":{\"i\":\"ignored\"}}",
                "{\"i\":null,\"b\":null,\"d\":null,\"flag\":null,\"s\":null,\"ts\":null}",
                "{\"s\":\"a\",\"d\":[],\"i\":\"b\"}",
                "{\"i\":1,",
                "[1]",
                "{\"i\":1}{}",
                "{}");
        List<Object> all = decodeEach(ALL_TYPES, ALL_TYPES, records);
        assertEquals(4, all.stream().filter(List.class::isInstance).count(), "records decoded: " + all);
        List<RowSchema> projections = List.of(
                RowSchema.of(),
                RowSchema.of(Column.of("i", ColumnType.INTEGER)),
                RowSchema.of(Column.of("ts", ColumnType.TIMESTAMP), Column.of("s", ColumnType.VARCHAR)),
                RowSchema.of(Column.of("flag", ColumnType.BOOLEAN), Column.of("d", ColumnType.DOUBLE),
                        Column.of("b", ColumnType.BIGINT)));
        for (RowSchema projection : projections) {
            List<Object> expected = new ArrayList<>();
            for (Object row : all) {
                if (row instanceof String reason) {
                    expected.add(reason);
                } else {
                    List<?> values = (List<?>) row;
                    expected.add(projection.names().stream().map(n -> values.get(ALL_TYPES.indexOf(n))).toList());
                }
            }
            assertEquals(expected, decodeEach(ALL_TYPES, projection, records), "decoding " + projection.names());
        }
    }

    @Test
    void refusesDecodedColumnsThatAreNotDeclared() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JsonRecordDecoder(
                RowSchema.of(Column.of("i", ColumnType.INTEGER)), RowSchema.of(Column.of("j", ColumnType.INTEGER))));
        assertEquals("Column 'j' is decoded but not declared (columns: i)", e.getMessage());
    }

    /**
     * Decodes each record on its own with a decoder of {@code declared} that decodes {@code decoded}: per
     * record, its row of values, or the reason it could not be decoded.
     */
    private List<Object> decodeEach(RowSchema declared, RowSchema decoded, List<String> jsons) {
        JsonRecordDecoder decoder = new JsonRecordDecoder(declared, decoded);
        List<Object> results = new ArrayList<>();
        for (String json : jsons) {
            try (VectorSchemaRoot root = VectorSchemaRoot.create(decoded.toArrowSchema(), allocator)) {
                root.allocateNew();
                decoder.bind(root.getFieldVectors());
                try {
                    decoder.decode(utf8(json), 0);
                    root.setRowCount(1);
                    results.add(VectorValues.rows(root).get(0));
                } catch (RecordDecoderException e) {
                    results.add(e.reason());
                }
            }
        }
        return results;
    }

    /** Decodes each JSON text into the next row; every one must decode. */
    private List<List<Object>> decodeAll(RowSchema schema, String... jsons) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator)) {
            root.allocateNew();
            JsonRecordDecoder decoder = new JsonRecordDecoder(schema);
            List<FieldVector> vectors = new ArrayList<>(root.getFieldVectors());
            decoder.bind(vectors);
            for (int row = 0; row < jsons.length; row++) {
                try {
                    decoder.decode(utf8(jsons[row]), row);
                } catch (RecordDecoderException e) {
                    throw new AssertionError("Can't decode " + jsons[row] + ": " + e.reason(), e);
                }
            }
            root.setRowCount(jsons.length);
            return VectorValues.rows(root);
        }
    }

    private void assertError(RowSchema schema, String json, String expectedReason) {
        assertEquals(expectedReason, decodeError(schema, json));
    }

    private void assertErrorStartsWith(RowSchema schema, String json, String expectedPrefix) {
        String reason = decodeError(schema, json);
        assertTrue(reason.startsWith(expectedPrefix), reason);
    }

    private String decodeError(RowSchema schema, String json) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema.toArrowSchema(), allocator)) {
            root.allocateNew();
            JsonRecordDecoder decoder = new JsonRecordDecoder(schema);
            decoder.bind(root.getFieldVectors());
            return assertThrows(RecordDecoderException.class, () -> decoder.decode(utf8(json), 0)).reason();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static LocalDateTime time(String iso) {
        return LocalDateTime.parse(iso);
    }
}
