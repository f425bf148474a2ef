package dev.sluice.connectors.kafka;

import static java.util.Objects.requireNonNull;

import dev.sluice.connectors.format.Format;
import dev.sluice.connectors.format.Formats;
import dev.sluice.connectors.format.JsonFormatFactory;
import dev.sluice.execution.config.OptionDef;
import dev.sluice.execution.config.OptionTable;
import dev.sluice.execution.config.OptionType;
import dev.sluice.execution.connector.ConnectorContext;
import dev.sluice.execution.connector.TableDescriptor;
import dev.sluice.execution.error.EngineException;
import dev.sluice.execution.error.ErrorType;
import dev.sluice.execution.type.RowSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The {@code WITH (...)} options of a Kafka table: their names and documentation (as constants, in the
 * style of Kafka's {@code ConsumerConfig}), and their parsed, validated values for one table.
 *
 * <p>Parsing never contacts Kafka. Immutable.
 */
public final class KafkaTableOptions {
    public static final String CONNECTOR = "connector";
    public static final String CONNECTOR_DOC = "Must be 'kafka'.";

    public static final String TOPIC = "topic";
    public static final String TOPIC_DOC = "The Kafka topic holding the table's records, or several separated by "
            + "';' (read together as one table). This or 'topic-pattern' is required.";

    public static final String TOPIC_PATTERN = "topic-pattern";
    public static final String TOPIC_PATTERN_DOC = "A Java regular expression: the table reads every topic whose whole "
            + "name matches, including topics created while a query runs (picked up at its next batch, from their "
            + "earliest offset). Not with 'topic'.";

    public static final String FORMAT = "format";
    public static final String FORMAT_DOC = "How record values are encoded. Required: 'json' (one JSON object per "
            + "record, fields matched to columns by name), 'csv' (one CSV line per record, fields matched to columns "
            + "by position) or 'raw' (not decoded: the table's one VARCHAR column holds each value as it is), or any "
            + "format on the class path; every record is checked against all the declared columns. A format's own "
            + "options start with its name ('csv.field-delimiter').";

    public static final String KEY_FORMAT = "key.format";
    public static final String KEY_FORMAT_DOC = "For a table with a PRIMARY KEY: how record keys are encoded, 'json' "
            + "(default: the JSON object of the key's columns) or 'raw' (a key of one VARCHAR column, its bytes as they "
            + "are), or any format; written by the sink, and read back for a record with a null value (a tombstone), "
            + "which deletes its key. Its options start with 'key.' and its name ('key.csv.field-delimiter').";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DOC = "host:port list of Kafka brokers. If the table does not set "
            + "it, the session option of the same name is used.";

    public static final String SCAN_STARTUP_MODE = "scan.startup.mode";
    public static final String SCAN_STARTUP_MODE_DOC = "Where a query without a checkpoint starts: 'earliest' "
            + "(default, or 'earliest-offset'), 'latest' (or 'latest-offset'), 'specific-offsets' (see "
            + "'scan.startup.specific-offsets') or 'timestamp' (see 'scan.startup.timestamp-millis').";

    public static final String SCAN_STARTUP_SPECIFIC_OFFSETS = "scan.startup.specific-offsets";
    public static final String SCAN_STARTUP_SPECIFIC_OFFSETS_DOC = "Start offsets for mode 'specific-offsets', "
            + "as 'partition:0,offset:42;partition:1,offset:300'. Partitions not listed start at the earliest offset.";

    public static final String SCAN_STARTUP_TIMESTAMP_MILLIS = "scan.startup.timestamp-millis";
    public static final String SCAN_STARTUP_TIMESTAMP_MILLIS_DOC = "Epoch milliseconds for mode 'timestamp': each "
            + "partition starts at its first record with a timestamp at or after it (or at its end if none).";

    public static final String SCAN_READ_TIMEOUT_MS = "scan.read-timeout-ms";
    public static final String SCAN_READ_TIMEOUT_MS_DOC = "How long a task waits for the next record of the offset "
            + "range it reads before failing. Default 60000.";
    public static final long DEFAULT_SCAN_READ_TIMEOUT_MS = 60_000;

    public static final String SCAN_COMMIT_OFFSETS = "scan.commit-offsets";
    public static final String SCAN_COMMIT_OFFSETS_DOC = "'true' (default): after each committed batch, a continuous "
            + "query commits the batch's end offsets to a Kafka consumer group (named by the query option "
            + "'kafka.group.id', else 'properties.group.id', else 'sluice-<query name>'), so that Kafka's tools show the query's "
            + "lag. The group is not used for assignment, and the checkpoint, not the group, says where a query "
            + "resumes. 'false': commit nothing.";

    /**
     * Query (or session) option naming the consumer group a query commits its Kafka offsets to, over the
     * tables' {@code properties.group.id}. Like {@code query.name}, it is for one query.
     */
    public static final String QUERY_GROUP_ID = "kafka.group.id";

    /** The consumer group of a query that sets none: this prefix and the query's name. */
    public static final String DEFAULT_GROUP_ID_PREFIX = "sluice-";

    public static final String ON_ERROR = "on-error";
    public static final String ON_ERROR_DOC = "What to do with a record that can't be decoded: 'fail' (default) the "
            + "query, 'skip' it (counted), or 'dead-letter': skip it (counted) and write it unchanged to "
            + "'dead-letter.topic' with headers sluice.error, sluice.topic, sluice.partition, sluice.offset.";

    public static final String DEAD_LETTER_TOPIC = "dead-letter.topic";
    public static final String DEAD_LETTER_TOPIC_DOC = "The existing topic that receives undecodable records when "
            + "'on-error' is 'dead-letter'.";

    public static final String DEAD_LETTER_DELIVERY_GUARANTEE = "dead-letter.delivery-guarantee";
    public static final String DEAD_LETTER_DELIVERY_GUARANTEE_DOC = "'exactly-once' (default): the dead letters of "
            + "each offset range are written in one Kafka transaction, so a batch re-run after a crash does not write "
            + "them again (read the dead-letter topic with isolation.level=read_committed); 'at-least-once': no "
            + "transaction, a re-run batch writes its dead letters again.";

    public static final String SINK_DELIVERY_GUARANTEE = "sink.delivery-guarantee";
    public static final String SINK_DELIVERY_GUARANTEE_DOC = "When the table is written to: 'exactly-once' "
            + "(default): each micro-batch is written in one Kafka transaction that also records the batch id, so "
            + "a batch re-run after a crash is never written twice and readers with isolation.level=read_committed "
            + "see every row once; 'at-least-once': no transaction (faster), a re-run batch is written again.";

    public static final String SINK_TRANSACTIONAL_ID_PREFIX = "sink.transactional-id-prefix";
    public static final String SINK_TRANSACTIONAL_ID_PREFIX_DOC = "Prefix of the Kafka transactional ids (and of the "
            + "consumer groups holding their batch markers) of the exactly-once sink and dead-letter writer: "
            + "'<prefix>-<query id>-sink' and '<prefix>-<query id>-dlq-...'. Default 'sluice'. Set it when ACLs "
            + "grant transactional ids and groups by prefix.";

    public static final String PROPERTIES_PREFIX = "properties.";
    public static final String PROPERTIES_PREFIX_DOC = "Options starting with 'properties.' are passed, without the "
            + "prefix, to Sluice's Kafka clients (e.g. 'properties.security.protocol').";

    private static final OptionDef<String> STARTUP_MODE_OPTION = OptionDef.of(SCAN_STARTUP_MODE,
            OptionType.oneOf(StartupMode.optionValues()), SCAN_STARTUP_MODE_DOC).withDefault("earliest", "earliest");
    private static final OptionDef<Long> STARTUP_TIMESTAMP_OPTION = OptionDef.of(SCAN_STARTUP_TIMESTAMP_MILLIS,
            OptionType.LONG, SCAN_STARTUP_TIMESTAMP_MILLIS_DOC).validatedBy(n -> n >= 0, "an integer >= 0");
    private static final OptionDef<Long> READ_TIMEOUT_OPTION = OptionDef.of(SCAN_READ_TIMEOUT_MS, OptionType.LONG,
            SCAN_READ_TIMEOUT_MS_DOC).withDefault(DEFAULT_SCAN_READ_TIMEOUT_MS, String.valueOf(DEFAULT_SCAN_READ_TIMEOUT_MS))
            .validatedBy(n -> n >= 1, "an integer >= 1");
    private static final OptionDef<Boolean> COMMIT_OFFSETS_OPTION = OptionDef.of(SCAN_COMMIT_OFFSETS,
            OptionType.BOOLEAN, SCAN_COMMIT_OFFSETS_DOC).withDefault(true, "true");
    private static final OptionDef<String> ON_ERROR_OPTION = OptionDef.of(ON_ERROR,
            OptionType.oneOf(ErrorPolicy.optionValues()), ON_ERROR_DOC).withDefault("fail", "fail");
    private static final OptionDef<String> DEAD_LETTER_DELIVERY_OPTION = OptionDef.of(DEAD_LETTER_DELIVERY_GUARANTEE,
            OptionType.oneOf(DeliveryGuarantee.optionValues()), DEAD_LETTER_DELIVERY_GUARANTEE_DOC)
            .withDefault("exactly-once", "exactly-once");
    private static final OptionDef<String> SINK_DELIVERY_OPTION = OptionDef.of(SINK_DELIVERY_GUARANTEE,
            OptionType.oneOf(DeliveryGuarantee.optionValues()), SINK_DELIVERY_GUARANTEE_DOC)
            .withDefault("exactly-once", "exactly-once");
    private static final OptionDef<String> TRANSACTIONAL_ID_PREFIX_OPTION = OptionDef.of(SINK_TRANSACTIONAL_ID_PREFIX,
            OptionType.STRING, SINK_TRANSACTIONAL_ID_PREFIX_DOC).withDefault("sluice", "sluice");

    /**
     * Every option of a Kafka table, each registered once with its type, default and doc (as Kafka's
     * {@code ConfigDef.define}), in the order the user guide lists them: the unknown-option check, the parsing
     * and checking of typed values (with errors naming the table and the option) and the user guide's table come
     * from here. The constructor below checks what one option can't say alone (which options go together).
     */
    public static final OptionTable OPTIONS = OptionTable.of(
            OptionDef.of(CONNECTOR, OptionType.oneOf("kafka"), CONNECTOR_DOC).withDefaultText("required"),
            OptionDef.of(TOPIC, OptionType.STRING, TOPIC_DOC),
            OptionDef.of(TOPIC_PATTERN, OptionType.STRING, TOPIC_PATTERN_DOC),
            OptionDef.of(FORMAT, OptionType.STRING, FORMAT_DOC).withDefaultText("required"),
            OptionDef.of(KEY_FORMAT, OptionType.STRING, KEY_FORMAT_DOC).withDefaultText("json, with a PRIMARY KEY"),
            OptionDef.of(BOOTSTRAP_SERVERS, OptionType.STRING, BOOTSTRAP_SERVERS_DOC).withDefaultText("the session's"),
            STARTUP_MODE_OPTION,
            OptionDef.of(SCAN_STARTUP_SPECIFIC_OFFSETS, OptionType.STRING, SCAN_STARTUP_SPECIFIC_OFFSETS_DOC),
            STARTUP_TIMESTAMP_OPTION,
            READ_TIMEOUT_OPTION,
            COMMIT_OFFSETS_OPTION,
            ON_ERROR_OPTION,
            OptionDef.of(DEAD_LETTER_TOPIC, OptionType.STRING, DEAD_LETTER_TOPIC_DOC),
            DEAD_LETTER_DELIVERY_OPTION,
            SINK_DELIVERY_OPTION,
            TRANSACTIONAL_ID_PREFIX_OPTION,
            OptionDef.of(PROPERTIES_PREFIX + "*", OptionType.STRING, PROPERTIES_PREFIX_DOC));

    /** Every option a Kafka table may set (besides {@code properties.*}) with its documentation. */
    public static final Map<String, String> OPTION_DOCS = documentedOptions();

    /** Client settings Sluice manages itself; setting them through {@code properties.*} would break reads. */
    private static final Set<String> MANAGED_CLIENT_PROPERTIES = Set.of(
            "bootstrap.servers", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer",
            "enable.auto.commit", "auto.offset.reset", "transactional.id");

    private static final String SPECIFIC_OFFSETS_SYNTAX = "'partition:<p>,offset:<o>;partition:<p>,offset:<o>...'";

    private final String table;
    private final List<String> topics;
    private final Optional<Pattern> topicPattern;
    private final Format valueFormat;
    private final Optional<Format> keyFormat;
    private final RowSchema keyColumns;
    private final Optional<String> bootstrapServers;
    private final StartupMode startupMode;
    private final Map<Integer, Long> specificOffsets;
    private final long startupTimestampMillis;
    private final Duration readTimeout;
    private final ErrorPolicy errorPolicy;
    private final Optional<String> deadLetterTopic;
    private final DeliveryGuarantee sinkDeliveryGuarantee;
    private final DeliveryGuarantee deadLetterDeliveryGuarantee;
    private final String transactionalIdPrefix;
    private final boolean commitOffsets;
    private final Map<String, String> clientProperties;

    private KafkaTableOptions(TableDescriptor table) {
        this.table = table.name();
        List<String> prefixes = new ArrayList<>();
        prefixes.add(PROPERTIES_PREFIX);
        prefixes.addAll(Formats.optionPrefixes(""));
        prefixes.addAll(Formats.optionPrefixes("key."));
        table.checkOptions("Kafka", OPTION_DOCS.keySet(), prefixes.toArray(String[]::new));
        Optional<String> topicOption = table.option(TOPIC);
        Optional<String> patternOption = table.option(TOPIC_PATTERN);
        if (topicOption.isPresent() == patternOption.isPresent()) {
            throw new IllegalArgumentException("Kafka table '" + this.table + "' needs exactly one of the options '"
                    + TOPIC + "' and '" + TOPIC_PATTERN + "'");
        }
        topics = topicOption.map(t -> Arrays.stream(t.split(";")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
        if (topicOption.isPresent() && topics.isEmpty()) {
            throw new IllegalArgumentException("Option '" + TOPIC + "' of Kafka table '" + this.table + "' names no topic");
        }
        try {
            topicPattern = patternOption.map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Option '" + TOPIC_PATTERN + "' of Kafka table '" + this.table
                    + "' is not a valid regular expression: " + e.getDescription(), e);
        }
        valueFormat = recordFormat(table, "value", FORMAT, required(table, FORMAT), table.schema(), "");
        keyColumns = new RowSchema(table.primaryKey().stream().map(k -> table.schema().find(k).orElseThrow()).toList());
        if (table.primaryKey().isEmpty() && table.option(KEY_FORMAT).isPresent()) {
            throw new IllegalArgumentException("Option '" + KEY_FORMAT + "' of Kafka table '" + this.table + "' needs a "
                    + "PRIMARY KEY (...) NOT ENFORCED: the key's columns are what the record key holds");
        }
        keyFormat = table.primaryKey().isEmpty() ? Optional.empty() : Optional.of(recordFormat(table, "key", KEY_FORMAT,
                table.option(KEY_FORMAT).map(String::trim).orElse(JsonFormatFactory.IDENTIFIER), keyColumns, "key."));
        bootstrapServers = table.option(BOOTSTRAP_SERVERS).map(String::trim);
        if (bootstrapServers.isPresent() && bootstrapServers.get().isEmpty()) {
            throw new IllegalArgumentException("Option '" + BOOTSTRAP_SERVERS + "' of table '" + this.table + "' is empty");
        }

        String owner = "table '" + this.table + "'";
        Map<String, String> options = table.options();
        startupMode = StartupMode.of(OptionTable.get(options, STARTUP_MODE_OPTION, owner).orElseThrow());
        specificOffsets = onlyFor(table, SCAN_STARTUP_SPECIFIC_OFFSETS, startupMode == StartupMode.SPECIFIC_OFFSETS,
                SCAN_STARTUP_MODE + "'='" + StartupMode.SPECIFIC_OFFSETS.optionValue())
                .map(this::parseSpecificOffsets).orElse(Map.of());
        onlyFor(table, SCAN_STARTUP_TIMESTAMP_MILLIS, startupMode == StartupMode.TIMESTAMP,
                SCAN_STARTUP_MODE + "'='" + StartupMode.TIMESTAMP.optionValue());
        startupTimestampMillis = OptionTable.get(options, STARTUP_TIMESTAMP_OPTION, owner).orElse(-1L);
        readTimeout = Duration.ofMillis(OptionTable.get(options, READ_TIMEOUT_OPTION, owner).orElseThrow());
        commitOffsets = OptionTable.get(options, COMMIT_OFFSETS_OPTION, owner).orElseThrow();

        errorPolicy = ErrorPolicy.of(OptionTable.get(options, ON_ERROR_OPTION, owner).orElseThrow());
        deadLetterTopic = onlyFor(table, DEAD_LETTER_TOPIC, errorPolicy == ErrorPolicy.DEAD_LETTER,
                ON_ERROR + "'='" + ErrorPolicy.DEAD_LETTER.optionValue()).map(String::trim);
        if (errorPolicy == ErrorPolicy.DEAD_LETTER && deadLetterTopic.isEmpty()) {
            throw new IllegalArgumentException("Kafka table '" + this.table + "' has '" + ON_ERROR + "'='"
                    + ErrorPolicy.DEAD_LETTER.optionValue() + "' but no '" + DEAD_LETTER_TOPIC + "' option");
        }
        if (deadLetterTopic.isPresent() && topics.contains(deadLetterTopic.get())) {
            throw new IllegalArgumentException("Option '" + DEAD_LETTER_TOPIC + "' of table '" + this.table
                    + "' can't be one of the table's own topics " + topics);
        }

        sinkDeliveryGuarantee = DeliveryGuarantee.of(OptionTable.get(options, SINK_DELIVERY_OPTION, owner).orElseThrow());
        if (table.option(DEAD_LETTER_DELIVERY_GUARANTEE).isPresent() && errorPolicy != ErrorPolicy.DEAD_LETTER) {
            throw new IllegalArgumentException("Option '" + DEAD_LETTER_DELIVERY_GUARANTEE + "' of table '" + this.table
                    + "' needs '" + ON_ERROR + "'='" + ErrorPolicy.DEAD_LETTER.optionValue() + "'");
        }
        deadLetterDeliveryGuarantee = DeliveryGuarantee.of(
                OptionTable.get(options, DEAD_LETTER_DELIVERY_OPTION, owner).orElseThrow());
        transactionalIdPrefix = OptionTable.get(options, TRANSACTIONAL_ID_PREFIX_OPTION, owner).orElseThrow();
        if (transactionalIdPrefix.isEmpty()) {
            throw new IllegalArgumentException("Option '" + SINK_TRANSACTIONAL_ID_PREFIX + "' of table '" + this.table
                    + "' is empty");
        }

        Map<String, String> properties = new TreeMap<>();
        table.options().forEach((key, value) -> {
            if (key.startsWith(PROPERTIES_PREFIX)) {
                String property = key.substring(PROPERTIES_PREFIX.length());
                if (property.isEmpty() || MANAGED_CLIENT_PROPERTIES.contains(property)) {
                    throw new IllegalArgumentException("Option '" + key + "' of table '" + this.table
                            + "' can't be set: " + (property.equals("bootstrap.servers")
                            ? "use '" + BOOTSTRAP_SERVERS + "'" : "Sluice manages it"));
                }
                properties.put(property, value);
            }
        });
        clientProperties = Map.copyOf(properties);
    }

    /**
     * Validates the options of a Kafka table without contacting Kafka.
     *
     * @throws EngineException a user's error naming the table and the option at fault
     */
    public static KafkaTableOptions parse(TableDescriptor table) {
        requireNonNull(table, "table is null");
        try {
            return new KafkaTableOptions(table);
        } catch (IllegalArgumentException e) {
            throw new EngineException(ErrorType.USER_ERROR, e.getMessage(), e);  // a bad option is the user's
        }
    }

    /** A format of the table's records (their value, or key), refusing what only files have (a header line). */
    private Format recordFormat(TableDescriptor table, String what, String option, String identifier, RowSchema columns,
                                String prefix) {
        Format format = Formats.create(this.table, what, option, identifier, columns, table.options(), prefix);
        if (format.header(columns).isPresent()) {
            throw new IllegalArgumentException("Kafka table '" + this.table + "': its " + what + " format '" + identifier
                    + "' is set to write a header line, which only files have (remove the option)");
        }
        return format;
    }

    private static Map<String, String> documentedOptions() {
        Map<String, String> docs = new TreeMap<>();
        OPTIONS.definitions().stream().filter(d -> !d.name().equals(PROPERTIES_PREFIX + "*"))
                .forEach(d -> docs.put(d.name(), d.doc()));
        return Collections.unmodifiableMap(docs);
    }

    private String required(TableDescriptor table, String key) {
        String value = table.option(key).map(String::trim).orElse("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("Kafka table '" + this.table + "' needs option '" + key + "'");
        }
        return value;
    }

    /** The option's value, which may only be set when {@code applies}; {@code condition} says when. */
    private Optional<String> onlyFor(TableDescriptor table, String key, boolean applies, String condition) {
        Optional<String> value = table.option(key);
        if (applies && value.isEmpty()) {
            throw new IllegalArgumentException("Kafka table '" + this.table + "' has '" + condition
                    + "' but no '" + key + "' option");
        }
        if (!applies && value.isPresent()) {
            throw new IllegalArgumentException("Option '" + key + "' of table '" + this.table + "' needs '"
                    + condition + "'");
        }
        return value;
    }

    private Map<Integer, Long> parseSpecificOffsets(String value) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (String entry : value.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.split(",");
            if (parts.length != 2 || !parts[0].trim().startsWith("partition:") || !parts[1].trim().startsWith("offset:")) {
                throw invalidSpecificOffsets(value, "'" + entry.trim() + "' is not 'partition:<p>,offset:<o>'");
            }
            int partition;
            long offset;
            try {
                partition = Integer.parseInt(parts[0].trim().substring("partition:".length()).trim());
                offset = Long.parseLong(parts[1].trim().substring("offset:".length()).trim());
            } catch (NumberFormatException e) {
                throw invalidSpecificOffsets(value, "'" + entry.trim() + "' has a non-numeric partition or offset");
            }
            if (partition < 0 || offset < 0) {
                throw invalidSpecificOffsets(value, "'" + entry.trim() + "' has a negative partition or offset");
            }
            if (offsets.put(partition, offset) != null) {
                throw invalidSpecificOffsets(value, "partition " + partition + " is given twice");
            }
        }
        if (offsets.isEmpty()) {
            throw invalidSpecificOffsets(value, "no partition given");
        }
        return Map.copyOf(offsets);
    }

    private IllegalArgumentException invalidSpecificOffsets(String value, String reason) {
        return new IllegalArgumentException("Invalid value '" + value + "' for option '" + SCAN_STARTUP_SPECIFIC_OFFSETS
                + "' of table '" + table + "': " + reason + " (expected " + SPECIFIC_OFFSETS_SYNTAX + ")");
    }

    /**
     * The brokers to connect to: the table's {@code bootstrap.servers}, else the session's.
     *
     * @throws IllegalArgumentException naming the table if neither is set
     */
    public String bootstrapServers(TableDescriptor descriptor, ConnectorContext context) {
        return bootstrapServers.or(() -> context.option(descriptor, BOOTSTRAP_SERVERS).map(String::trim)
                        .filter(s -> !s.isEmpty()))
                .orElseThrow(() -> new IllegalArgumentException("Kafka table '" + table + "' has no '"
                        + BOOTSTRAP_SERVERS + "' option, and the session sets none (SET '" + BOOTSTRAP_SERVERS
                        + "' = 'host:port')"));
    }

    /**
     * The consumer group a continuous query commits its offsets of this table to: the query's
     * {@value #QUERY_GROUP_ID} option (the most specific: set for this query), else the table's
     * {@code properties.group.id}, else {@code sluice-<query name>}; empty if the table sets
     * {@code 'scan.commit-offsets'='false'}.
     *
     * @throws IllegalArgumentException naming the option if a group id is blank
     */
    public Optional<String> commitGroup(ConnectorContext context) {
        if (!commitOffsets) {
            return Optional.empty();
        }
        String property = PROPERTIES_PREFIX + ConsumerConfig.GROUP_ID_CONFIG;
        Optional<String> tableGroup = Optional.ofNullable(clientProperties.get(ConsumerConfig.GROUP_ID_CONFIG));
        Optional<String> queryGroup = Optional.ofNullable(context.sessionOptions().get(QUERY_GROUP_ID));
        if (tableGroup.isPresent() && tableGroup.get().isBlank()) {
            throw new IllegalArgumentException("Option '" + property + "' of table '" + table + "' is empty");
        }
        if (queryGroup.isPresent() && queryGroup.get().isBlank()) {
            throw new IllegalArgumentException("Option '" + QUERY_GROUP_ID + "' is empty (RESET it, or name a group)");
        }
        return Optional.of(queryGroup.or(() -> tableGroup).map(String::trim)
                .orElse(DEFAULT_GROUP_ID_PREFIX + context.queryName()));
    }

    /** Whether continuous queries commit their offsets of this table to a consumer group ({@value #SCAN_COMMIT_OFFSETS}). */
    public boolean commitOffsets() {
        return commitOffsets;
    }

    public String table() {
        return table;
    }

    /**
     * The table's one topic, for what needs exactly one (writing, specific startup offsets).
     *
     * @throws IllegalArgumentException naming the table if it reads several topics or a pattern
     */
    public String topic() {
        if (topics.size() != 1) {
            throw new IllegalArgumentException("Kafka table '" + table + "' reads " + (topicPattern.isPresent()
                    ? "the topics matching '" + topicPattern.get() + "'" : "several topics " + topics)
                    + "; this needs a table over a single topic");
        }
        return topics.get(0);
    }

    /** The listed topics; empty when the table reads a pattern. */
    public List<String> topics() {
        return topics;
    }

    public Optional<Pattern> topicPattern() {
        return topicPattern;
    }

    /** The format of the record values, for the table's declared columns. */
    public Format valueFormat() {
        return valueFormat;
    }

    /** With a primary key: the format of the record keys, for the key's columns ({@link #keyColumns()}). */
    public Optional<Format> keyFormat() {
        return keyFormat;
    }

    /** The primary key's columns, in key order; none without a primary key. */
    public RowSchema keyColumns() {
        return keyColumns;
    }

    public StartupMode startupMode() {
        return startupMode;
    }

    /** Start offsets by partition for {@link StartupMode#SPECIFIC_OFFSETS}, else empty. */
    public Map<Integer, Long> specificOffsets() {
        return specificOffsets;
    }

    /** Start timestamp for {@link StartupMode#TIMESTAMP}, else -1. */
    public long startupTimestampMillis() {
        return startupTimestampMillis;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public ErrorPolicy errorPolicy() {
        return errorPolicy;
    }

    public Optional<String> deadLetterTopic() {
        return deadLetterTopic;
    }

    /** How rows written to the table reach it ({@code sink.delivery-guarantee}). */
    public DeliveryGuarantee sinkDeliveryGuarantee() {
        return sinkDeliveryGuarantee;
    }

    /** How undecodable records reach the dead-letter topic ({@code dead-letter.delivery-guarantee}). */
    public DeliveryGuarantee deadLetterDeliveryGuarantee() {
        return deadLetterDeliveryGuarantee;
    }

    /** The prefix of transactional ids and marker groups ({@code sink.transactional-id-prefix}). */
    public String transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    /** The {@code properties.*} options, without the prefix, for the Kafka clients. */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /** Names of all valid options, sorted, for error messages and help. */
    public static Set<String> optionNames() {
        Set<String> names = new TreeSet<>(OPTION_DOCS.keySet());
        names.add(PROPERTIES_PREFIX + "*");
        return names;
    }

    @Override
    public String toString() {
        return "KafkaTableOptions{table=" + table + ", topics=" + topicPattern.map(Pattern::pattern).orElse(String.join(";", topics))
                + ", startupMode=" + startupMode
                + ", errorPolicy=" + errorPolicy + "}";
    }
}
