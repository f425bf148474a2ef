package dev.sluice.connectors.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.execution.testing.ArrowTestBase;
import dev.sluice.execution.type.Column;
import dev.sluice.execution.type.ColumnType;
import dev.sluice.execution.type.RowSchema;
import dev.sluice.execution.type.VectorValues;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** The encoder's own bytes against Jackson's generator, and what a JSON reader reads back. */
class JsonRowEncoderTest extends ArrowTestBase {
    private static final RowSchema SCHEMA = RowSchema.of(
            Column.of("i", ColumnType.INTEGER),
            Column.of("b", ColumnType.BIGINT),
            Column.of("d", ColumnType.DOUBLE),
            Column.of("flag", ColumnType.BOOLEAN),
            Column.of("s", ColumnType.VARCHAR),
            Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("we\"ird\\name\u00e9", ColumnType.VARCHAR));
    private static final double[] DOUBLES = {0.0, -0.0, 1.5, -2.25, 1e-300, 1e300, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2, 123456789.125};
    private static final String[] STRINGS = {"", "plain", "quote\"back\\slash", "tab\tnew\nline\r\bform\f", "\u0000\u001f\u007f",
        "héllo € 𝄞", "/p/42", "\u2028\u2029", "</script>"};

    @Test
    void writesWhatJacksonWritesForRandomRows() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        int rows = 5_000;
        ObjectMapper mapper = new ObjectMapper();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA.toArrowSchema(), allocator)) {
            root.allocateNew();
            for (int r = 0; r < rows; r++) {
                VectorValues.set(root.getVector(0), r, random.nextInt(5) == 0 ? null : random.nextInt());
                VectorValues.set(root.getVector(1), r, random.nextInt(5) == 0 ? null : random.nextLong());
                VectorValues.set(root.getVector(2), r, random.nextInt(5) == 0 ? null : random.nextBoolean()
                        ? DOUBLES[random.nextInt(DOUBLES.length)] : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-20, 20)));
                VectorValues.set(root.getVector(3), r, random.nextInt(5) == 0 ? null : random.nextBoolean());
                VectorValues.set(root.getVector(5), r, random.nextInt(5) == 0 ? null
                        : VectorValues.toLocalDateTime(random.nextLong(-10_000_000_000_000L, 10_000_000_000_000L)));
                for (int c : new int[] {4, 6}) {
                    VarCharVector v = (VarCharVector) root.getVector(c);
                    int pick = random.nextInt(10);
                    if (pick == 0) {
                        v.setNull(r);
                    } else if (pick == 1) {
                        // Not UTF-8 (a raw format's VARCHAR can hold any bytes): a stray continuation byte, a cut sequence.
                        v.setSafe(r, new byte[] {'a', (byte) 0x80, 'b', (byte) 0xE2, (byte) 0x82});
                    } else {
                        v.setSafe(r, STRINGS[random.nextInt(STRINGS.length)].getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            root.setRowCount(rows);
            JsonRowEncoder fast = new JsonRowEncoder(SCHEMA);
            JsonRowEncoder jackson = new JsonRowEncoder(SCHEMA, true);
            for (int r = 0; r < rows; r++) {
                String expected = new String(jackson.encode(root, r), StandardCharsets.UTF_8);
                assertEquals(expected, new String(fast.encode(root, r), StandardCharsets.UTF_8), "row " + r);
                // Leading fields of a few values (kept) and of many (encoded per row), under two names.
                String op = r % 3 == 0 ? null : OPS[random.nextInt(OPS.length)];
                String field = r % 50 < 25 ? "op" : "k\u00e9y" + (r % 7 == 0 ? "" : "-" + r);
                assertEquals(new String(jackson.encode(field, op, root, r), StandardCharsets.UTF_8),
                        new String(fast.encode(field, op, root, r), StandardCharsets.UTF_8), "row " + r + " with " + field);
                String many = "v\"" + r;
                assertEquals(new String(jackson.encode("op", many, root, r), StandardCharsets.UTF_8),
                        new String(fast.encode("op", many, root, r), StandardCharsets.UTF_8), "row " + r + " with " + many);
                // And a JSON reader gets the values back.
                JsonNode read = mapper.readTree(fast.encode(root, r));
                Object i = VectorValues.get(root.getVector(0), r);
                assertEquals(i == null ? null : String.valueOf(i), read.get("i").isNull() ? null : read.get("i").asText());
                Object s = VectorValues.get(root.getVector(4), r);
                assertEquals(s, read.get("s").isNull() ? null : read.get("s").asText());
            }
        }
    }

    private static final String[] OPS = {"+I", "-U", "+U", "-D"};

    @Test
    void writesAnEmptyRowAndTheLeadingField() {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(RowSchema.of().toArrowSchema(), allocator)) {
            root.setRowCount(1);
            JsonRowEncoder encoder = new JsonRowEncoder(RowSchema.of());
            assertEquals("{}", new String(encoder.encode(root, 0), StandardCharsets.UTF_8));
            assertEquals("{\"op\":\"-D\"}", new String(encoder.encode("op", "-D", root, 0), StandardCharsets.UTF_8));
        }
    }
}
