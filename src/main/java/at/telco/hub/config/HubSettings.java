package at.telco.hub.config;

import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * Every setting of the hub, declared once: key, type, default, meaning, secret or not. The code
 * reads them through {@link Settings#get(Setting)}; the route files read them as {@code {{key}}}
 * placeholders, which the defaults declared here resolve ({@link #defaults()}, Camel's initial
 * properties: a system property, an environment variable, the {@code --config} file or Camel's own
 * properties win over them). docs/configuration.md's table is generated from this catalogue and
 * checked against it ({@code SettingsCatalogueTest}).
 */
public final class HubSettings {

  private static final List<Setting<?>> ALL = new ArrayList<>();

  private HubSettings() {}

  // ---- The embedded default (launcher, embedded servers, simulated systems)
  public static final Setting<Boolean> EMBEDDED_ENABLED =
      flag(
          "hub.embedded.enabled",
          "true",
          "start the embedded PostgreSQL, Kafka and Artemis; `false` for real systems");
  public static final Setting<String> EMBEDDED_DATA_DIR =
      text(
          "hub.embedded.data-dir",
          "data",
          "where the embedded servers keep their state (also `--data-dir=DIR`)");
  public static final Setting<Boolean> EMBEDDED_CLEAN =
      flag(
          "hub.embedded.clean",
          "false",
          "delete the data directory before starting (also `--clean`)");
  public static final Setting<Integer> EMBEDDED_POSTGRES_PORT =
      number("hub.embedded.postgres.port", "54320", "port of the embedded PostgreSQL");
  public static final Setting<String> EMBEDDED_POSTGRES_SHARED_BUFFERS =
      text(
          "hub.embedded.postgres.shared-buffers",
          "128MB",
          "the embedded PostgreSQL's cache (`shared_buffers`): size it to the data for large loads (a reconciliation of a million customers reads most pages from the OS's cache with the default)");
  public static final Setting<Integer> EMBEDDED_KAFKA_PORT =
      number("hub.embedded.kafka.port", "19092", "port of the embedded Kafka broker");
  public static final Setting<Integer> EMBEDDED_KAFKA_CONTROLLER_PORT =
      number(
          "hub.embedded.kafka.controller-port", "19093", "port of the embedded Kafka controller");
  public static final Setting<Integer> EMBEDDED_ARTEMIS_PORT =
      number("hub.embedded.artemis.port", "61616", "port of the embedded Artemis");
  public static final Setting<String> EMBEDDED_ARTEMIS_ADMIN_PASSWORD =
      secret(
          "hub.embedded.artemis.admin-password",
          null,
          "adds an `admin` user with every permission on the embedded broker (role `broker-admin`), e.g. to look into queues with Artemis' tools; empty: no administrator");
  public static final Setting<Integer> EMBEDDED_SAMPLE_ACCOUNTS =
      number(
          "hub.embedded.sample.accounts",
          "1200",
          "CRM accounts seeded into an empty CRM; `0` for none");
  public static final Setting<Double> EMBEDDED_TRICKLE_CHANGES_PER_MINUTE =
      decimal(
          "hub.embedded.trickle.changes-per-minute",
          "30",
          "simulated CRM changes; `0` switches them off");
  public static final Setting<Boolean> EMBEDDED_SIMULATORS_ENABLED =
      flag(
          "hub.embedded.simulators.enabled",
          "true",
          "the simulated CRM trickle, billing and network");
  public static final Setting<Double> EMBEDDED_SIMULATORS_BILLING_EVENTS_PER_MINUTE =
      decimal(
          "hub.embedded.simulators.billing.events-per-minute",
          "60",
          "simulated invoices, payments and dunning changes");
  public static final Setting<Integer> EMBEDDED_SIMULATORS_NETWORK_ACTIVATIONS_PER_TICK =
      number(
          "hub.embedded.simulators.network.activations-per-tick",
          "50",
          "billing accounts the network simulator gives services, every 5 s");

  // ---- The databases: the three systems and the hub's own
  public static final Setting<String> CRM_JDBC_URL =
      text(
          "hub.crm.jdbc-url",
          "jdbc:postgresql://127.0.0.1:54320/crm",
          "the CRM database (pgJDBC URL; a multi-host URL follows the primary)");
  public static final Setting<String> CRM_USERNAME =
      text("hub.crm.username", "hub_integration", "the CRM role of the contract");
  public static final Setting<String> CRM_PASSWORD =
      secret("hub.crm.password", null, "its password");
  public static final Setting<Integer> CRM_POOL_SIZE =
      number("hub.crm.pool-size", "6", "connections to the CRM");
  public static final Setting<String> BILLING_JDBC_URL =
      text(
          "hub.billing.jdbc-url",
          "jdbc:postgresql://127.0.0.1:54320/billing",
          "the billing database");
  public static final Setting<String> BILLING_USERNAME =
      text("hub.billing.username", "hub_integration", "the billing role of the contract");
  public static final Setting<String> BILLING_PASSWORD =
      secret("hub.billing.password", null, "its password");
  public static final Setting<Integer> BILLING_POOL_SIZE =
      number("hub.billing.pool-size", "6", "connections to billing");
  public static final Setting<String> CUSTOMERDB_JDBC_URL =
      text(
          "hub.customerdb.jdbc-url",
          "jdbc:postgresql://127.0.0.1:54320/customerdb",
          "the customer database");
  public static final Setting<String> CUSTOMERDB_USERNAME =
      text("hub.customerdb.username", "hub_integration", "the customerdb role of the contract");
  public static final Setting<String> CUSTOMERDB_PASSWORD =
      secret("hub.customerdb.password", null, "its password");
  public static final Setting<Integer> CUSTOMERDB_POOL_SIZE =
      number("hub.customerdb.pool-size", "6", "connections to customerdb");
  public static final Setting<String> HUBDB_JDBC_URL =
      text("hub.hubdb.jdbc-url", "jdbc:postgresql://127.0.0.1:54320/hub", "the hub's own database");
  public static final Setting<String> HUBDB_USERNAME =
      text("hub.hubdb.username", "hub_app", "the hub's runtime role; owns nothing");
  public static final Setting<String> HUBDB_PASSWORD =
      secret("hub.hubdb.password", null, "its password");
  public static final Setting<Integer> HUBDB_POOL_SIZE =
      number("hub.hubdb.pool-size", "8", "connections to the hub database");
  public static final Setting<Boolean> HUBDB_MIGRATE =
      flag("hub.hubdb.migrate", "true", "apply the hub's migrations at start");
  public static final Setting<String> HUBDB_MIGRATION_USERNAME =
      text(
          "hub.hubdb.migration.username",
          null,
          "embedded: `hub_owner`",
          "the owner of the hub's schema and tables, which runs the migrations (and `restore`); empty: the runtime role migrates and owns them, and the hub warns that the audit trail is not protected from it");
  public static final Setting<String> HUBDB_MIGRATION_PASSWORD =
      secret(
          "hub.hubdb.migration.password",
          "embedded: generated into the data directory",
          "the owner's password");
  public static final Setting<String> HUBDB_MIGRATION_JDBC_URL =
      text(
          "hub.hubdb.migration.jdbc-url",
          null,
          "the hub database's URL",
          "where the owner connects, if not `hub.hubdb.jdbc-url`");

  public static final Database CRM =
      new Database("crm", CRM_JDBC_URL, CRM_USERNAME, CRM_PASSWORD, CRM_POOL_SIZE);
  public static final Database BILLING =
      new Database(
          "billing", BILLING_JDBC_URL, BILLING_USERNAME, BILLING_PASSWORD, BILLING_POOL_SIZE);
  public static final Database CUSTOMERDB =
      new Database(
          "customerdb",
          CUSTOMERDB_JDBC_URL,
          CUSTOMERDB_USERNAME,
          CUSTOMERDB_PASSWORD,
          CUSTOMERDB_POOL_SIZE);
  public static final Database HUBDB =
      new Database("hubdb", HUBDB_JDBC_URL, HUBDB_USERNAME, HUBDB_PASSWORD, HUBDB_POOL_SIZE);

  /** The hub database as its owner (Flyway holds two connections: its lock and the migration). */
  public static final Database HUBDB_MIGRATION =
      new Database(
          "hubdb.migration",
          HUBDB_MIGRATION_JDBC_URL,
          HUBDB_MIGRATION_USERNAME,
          HUBDB_MIGRATION_PASSWORD,
          null,
          HUBDB_JDBC_URL);

  public static final Setting<Integer> DB_CONNECTION_TIMEOUT_MS =
      number(
          "hub.db.connection-timeout-ms",
          "5000",
          "how long a caller waits for a pooled connection");
  public static final Setting<Integer> DB_CONNECT_TIMEOUT_S =
      number("hub.db.connect-timeout-s", "5", "pgJDBC connect timeout");
  public static final Setting<Integer> DB_SOCKET_TIMEOUT_S =
      number(
          "hub.db.socket-timeout-s",
          "60",
          "pgJDBC socket timeout: a database that hangs makes the hub wait and retry, never freeze");

  // ---- Kafka
  public static final Setting<String> KAFKA_BROKERS =
      text("hub.kafka.brokers", "127.0.0.1:19092", "Kafka bootstrap servers");
  public static final Setting<String> KAFKA_TOPIC_CUSTOMER =
      text(
          "hub.kafka.topic.customer",
          "canonical.customer.v1",
          "canonical customer topic (compacted)");
  public static final Setting<String> KAFKA_TOPIC_BILLING =
      text(
          "hub.kafka.topic.billing",
          "canonical.billing.v1",
          "canonical billing topic (billing accounts and bills)");
  public static final Setting<String> KAFKA_TOPIC_SERVICE =
      text(
          "hub.kafka.topic.service",
          "canonical.service.v1",
          "canonical service topic (compacted, keyed by service id)");
  public static final Setting<String> KAFKA_TOPIC_SERVICE_RETENTION_MS =
      text(
          "hub.kafka.topic.service.retention-ms",
          "-1",
          "the service topic is kept without time limit (it rebuilds `customerdb.service`)");
  public static final Setting<String> KAFKA_TOPIC_CUSTOMER_MAX_COMPACTION_LAG_MS =
      text(
          "hub.kafka.topic.customer.max-compaction-lag-ms",
          "86400000",
          "an erased customer's events are gone from the customer and service topics within this"
              + " lag");
  public static final Setting<String> KAFKA_TOPIC_CUSTOMER_DELETE_RETENTION_MS =
      text(
          "hub.kafka.topic.customer.delete-retention-ms",
          "86400000",
          "how long an erasure's tombstone stays");
  public static final Setting<Boolean> KAFKA_TOPICS_CREATE =
      flag(
          "hub.kafka.topics.create",
          "true",
          "create missing canonical topics at start (and set the customer and service topics'"
              + " compaction)");
  public static final Setting<Integer> KAFKA_TOPICS_PARTITIONS =
      number("hub.kafka.topics.partitions", "6", "partitions of the topics the hub creates");
  public static final Setting<Integer> KAFKA_TOPICS_REPLICATION_FACTOR =
      number(
          "hub.kafka.topics.replication-factor",
          "1",
          "replication factor of the topics the hub creates (3 in production)");
  public static final Setting<Integer> KAFKA_TOPICS_MIN_INSYNC_REPLICAS =
      number(
          "hub.kafka.topics.min-insync-replicas",
          null,
          "2 with a replication factor of 3 or more, else 1",
          "`min.insync.replicas` of the topics the hub creates");
  public static final Setting<Integer> KAFKA_CONSUMERS =
      number(
          "hub.kafka.consumers",
          "1",
          "consumer threads per Kafka-fed target route (at most one per partition has work)");
  public static final Setting<String> KAFKA_SECURITY_PROTOCOL =
      text(
          "hub.kafka.security-protocol",
          null,
          "PLAINTEXT",
          "`SSL`, `SASL_PLAINTEXT` or `SASL_SSL`, for camel-kafka and the hub's own Kafka clients alike");
  public static final Setting<String> KAFKA_SASL_MECHANISM =
      text(
          "hub.kafka.sasl-mechanism",
          null,
          null,
          "`PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`, or another with `hub.kafka.sasl-jaas-config`");
  public static final Setting<String> KAFKA_USERNAME =
      text(
          "hub.kafka.username",
          null,
          null,
          "user of PLAIN or SCRAM; the JAAS line is built from it and the password");
  public static final Setting<String> KAFKA_PASSWORD =
      secret("hub.kafka.password", null, "its password");
  public static final Setting<String> KAFKA_SASL_JAAS_CONFIG =
      secret(
          "hub.kafka.sasl-jaas-config",
          null,
          "the whole JAAS line (any mechanism, e.g. OAUTHBEARER); wins over user and password");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_LOCATION =
      text(
          "hub.kafka.ssl-truststore-location",
          null,
          null,
          "trust store with the CA of the brokers' certificates");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_TYPE =
      text("hub.kafka.ssl-truststore-type", null, "Kafka's", "its type");
  public static final Setting<String> KAFKA_SSL_TRUSTSTORE_PASSWORD =
      secret("hub.kafka.ssl-truststore-password", null, "its password");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_LOCATION =
      text(
          "hub.kafka.ssl-keystore-location",
          null,
          null,
          "key store with a client certificate (mutual TLS)");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_TYPE =
      text("hub.kafka.ssl-keystore-type", null, "Kafka's", "its type");
  public static final Setting<String> KAFKA_SSL_KEYSTORE_PASSWORD =
      secret("hub.kafka.ssl-keystore-password", null, "its password");
  public static final Setting<String> KAFKA_SSL_KEY_PASSWORD =
      secret("hub.kafka.ssl-key-password", null, "the key's password, if different");
  public static final Setting<String> KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM =
      text(
          "hub.kafka.ssl-endpoint-identification-algorithm",
          null,
          "Kafka's: `https`",
          "`none` switches host name verification off");

  // ---- The network's topics
  public static final Setting<String> NETWORK_TOPIC_INVENTORY =
      text(
          "hub.network.topic.inventory",
          "network.inventory.events",
          "the network's inventory events");
  public static final Setting<String> NETWORK_TOPIC_COMMANDS =
      text(
          "hub.network.topic.commands",
          "network.provisioning.commands",
          "provisioning commands the hub sends");
  public static final Setting<String> NETWORK_TOPIC_RESULTS =
      text(
          "hub.network.topic.results",
          "network.provisioning.results",
          "the network's answers to them");
  public static final Setting<String> NETWORK_INVENTORY_GROUP =
      text(
          "hub.network.inventory.group",
          "hub-network-inventory",
          "consumer group of the inventory route");
  public static final Setting<String> NETWORK_RESULTS_GROUP =
      text(
          "hub.network.results.group",
          "hub-provisioning-results",
          "consumer group of the provisioning results route");

  // ---- Artemis
  public static final Setting<String> ARTEMIS_URL =
      text(
          "hub.artemis.url",
          "tcp://127.0.0.1:61616",
          "Artemis (a failover URL for a primary/backup pair)");
  public static final Setting<String> ARTEMIS_USERNAME =
      text(
          "hub.artemis.username",
          null,
          "embedded: `hub`",
          "the hub's Artemis user; it needs the role of `deploy/ha/README.md`");
  public static final Setting<String> ARTEMIS_PASSWORD =
      secret("hub.artemis.password", "embedded: generated into the data directory", "its password");
  public static final Setting<Integer> ARTEMIS_POOL_SIZE =
      number("hub.artemis.pool-size", "4", "pooled Artemis connections");

  // ---- Sources: polling
  public static final Setting<Integer> CRM_POLL_INTERVAL_MS =
      number(
          "hub.crm.poll.interval-ms",
          "10",
          "CRM `change_log` polls follow each other this far apart while they find work (a full batch is followed by the next at once)");
  public static final Setting<Integer> CRM_POLL_IDLE_INTERVAL_MS =
      number(
          "hub.crm.poll.idle-interval-ms",
          "100",
          "after an empty poll, at most one poll per this interval");
  public static final Setting<Integer> CRM_POLL_BATCH_SIZE =
      number("hub.crm.poll.batch-size", "500", "change rows claimed per poll");
  public static final Setting<Integer> BILLING_POLL_INTERVAL_MS =
      number("hub.billing.poll.interval-ms", "10", "billing `event_out` polls, likewise");
  public static final Setting<Integer> BILLING_POLL_IDLE_INTERVAL_MS =
      number("hub.billing.poll.idle-interval-ms", "100", "likewise");
  public static final Setting<Integer> BILLING_POLL_BATCH_SIZE =
      number("hub.billing.poll.batch-size", "500", "billing events claimed per poll");

  // ---- Targets: batching and consumer groups
  public static final Setting<Integer> TARGET_BATCH_SIZE =
      number(
          "hub.target.batch-size",
          "500",
          "changes per target transaction (records per Kafka poll)");
  public static final Setting<Integer> TARGET_BATCH_WAIT_MS =
      number(
          "hub.target.batch-wait-ms",
          "5",
          "how long a consumer waits in one poll: a partial batch is handed on after the first poll"
              + " that finds nothing more, so a change waits this long for its batch; a shorter wait"
              + " wakes every consumer that often and costs an idle hub CPU (the trade-off as"
              + " measured: docs/performance.md)");
  public static final Setting<Integer> TARGET_BATCHING_INTERVAL_MS =
      number(
          "hub.target.batching-interval-ms",
          "5",
          "after how long a partial batch is handed on while records keep arriving");
  public static final Setting<String> TARGET_CUSTOMERDB_GROUP =
      text(
          "hub.target.customerdb.group",
          "hub-customerdb",
          "consumer group: customers into customerdb");
  public static final Setting<String> TARGET_BILLING_GROUP =
      text("hub.target.billing.group", "hub-billing", "consumer group: customers into billing");
  public static final Setting<String> TARGET_BILLING_ACCOUNT_GROUP =
      text(
          "hub.target.billing-account.group",
          "hub-customerdb-billing-account",
          "consumer group: billing accounts into customerdb");
  public static final Setting<String> TARGET_CRM_NOTES_GROUP =
      text(
          "hub.target.crm-notes.group",
          "hub-crm-notes",
          "consumer group: dunning notes into the CRM");
  public static final Setting<String> TARGET_BARRING_GROUP =
      text(
          "hub.target.barring.group", "hub-barring", "consumer group: dunning to barring commands");
  public static final Setting<String> TARGET_SERVICE_GROUP =
      text(
          "hub.target.service.group",
          "hub-customerdb-service",
          "consumer group: services into customerdb");

  // ---- Redelivery before a dead letter
  public static final Setting<Integer> REDELIVERY_MAXIMUM =
      number(
          "hub.redelivery.maximum",
          "3",
          "tries of a change its target refuses, before its dead letter");
  public static final Setting<Integer> REDELIVERY_DELAY_MS =
      number("hub.redelivery.delay-ms", "500", "first delay between them (doubling)");
  public static final Setting<Integer> REDELIVERY_MAX_DELAY_MS =
      number("hub.redelivery.max-delay-ms", "10000", "longest delay between them");
  public static final Setting<Integer> REDELIVERY_NOT_YET_MAXIMUM =
      number(
          "hub.redelivery.not-yet.maximum",
          "8",
          "tries of a change whose referenced record the target does not have yet (a billing account before its customer)");
  public static final Setting<Integer> REDELIVERY_NOT_YET_DELAY_MS =
      number("hub.redelivery.not-yet.delay-ms", "1000", "first delay between them (doubling)");
  public static final Setting<Integer> REDELIVERY_NOT_YET_MAX_DELAY_MS =
      number("hub.redelivery.not-yet.max-delay-ms", "60000", "longest delay between them");

  // ---- Dead letters
  public static final Setting<String> DEAD_LETTER_QUEUE_PREFIX =
      text("hub.dead-letter.queue-prefix", "DLQ.", "dead-letter queues are `<prefix><target>`");
  public static final Setting<Integer> DEAD_LETTER_REPLAY_TIMEOUT_S =
      number(
          "hub.dead-letter.replay-timeout-s",
          "300",
          "after this, a replay whose outcome was never recorded (the hub died mid-replay) is claimable again");
  public static final Setting<Integer> DEAD_LETTER_PURGE_INTERVAL_MS =
      number(
          "hub.dead-letter.purge-interval-ms",
          "2000",
          "how often replayed or discarded dead letters are removed from their queues");
  public static final Setting<Integer> DEAD_LETTER_PURGE_BATCH_SIZE =
      number("hub.dead-letter.purge-batch-size", "500", "how many per purge");
  public static final Setting<Duration> DEAD_LETTER_RETENTION =
      duration(
          "hub.dead-letter.retention",
          "P30D",
          "the bodies of closed dead letters (and their queue messages) are purged this long after the last failure; open ones only with `hub.dead-letter.retention.discard-open`");
  public static final Setting<Boolean> DEAD_LETTER_RETENTION_DISCARD_OPEN =
      flag(
          "hub.dead-letter.retention.discard-open",
          "false",
          "also discard open dead letters (nobody decided about them) at their retention; off: they wait for a person, counted in `hub_dead_letters_retention_due` (alert `TelcoHubDeadLettersAtRetention`)");
  public static final Setting<Duration> DEAD_LETTER_RETENTION_WARNING =
      duration(
          "hub.dead-letter.retention.warning",
          "P7D",
          "how long before its retention an open dead letter is counted in `hub_dead_letters_retention_due`");
  public static final Setting<Integer> DEAD_LETTER_RETENTION_CHECK_MS =
      number("hub.dead-letter.retention-check-ms", "600000", "how often the retention runs");

  // ---- Parking
  public static final Setting<String> PARKING_QUEUE =
      text(
          "hub.parking.queue",
          "PARK.network-inventory",
          "where a network event for an unknown billing account waits");
  public static final Setting<Duration> PARKING_FIRST_DELAY =
      duration("hub.parking.first-delay", "PT5S", "first redelivery of a parked event (doubling)");
  public static final Setting<Duration> PARKING_MAX_DELAY =
      duration("hub.parking.max-delay", "PT5M", "longest delay between redeliveries");
  public static final Setting<Duration> PARKING_MAX_TIME =
      duration("hub.parking.max-time", "PT1H", "a parked event is dead-lettered after this");

  // ---- Provisioning (dunning to barring)
  public static final Setting<Duration> PROVISIONING_OVERDUE_AFTER =
      duration(
          "hub.provisioning.overdue-after",
          "PT10M",
          "a provisioning command without a result after this is overdue");
  public static final Setting<Integer> PROVISIONING_OVERDUE_CHECK_MS =
      number(
          "hub.provisioning.overdue-check-ms",
          "30000",
          "how often overdue commands are looked for");

  // ---- Erasure
  public static final Setting<Integer> ERASURE_INTERVAL_MS =
      number(
          "hub.erasure.interval-ms",
          "5000",
          "how often erasure requests and legal holds are worked off");
  public static final Setting<Integer> ERASURE_BATCH_SIZE =
      number("hub.erasure.batch-size", "50", "erasure requests per run");

  // ---- Observation, logs, tracing
  public static final Setting<Integer> OBSERVE_INTERVAL_MS =
      number(
          "hub.observe.interval-ms",
          "10000",
          "how often backlogs, lag, dead letters, parked messages and readiness are sampled for metrics and health");
  public static final Setting<Integer> OBSERVE_DEAD_LETTERS_ATTENTION_ABOVE =
      number(
          "hub.observe.dead-letters.attention-above",
          "10",
          "open dead letters of one target above which the `dead-letters` health detail asks for attention");
  public static final Setting<Integer> OVERVIEW_REFRESH_SECONDS =
      number(
          "hub.overview.refresh-seconds",
          "5",
          "how often the console's overview asks `GET /api/v1/overview` again");
  public static final Setting<Integer> OVERVIEW_LAG_AMBER_ABOVE =
      number(
          "hub.overview.lag.amber-above",
          "1000",
          "changes a target's consumer (or a polled source's backlog) may be behind before the overview shows it amber");
  public static final Setting<Integer> OVERVIEW_LAG_RED_ABOVE =
      number(
          "hub.overview.lag.red-above",
          "10000",
          "changes behind above which the overview shows a target or source red");
  public static final Setting<Integer> OVERVIEW_LATENCY_AMBER_ABOVE_SECONDS =
      number(
          "hub.overview.latency-p95.amber-above-seconds",
          "60",
          "end-to-end latency p95 (last 5 minutes) above which a target is amber");
  public static final Setting<Integer> OVERVIEW_LATENCY_RED_ABOVE_SECONDS =
      number(
          "hub.overview.latency-p95.red-above-seconds",
          "300",
          "end-to-end latency p95 (last 5 minutes) above which a target is red");
  public static final Setting<Integer> OVERVIEW_DEAD_LETTERS_AMBER_ABOVE =
      number(
          "hub.overview.dead-letters.amber-above",
          "0",
          "open dead letters of one target above which it is amber");
  public static final Setting<Integer> OVERVIEW_DEAD_LETTERS_RED_ABOVE =
      number(
          "hub.overview.dead-letters.red-above",
          "10",
          "open dead letters of one target above which it is red");
  public static final Setting<Integer> OVERVIEW_DEAD_LETTERS_RED_AFTER_MINUTES =
      number(
          "hub.overview.dead-letters.red-after-minutes",
          "60",
          "age of a target's oldest open dead letter after which it is red");
  public static final Setting<Integer> OVERVIEW_PARKED_AMBER_ABOVE =
      number(
          "hub.overview.parked.amber-above",
          "100",
          "parked messages on a queue above which it is amber");
  public static final Setting<Integer> OVERVIEW_PARKED_RED_ABOVE =
      number(
          "hub.overview.parked.red-above",
          "1000",
          "parked messages on a queue above which it is red");
  public static final Setting<Integer> OVERVIEW_OVERDUE_AMBER_ABOVE =
      number(
          "hub.overview.provisioning-overdue.amber-above",
          "0",
          "overdue provisioning commands above which provisioning is amber");
  public static final Setting<Integer> OVERVIEW_OVERDUE_RED_ABOVE =
      number(
          "hub.overview.provisioning-overdue.red-above",
          "10",
          "overdue provisioning commands above which provisioning is red");
  public static final Setting<Integer> OVERVIEW_DIFFERENCES_AMBER_ABOVE =
      number(
          "hub.overview.reconciliation.amber-above",
          "0",
          "differences found by the last reconciliation above which consistency is amber");
  public static final Setting<Integer> OVERVIEW_DIFFERENCES_RED_ABOVE =
      number(
          "hub.overview.reconciliation.red-above",
          "100",
          "differences found by the last reconciliation above which consistency is red");
  public static final Setting<String> LOG_KEY_HASH_SECRET =
      secret(
          "hub.log.key-hash-secret",
          "embedded: generated into the data directory",
          "key of the hashed business keys in the logs; unset in external mode: a secret of this run only, with a warning");
  public static final Setting<String> TRACING_OTLP_ENDPOINT =
      text(
          "hub.tracing.otlp-endpoint",
          null,
          "tracing off",
          "OpenTelemetry collector, OTLP over HTTP (e.g. `http://otel-collector:4318`)");
  public static final Setting<String> TRACING_SERVICE_NAME =
      text("hub.tracing.service-name", "telco-integration-hub", "the spans' `service.name`");
  public static final Setting<Integer> TRACING_EXPORT_DELAY_MS =
      number("hub.tracing.export-delay-ms", "2000", "how long spans are batched before export");

  // ---- Routes and mappings
  public static final Setting<String> ROUTES_LOCATION =
      text(
          "hub.routes.location",
          "classpath:routes",
          "where route files are read from (`file:/dir` for edited copies)");
  public static final Setting<String> TRANSFORMERS_LOCATION =
      text(
          "hub.transformers.location",
          "classpath:transformers",
          "where the JSLT mappings are read from");
  public static final Setting<String> SINKS_LOCATION =
      text(
          "hub.sinks.location",
          "classpath:sinks",
          "where the sink declarations (`<name>.yaml`: a target's tables, mapping, topic) are read"
              + " from");
  public static final Setting<String> CONTRACTS_LOCATION =
      text(
          "hub.contracts.location",
          "classpath:contracts",
          "where the systems' schema contracts (`system-schemas.json`) are read from");
  public static final Setting<Boolean> DEV =
      flag(
          "hub.dev",
          "false",
          "development mode (also `--dev`): a route file or mapping changed on disk is picked up"
              + " without a restart; a mapping only when it compiles and its fixtures pass. Off in"
              + " production");
  public static final Setting<String> MAPPING_LANGUAGE_LOCALES =
      text(
          "hub.mapping.language-locales",
          "de:de_AT,en:en_GB,tr:tr_TR,hr:hr_HR,sr:sr_RS,bs:bs_BA,hu:hu_HU,cs:cs_CZ,sk:sk_SK,pl:pl_PL",
          "CRM language -> billing locale (and customerdb's BCP 47 tag)");

  // ---- The management API: users, sign-in, limits, TLS
  public static final Setting<String> AUTH_USERS =
      text(
          "hub.auth.users",
          null,
          null,
          "management API users: `name:bcrypt-hash:role` entries separated by `;`");
  public static final Setting<String> AUTH_USERS_FILE =
      text("hub.auth.users-file", null, null, "a file of `name = bcrypt-hash role` lines");
  public static final Setting<Integer> AUTH_SESSION_MINUTES =
      number(
          "hub.auth.session-minutes",
          "480",
          "absolute lifetime of a console session (never extended; a session token cannot open"
              + " another session)");
  public static final Setting<String> ADMIN_PASSWORD =
      secret(
          "hub.admin.password",
          null,
          "password of the `admin` the hub creates when there is none; empty: generated into `hub.admin.generated-password-file` (never printed or logged)");
  public static final Setting<String> ADMIN_GENERATED_PASSWORD_FILE =
      text(
          "hub.admin.generated-password-file",
          null,
          "`admin-password` in the embedded data directory, else in the working directory",
          "where a generated `admin` password is written (mode 0600); the log says where, never what");
  public static final Setting<String> AUTH_OIDC_ISSUER =
      text("hub.auth.oidc.issuer", null, "off", "accept bearer JWTs of this OIDC issuer");
  public static final Setting<String> AUTH_OIDC_AUDIENCE =
      text("hub.auth.oidc.audience", null, null, "the audience those tokens must have");
  public static final Setting<String> AUTH_OIDC_JWKS_FILE =
      text(
          "hub.auth.oidc.jwks-file",
          null,
          null,
          "the issuer's public keys as a JWKS file, read at start");
  public static final Setting<String> AUTH_OIDC_JWKS_URL =
      text("hub.auth.oidc.jwks-url", null, null, "or their URL, fetched and cached");
  public static final Setting<String> AUTH_OIDC_ROLE_CLAIM =
      text("hub.auth.oidc.role-claim", "roles", "the claim holding the caller's groups");
  public static final Setting<String> AUTH_OIDC_USER_CLAIM =
      text(
          "hub.auth.oidc.user-claim",
          "sub",
          "the claim naming the caller, unique and immutable at the issuer; the hub's name for"
              + " the caller is `oidc:<alias>:<value>`");
  public static final Setting<String> AUTH_OIDC_ALIAS =
      text(
          "hub.auth.oidc.alias",
          "idp",
          "short name of the issuer in the names of its users (`a-z 0-9 -`, up to 32)");
  public static final Setting<String> AUTH_OIDC_ROLE_MAP =
      text(
          "hub.auth.oidc.role-map",
          "hub-viewer=viewer,hub-support=support,hub-operator=operator,hub-admin=admin",
          "which claim value gives which hub role");
  public static final Setting<Integer> RATE_LIMIT_REPLAY_PER_MINUTE =
      number(
          "hub.rate-limit.replay-per-minute",
          "600",
          "per user: single replays and resyncs (`0`: no limit)");
  public static final Setting<Integer> RATE_LIMIT_BULK_PER_MINUTE =
      number(
          "hub.rate-limit.bulk-per-minute",
          "30",
          "per user: bulk replays, reconciliations, resyncs of a target, rebuilds (`0`: no limit)");
  public static final Setting<String> RATE_LIMIT_USERS =
      text(
          "hub.rate-limit.users",
          null,
          null,
          "per-user limits, `name=replay/bulk` separated by `;` (e.g. `night-batch=6000/120`)");
  public static final Setting<Integer> AUTH_THROTTLE_FREE_FAILURES =
      number(
          "hub.auth.throttle.free-failures",
          "3",
          "failed sign-ins of one user from one address before each further try must wait");
  public static final Setting<Integer> AUTH_THROTTLE_ADDRESS_FREE_FAILURES =
      number(
          "hub.auth.throttle.address-free-failures",
          "20",
          "failed sign-ins from one address (any user, also bad bearer tokens) before each further"
              + " try from it must wait");
  public static final Setting<Integer> AUTH_THROTTLE_BASE_DELAY_SECONDS =
      number(
          "hub.auth.throttle.base-delay-seconds",
          "1",
          "the first wait after the free failures; it doubles with each further failure (429"
              + " with Retry-After, no password check)");
  public static final Setting<Integer> AUTH_THROTTLE_MAX_DELAY_SECONDS =
      number(
          "hub.auth.throttle.max-delay-seconds",
          "300",
          "the longest wait: back-off, never a lockout");
  public static final Setting<Integer> AUTH_THROTTLE_FORGET_SECONDS =
      number(
          "hub.auth.throttle.forget-seconds",
          "900",
          "quiet time after which failures are forgotten and their burst is summed up in the"
              + " audit trail");
  public static final Setting<Integer> AUTH_PASSWORD_CHECK_THREADS =
      number(
          "hub.auth.password-check.threads",
          "2",
          "threads of the hub's own pool for bcrypt checks (not the shared worker pool)");
  public static final Setting<Integer> AUTH_PASSWORD_CHECK_QUEUE =
      number(
          "hub.auth.password-check.queue",
          "8",
          "bcrypt checks waiting for a thread; beyond them sign-ins answer 503 with Retry-After");
  public static final Setting<String> API_ALLOWED_ORIGINS =
      text(
          "hub.api.allowed-origins",
          null,
          "the API's own origin only",
          "further origins (`https://host:port`, separated by `,`) that may send state-changing"
              + " requests, e.g. the public address of a reverse proxy that rewrites Host");
  public static final Setting<String> SERVER_TLS_KEYSTORE =
      text(
          "hub.server.tls.keystore",
          null,
          "plain HTTP",
          "key store for TLS on the business HTTP port");
  public static final Setting<String> SERVER_TLS_KEYSTORE_TYPE =
      text("hub.server.tls.keystore-type", "PKCS12", "its type");
  public static final Setting<String> SERVER_TLS_KEYSTORE_PASSWORD =
      secret("hub.server.tls.keystore-password", null, "its password");
  public static final Setting<String> SERVER_TLS_KEY_PASSWORD =
      secret("hub.server.tls.key-password", null, "the key's password, if different");

  // ---- The audit trail
  public static final Setting<Period> AUDIT_RETENTION =
      period(
          "hub.audit.retention",
          null,
          "kept for ever",
          "ISO-8601 period (e.g. `P400D`) after which whole sealed audit segments may be dropped; the `migrate` command (the owner) writes it into the owner-only table `hub.audit_retention`, which alone bounds what the maintenance role may delete");
  public static final Setting<String> AUDIT_SEALS_FILE =
      text(
          "hub.audit.seals-file",
          null,
          "the log only",
          "file the audit seals are appended to when made (one JSON line each, created 0600), for `audit verify --seals FILE`; keep it (or the log) outside the hub database");
  public static final Setting<Integer> AUDIT_MAINTENANCE_INTERVAL_MS =
      number(
          "hub.audit.maintenance-interval-ms",
          "3600000",
          "how often closed audit segments are sealed and expired ones dropped");
  public static final Setting<String> AUDIT_MAINTENANCE_JDBC_URL =
      text(
          "hub.audit.maintenance.jdbc-url",
          null,
          "the hub database's URL",
          "where the audit maintenance role connects, if not `hub.hubdb.jdbc-url`");
  public static final Setting<String> AUDIT_MAINTENANCE_USERNAME =
      text(
          "hub.audit.maintenance.username",
          null,
          "embedded: `hub_audit_maintenance`",
          "the only role that may delete audit entries (whole sealed segments older than the owner's retention); in production only the `audit-maintenance` command's; without it nothing is dropped");
  public static final Setting<String> AUDIT_MAINTENANCE_PASSWORD =
      secret("hub.audit.maintenance.password", null, "its password");
  public static final Setting<Integer> AUDIT_MAINTENANCE_POOL_SIZE =
      number("hub.audit.maintenance.pool-size", "6", "embedded: `1`", "its connections");
  public static final Database AUDIT_MAINTENANCE =
      new Database(
          "audit.maintenance",
          AUDIT_MAINTENANCE_JDBC_URL,
          AUDIT_MAINTENANCE_USERNAME,
          AUDIT_MAINTENANCE_PASSWORD,
          AUDIT_MAINTENANCE_POOL_SIZE,
          HUBDB_JDBC_URL);

  // ---- Consistency: reconciliation, resync, schema drift, schedule
  public static final Setting<Boolean> RECONCILIATION_SCHEDULE_ENABLED =
      flag("hub.reconciliation.schedule.enabled", "true", "run the scheduled reconciliation");
  public static final Setting<String> RECONCILIATION_CRON =
      text("hub.reconciliation.cron", "0 15 2 * * ?", "when (Quartz cron)");
  public static final Setting<String> RECONCILIATION_TIME_ZONE =
      text("hub.reconciliation.time-zone", "Europe/Vienna", "in which time zone");
  public static final Setting<Boolean> RECONCILIATION_REPAIR_ENABLED =
      flag(
          "hub.reconciliation.repair.enabled",
          "false",
          "whether reconciliation may repair (scheduled runs then repair; on demand it is asked for)");
  public static final Setting<Integer> RECONCILIATION_CHUNK_SIZE =
      number(
          "hub.reconciliation.chunk-size",
          "5000",
          "keys a run's cursors over the copies fetch per round trip and look up in the master per statement (the master's cursor fetches 1,000 records at a time)");
  public static final Setting<Integer> RECONCILIATION_PARALLELISM =
      number(
          "hub.reconciliation.parallelism",
          "2",
          "slices of 250 records a run compares at once, each with its own connection to the copies and the hub database, while the master is read through one cursor (at least 1; keep it below the pool sizes: a run reads production systems)");
  public static final Setting<Duration> RECONCILIATION_SETTLE =
      duration(
          "hub.reconciliation.settle",
          "PT10S",
          "a record found different is looked at again after this, so changes in flight are not reported");
  public static final Setting<Integer> RECONCILIATION_MAX_LISTED =
      number(
          "hub.reconciliation.max-listed",
          "100000",
          "differences listed per run (more are counted)");
  public static final Setting<Integer> RECONCILIATION_REPAIR_CHUNK_SIZE =
      number("hub.reconciliation.repair.chunk-size", "200", "records re-sent per repair batch");
  public static final Setting<Integer> RESYNC_CHUNK_SIZE =
      number("hub.resync.chunk-size", "500", "records re-sent per batch by a resync");
  public static final Setting<Boolean> SCHEDULE_CLUSTERED =
      flag(
          "hub.schedule.clustered",
          "false",
          "Quartz keeps the schedule in the hub database (`hub.qrtz_*`), so with several instances each firing runs on one of them");
  public static final Setting<Integer> SCHEMA_DRIFT_CHECK_INTERVAL_MS =
      number(
          "hub.schema-drift.check-interval-ms",
          "60000",
          "how often each system's schema is checked against the contract (also at start)");
  public static final Setting<Integer> RECOVERY_RECONCILE_DELAY_MS =
      number(
          "hub.recovery.reconcile-delay-ms",
          "30000",
          "after a restore, when the requested reconciliation runs");

  // ---- This instance
  public static final Setting<String> INSTANCE_ID =
      text(
          "hub.instance.id",
          null,
          "host name and business port",
          "how this instance names itself: in reconciliation reports, bulk replay jobs and the"
              + " audit trail's segments (unique per instance)");

  // ---- Camel's own settings that the hub reads too (under Karaf HubRoutes starts what Camel Main
  // would start from them); Camel Main reads them from the same defaults
  public static final Setting<Boolean> CAMEL_SERVER_ENABLED =
      camelFlag("camel.server.enabled", "true", "serve the business HTTP port");
  public static final Setting<String> CAMEL_SERVER_HOST =
      camelText("camel.server.host", "0.0.0.0", "the business HTTP port's address");
  public static final Setting<Integer> CAMEL_SERVER_PORT =
      camelNumber("camel.server.port", "8080", "business HTTP port (management API, console)");
  public static final Setting<Boolean> CAMEL_MANAGEMENT_ENABLED =
      camelFlag("camel.management.enabled", "true", "serve the management port");
  public static final Setting<String> CAMEL_MANAGEMENT_HOST =
      camelText("camel.management.host", "0.0.0.0", "the management port's address");
  public static final Setting<Integer> CAMEL_MANAGEMENT_PORT =
      camelNumber("camel.management.port", "9876", "health and metrics port");
  public static final Setting<String> CAMEL_MANAGEMENT_HEALTH_PATH =
      camelText("camel.management.health-path", "/observe/health", "where health is served");
  public static final Setting<Boolean> CAMEL_MANAGEMENT_METRICS_ENABLED =
      camelFlag("camel.management.metrics-enabled", "true", "serve metrics on the management port");
  public static final Setting<Boolean> CAMEL_METRICS_ENABLED =
      camelFlag("camel.metrics.enabled", "true", "Prometheus metrics");
  public static final Setting<String> CAMEL_METRICS_PATH =
      camelText("camel.metrics.path", "/observe/metrics", "where metrics are served");
  public static final Setting<Boolean> CAMEL_METRICS_ENABLE_ROUTE_POLICY =
      camelFlag("camel.metrics.enable-route-policy", "true", "per-route exchange metrics");
  public static final Setting<Boolean> CAMEL_METRICS_ENABLE_EXCHANGE_EVENT_NOTIFIER =
      camelFlag(
          "camel.metrics.enable-exchange-event-notifier",
          "false",
          "per-endpoint timers (off: Camel 4.14's notifier searches the whole meter registry after"
              + " every exchange; route figures come from the route policy)");
  public static final Setting<Boolean> CAMEL_METRICS_ENABLE_ROUTE_EVENT_NOTIFIER =
      camelFlag("camel.metrics.enable-route-event-notifier", "true", "route start and stop counts");
  public static final Setting<String> CAMEL_METRICS_BINDERS =
      camelText(
          "camel.metrics.binders",
          "jvm-memory,jvm-gc,jvm-thread,uptime",
          "JVM metrics bound (the processor's are bound by the hub)");
  public static final Setting<String> CAMEL_HEALTH_EXPOSURE_LEVEL =
      camelText("camel.health.exposure-level", "full", "how much health says (full: each check)");

  /** Every setting, in the order of this catalogue. */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The setting of {@code key}, or null when the catalogue has none. */
  public static Setting<?> find(String key) {
    for (Setting<?> s : ALL) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Whether {@code key} is a setting of the catalogue, or the file of a secret ({@code
   * <key>-file}).
   */
  public static boolean isKnown(String key) {
    if (find(key) != null) {
      return true;
    }
    if (key.endsWith("-file")) {
      Setting<?> secret = find(key.substring(0, key.length() - "-file".length()));
      return secret != null && secret.secret();
    }
    return false;
  }

  /** The defaults of the hub's own settings, as properties (Camel's initial properties). */
  public static Properties defaults() {
    Properties p = new Properties();
    for (Setting<?> s : ALL) {
      if (s.defaultValue() != null) {
        p.setProperty(s.key(), s.defaultValue());
      }
    }
    return p;
  }

  private static <T> Setting<T> add(Setting<T> s) {
    if (find(s.key()) != null) {
      throw new IllegalStateException("setting " + s.key() + " is declared twice");
    }
    ALL.add(s);
    return s;
  }

  private static Setting<String> text(String key, String dflt, String without, String meaning) {
    return add(new Setting<>(key, Setting.Type.TEXT, dflt, without, meaning, false));
  }

  private static Setting<String> text(String key, String dflt, String meaning) {
    return text(key, dflt, null, meaning);
  }

  private static Setting<Integer> number(String key, String dflt, String without, String meaning) {
    return add(new Setting<>(key, Setting.Type.NUMBER, dflt, without, meaning, false));
  }

  private static Setting<Integer> number(String key, String dflt, String meaning) {
    return number(key, dflt, null, meaning);
  }

  private static Setting<Double> decimal(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.DECIMAL, dflt, null, meaning, false));
  }

  private static Setting<Boolean> flag(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.FLAG, dflt, null, meaning, false));
  }

  private static Setting<Duration> duration(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.DURATION, dflt, null, meaning, false));
  }

  private static Setting<Period> period(String key, String dflt, String without, String meaning) {
    return add(new Setting<>(key, Setting.Type.PERIOD, dflt, without, meaning, false));
  }

  /** A secret: never logged; also read from the file {@code <key>-file}. No default. */
  private static Setting<String> secret(String key, String without, String meaning) {
    return add(new Setting<>(key, Setting.Type.TEXT, null, without, meaning, true));
  }

  private static Setting<String> camelText(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.TEXT, dflt, null, meaning, false));
  }

  private static Setting<Integer> camelNumber(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.NUMBER, dflt, null, meaning, false));
  }

  private static Setting<Boolean> camelFlag(String key, String dflt, String meaning) {
    return add(new Setting<>(key, Setting.Type.FLAG, dflt, null, meaning, false));
  }
}
