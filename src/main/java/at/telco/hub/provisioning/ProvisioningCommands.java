package at.telco.hub.provisioning;

import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The provisioning commands the hub sent to the network and their results
 * (hub.provisioning_command), and the services it reads them for (customerdb.service, the hub's own
 * view of the network).
 */
public final class ProvisioningCommands {

  /** A stored command. */
  public record Stored(
      UUID commandId,
      String command,
      String baNo,
      String serviceId,
      String msisdn,
      String reason,
      long causeEventSeq,
      String status,
      String detail,
      Instant requestedAt,
      String crmAccountId,
      String customerId) {}

  private static final String SELECT =
      "SELECT p.command_id, p.command, p.ba_no, p.service_id, p.msisdn, p.reason,"
          + " p.cause_event_seq, p.status, p.detail, p.requested_at, i.crm_account_id,"
          + " i.customer_id::text FROM hub.provisioning_command p"
          + " LEFT JOIN hub.billing_account_identity i ON i.ba_no = p.ba_no";

  private final DataSource hub;
  private final DataSource customerdb;

  public ProvisioningCommands(DataSource hub, DataSource customerdb) {
    this.hub = hub;
    this.customerdb = customerdb;
  }

  /** The account's services as customerdb has them. */
  public List<DunningPolicy.Service> services(String baNo) {
    List<DunningPolicy.Service> services = new ArrayList<>();
    try (Connection c = customerdb.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT service_id, msisdn, status FROM customerdb.service WHERE ba_no = ?"
                    + " ORDER BY service_id")) {
      ps.setString(1, baNo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          services.add(
              new DunningPolicy.Service(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
      return services;
    } catch (SQLException e) {
      throw SqlFailures.translate("customerdb", e);
    }
  }

  /** Barrings the hub made for dunning on this account and has not lifted (nor seen rejected). */
  public List<DunningPolicy.HubBarring> hubBarrings(String baNo) {
    List<DunningPolicy.HubBarring> barrings = new ArrayList<>();
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT command_id, service_id, msisdn FROM hub.provisioning_command"
                    + " WHERE ba_no = ? AND command = 'BAR_OUTGOING' AND reason LIKE 'DUNNING%'"
                    + " AND status <> 'REJECTED' AND lifted_by IS NULL ORDER BY requested_at")) {
      ps.setString(1, baNo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          barrings.add(
              new DunningPolicy.HubBarring(
                  rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
        }
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    // an erasure blanks the phone number of the customer's commands (the command stays as the
    // account's barring history); the network's number is still the detached service's
    if (barrings.stream().anyMatch(b -> b.msisdn() == null || b.msisdn().isEmpty())) {
      Map<String, String> numbers = new HashMap<>();
      for (DunningPolicy.Service s : services(baNo)) {
        numbers.put(s.serviceId(), s.msisdn());
      }
      barrings.replaceAll(
          b ->
              b.msisdn() == null || b.msisdn().isEmpty()
                  ? new DunningPolicy.HubBarring(
                      b.commandId(), b.serviceId(), numbers.get(b.serviceId()))
                  : b);
    }
    return barrings;
  }

  /**
   * Records the commands (a command already recorded is kept as it is) and returns those that must
   * be sent: new ones and ones still waiting for a result (sending the same id again is safe).
   */
  public List<DunningPolicy.Command> record(List<DunningPolicy.Command> commands) {
    List<DunningPolicy.Command> toSend = new ArrayList<>();
    if (commands.isEmpty()) {
      return toSend;
    }
    Transactions.run(
        hub,
        "hub database",
        c -> {
          try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO hub.provisioning_command (command_id, command, ba_no, service_id,"
                          + " msisdn, reason, cause_event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
                          + " ON CONFLICT (command_id) DO NOTHING");
              PreparedStatement status =
                  c.prepareStatement(
                      "SELECT status FROM hub.provisioning_command WHERE command_id = ?");
              PreparedStatement lift =
                  c.prepareStatement(
                      "UPDATE hub.provisioning_command SET lifted_by = ? WHERE command_id = ?"
                          + " AND lifted_by IS NULL")) {
            for (DunningPolicy.Command cmd : commands) {
              insert.setObject(1, cmd.commandId());
              insert.setString(2, cmd.command());
              insert.setString(3, cmd.baNo());
              insert.setString(4, cmd.serviceId());
              insert.setString(5, cmd.msisdn());
              insert.setString(6, cmd.reason());
              insert.setLong(7, cmd.causeEventSeq());
              insert.executeUpdate();
              status.setObject(1, cmd.commandId());
              try (ResultSet rs = status.executeQuery()) {
                rs.next();
                String s = rs.getString(1);
                if ("PENDING".equals(s) || "OVERDUE".equals(s)) {
                  toSend.add(cmd);
                }
              }
              if (cmd.lifts() != null) {
                lift.setObject(1, cmd.commandId());
                lift.setObject(2, cmd.lifts());
                lift.executeUpdate();
              }
            }
          }
        });
    return toSend;
  }

  /**
   * Records a result; returns the command if this result changed it (a repeated result, or one for
   * a command the hub did not send, returns null).
   */
  public Stored result(UUID commandId, String status, String detail, Instant completedAt) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE hub.provisioning_command SET status = ?, detail = ?, completed_at = ?"
                    + " WHERE command_id = ? AND status IN ('PENDING', 'OVERDUE')")) {
      ps.setString(1, status);
      ps.setString(2, detail);
      ps.setTimestamp(3, Timestamp.from(completedAt));
      ps.setObject(4, commandId);
      if (ps.executeUpdate() == 0) {
        return null;
      }
      return find(c, commandId);
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Marks commands without a result after {@code timeout} overdue; returns them. */
  public List<Stored> markOverdue(Duration timeout) {
    List<Stored> overdue = new ArrayList<>();
    try (Connection c = hub.getConnection()) {
      List<UUID> ids = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE hub.provisioning_command SET status = 'OVERDUE' WHERE status = 'PENDING'"
                  + " AND requested_at < now() - ? * interval '1 millisecond' RETURNING command_id")) {
        ps.setLong(1, timeout.toMillis());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getObject(1, UUID.class));
          }
        }
      }
      for (UUID id : ids) {
        overdue.add(find(c, id));
      }
      return overdue;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Commands per status (for health details and gauges). */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new HashMap<>();
    for (String s : new String[] {"PENDING", "DONE", "REJECTED", "OVERDUE"}) {
      counts.put(s, 0L);
    }
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT status, count(*) FROM hub.provisioning_command GROUP BY status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
      return counts;
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static Stored find(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE p.command_id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Stored(
            rs.getObject(1, UUID.class),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            rs.getLong(7),
            rs.getString(8),
            rs.getString(9),
            rs.getTimestamp(10).toInstant(),
            rs.getString(11),
            rs.getString(12));
      }
    }
  }
}
