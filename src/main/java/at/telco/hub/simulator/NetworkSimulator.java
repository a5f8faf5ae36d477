package at.telco.hub.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network (OSS) of the embedded default, speaking network.md over Kafka: it activates services
 * for billing accounts, executes provisioning commands (each commandId at most once; an unknown
 * MSISDN is REJECTED), answers with a result and then the matching inventory event. Its inventory
 * lives in its own database ({@code network}). Not part of the hub: production has a real network.
 */
public final class NetworkSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NetworkSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DataSource network;
  private final String bootstrap;
  private final String inventoryTopic;
  private final String commandsTopic;
  private final String resultsTopic;
  private final KafkaProducer<String, String> producer;
  private final Random random = new Random();
  private final AtomicBoolean running = new AtomicBoolean();
  private Thread commandLoop;
  private ScheduledExecutorService activations;

  public NetworkSimulator(
      DataSource network,
      String bootstrap,
      String inventoryTopic,
      String commandsTopic,
      String resultsTopic) {
    this.network = network;
    this.bootstrap = bootstrap;
    this.inventoryTopic = inventoryTopic;
    this.commandsTopic = commandsTopic;
    this.resultsTopic = resultsTopic;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "network-simulator");
    this.producer = new KafkaProducer<>(p);
  }

  /** Creates the network's own tables (in a database of their own) if missing. */
  public static void prepare(DataSource network) {
    try (Connection c = network.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS service (service_id varchar(24) PRIMARY KEY,"
              + " msisdn varchar(16) NOT NULL UNIQUE, iccid varchar(22), imsi varchar(15),"
              + " product_code varchar(20), subscriber_ref varchar(12) NOT NULL,"
              + " status varchar(10) NOT NULL, sequence bigint NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS executed_command (command_id uuid PRIMARY KEY,"
              + " status varchar(8) NOT NULL, detail text, completed_at timestamptz NOT NULL,"
              + " received integer NOT NULL DEFAULT 1)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Activates a new service for a billing account; returns its service id. */
  public String activate(String baNo) {
    String digits = String.format("%07d", random.nextInt(10_000_000));
    String prefix = new String[] {"664", "660", "676", "699"}[random.nextInt(4)];
    String serviceId = String.format("SRV-%012d", Math.abs(random.nextLong() % 1_000_000_000_000L));
    activate(baNo, serviceId, "+43" + prefix + digits);
    return serviceId;
  }

  /** Activates a service with the given ids (SERVICE_ACTIVATED). */
  public void activate(String baNo, String serviceId, String msisdn) {
    String iccid =
        "894301" + String.format("%013d", Math.abs(random.nextLong() % 10_000_000_000_000L));
    String imsi = "23201" + String.format("%010d", Math.abs(random.nextLong() % 10_000_000_000L));
    String product =
        new String[] {"MOBILE_S", "MOBILE_M", "MOBILE_XL", "DATA_ONLY"}[random.nextInt(4)];
    try (Connection c = network.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO service (service_id, msisdn, iccid, imsi, product_code, subscriber_ref,"
                    + " status, sequence) VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', 1)"
                    + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, serviceId);
      ps.setString(2, msisdn);
      ps.setString(3, iccid);
      ps.setString(4, imsi);
      ps.setString(5, product);
      ps.setString(6, baNo);
      if (ps.executeUpdate() == 1) {
        publishInventory(serviceId, "SERVICE_ACTIVATED");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Changes a service's status on the network's own initiative (e.g. a fraud barring). */
  public void changeStatus(String serviceId, String status, String eventType) {
    try (Connection c = network.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE service SET status = ?, sequence = sequence + 1 WHERE service_id = ?")) {
      ps.setString(1, status);
      ps.setString(2, serviceId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    publishInventory(serviceId, eventType);
  }

  /** How often the network received a command id (the hub may resend the same id). */
  public int received(UUID commandId) {
    try (Connection c = network.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT received FROM executed_command WHERE command_id = ?")) {
      ps.setObject(1, commandId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void publishInventory(String serviceId, String eventType) {
    try (Connection c = network.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT msisdn, iccid, imsi, product_code, subscriber_ref, status, sequence"
                    + " FROM service WHERE service_id = ?")) {
      ps.setString(1, serviceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("eventType", eventType);
        e.put("sequence", rs.getLong(7));
        e.put("occurredAt", Instant.now().toString());
        ObjectNode s = e.putObject("service");
        s.put("serviceId", serviceId);
        s.put("msisdn", rs.getString(1));
        s.put("iccid", rs.getString(2));
        s.put("imsi", rs.getString(3));
        s.put("productCode", rs.getString(4));
        s.put("subscriberRef", rs.getString(5));
        s.put("status", rs.getString(6));
        // the network's own fields the hub does not know (and must ignore)
        e.put("networkElement", "MSC-VIE-0" + (1 + random.nextInt(4)));
        producer
            .send(new ProducerRecord<>(inventoryTopic, rs.getString(1), e.toString()))
            .get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("network simulator could not publish: " + e.getMessage(), e);
    }
  }

  /** Starts answering provisioning commands. */
  public void start() {
    running.set(true);
    commandLoop = new Thread(this::commands, "network-simulator-commands");
    commandLoop.setDaemon(true);
    commandLoop.start();
  }

  /** Activates services for billing accounts that have none, every few seconds. */
  public void startActivations(DataSource billing, int perTick) {
    activations =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "network-simulator-activations");
              t.setDaemon(true);
              return t;
            });
    activations.scheduleWithFixedDelay(
        () -> {
          try {
            for (String ba : accountsWithoutService(billing, perTick)) {
              activate(ba);
              if (random.nextInt(4) == 0) {
                activate(ba);
              }
            }
          } catch (RuntimeException e) {
            LOG.debug("network simulator: {}", e.getMessage());
          }
        },
        5,
        5,
        TimeUnit.SECONDS);
  }

  private List<String> accountsWithoutService(DataSource billing, int limit) {
    List<String> known = new ArrayList<>();
    try (Connection c = network.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT subscriber_ref FROM service")) {
      while (rs.next()) {
        known.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    List<String> accounts = new ArrayList<>();
    try (Connection c = billing.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT ba_no FROM billing.billing_account WHERE status = 'ACTIVE'"
                    + " AND NOT (ba_no = ANY(?::varchar[])) ORDER BY ba_no LIMIT ?")) {
      ps.setArray(1, c.createArrayOf("varchar", known.toArray()));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          accounts.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return accounts;
  }

  private void commands() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "network-simulator");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(commandsTopic));
      while (running.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            execute(JSON.readTree(r.value()));
          } catch (Exception e) {
            LOG.warn("network simulator could not execute a command: {}", e.getMessage());
          }
        }
        consumer.commitSync();
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running.get()) {
        LOG.warn("network simulator stopped answering commands: {}", e.toString());
      }
    }
  }

  private void execute(JsonNode command) throws Exception {
    UUID id = UUID.fromString(command.path("commandId").asText());
    String msisdn = command.path("msisdn").asText();
    String what = command.path("command").asText();
    String status;
    String detail = null;
    String serviceId = null;
    String eventType = null;
    try (Connection c = network.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement seen =
          c.prepareStatement(
              "UPDATE executed_command SET received = received + 1 WHERE command_id = ?"
                  + " RETURNING status, detail")) {
        seen.setObject(1, id);
        try (ResultSet rs = seen.executeQuery()) {
          if (rs.next()) {
            // executed before: answer the same again, do nothing twice
            c.commit();
            result(id, rs.getString(1), rs.getString(2));
            return;
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT service_id, status FROM service WHERE msisdn = ? FOR UPDATE")) {
        ps.setString(1, msisdn);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            status = "REJECTED";
            detail = "UNKNOWN_MSISDN";
          } else {
            serviceId = rs.getString(1);
            String current = rs.getString(2);
            String[] next = transition(what, current);
            if (next == null) {
              status = "REJECTED";
              detail = "NOT_ALLOWED_IN_STATUS_" + current;
            } else {
              status = "DONE";
              eventType = next[1];
              try (PreparedStatement up =
                  c.prepareStatement(
                      "UPDATE service SET status = ?, sequence = sequence + 1 WHERE service_id = ?")) {
                up.setString(1, next[0]);
                up.setString(2, serviceId);
                up.executeUpdate();
              }
            }
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO executed_command (command_id, status, detail, completed_at)"
                  + " VALUES (?, ?, ?, now())")) {
        ps.setObject(1, id);
        ps.setString(2, status);
        ps.setString(3, detail);
        ps.executeUpdate();
      }
      c.commit();
    }
    result(id, status, detail);
    if (eventType != null) {
      publishInventory(serviceId, eventType);
    }
  }

  private static String[] transition(String command, String current) {
    return switch (command) {
      case "BAR_OUTGOING" ->
          "ACTIVE".equals(current) || "BARRED".equals(current)
              ? new String[] {"BARRED", "SERVICE_BARRED"}
              : null;
      case "UNBAR" ->
          "BARRED".equals(current) || "ACTIVE".equals(current)
              ? new String[] {"ACTIVE", "SERVICE_UNBARRED"}
              : null;
      case "SUSPEND" ->
          "TERMINATED".equals(current) ? null : new String[] {"SUSPENDED", "SERVICE_SUSPENDED"};
      case "RESUME" ->
          "SUSPENDED".equals(current) ? new String[] {"ACTIVE", "SERVICE_RESUMED"} : null;
      case "TERMINATE" -> new String[] {"TERMINATED", "SERVICE_TERMINATED"};
      default -> null;
    };
  }

  private void result(UUID id, String status, String detail) throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("commandId", id.toString());
    r.put("status", status);
    r.put("detail", detail);
    r.put("completedAt", Instant.now().toString());
    producer
        .send(new ProducerRecord<>(resultsTopic, id.toString(), r.toString()))
        .get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    running.set(false);
    if (activations != null) {
      activations.shutdownNow();
    }
    if (commandLoop != null) {
      try {
        commandLoop.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.close(Duration.ofSeconds(5));
  }
}
