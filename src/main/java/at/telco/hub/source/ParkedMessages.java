package at.telco.hub.source;

import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.Transactions;
import at.telco.hub.platform.ArtemisManagement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;

/**
 * The parked messages as support sees them: listed and read through Artemis management (the
 * broker's list of scheduled messages, with their properties; never by consuming them), released
 * now, or dead-lettered by hand.
 *
 * <p>Exactly once, even when two operators act at the same time: nothing here takes a message off
 * the parking queue. A release only asks Artemis to deliver the message now, so the parked route
 * takes it as it would have at the end of its wait (releasing twice delivers it once). A
 * dead-lettering by hand is a decision recorded in the hub database ({@code
 * hub.parked_message_decision}, one per parking id: the second operator gets a conflict) and then a
 * release: the parked route reads the decision when it takes the message and dead-letters it in its
 * JMS transaction, like an event that waited too long. A parked message keeps its parking id when
 * it is parked again, so a decision reaches it whichever delivery takes it.
 */
public final class ParkedMessages {

  /** A decision to dead-letter a parked message by hand: why, and who decided. */
  public record Decision(String reason, String decidedBy) {}

  private static final long TIMEOUT_MS = 10_000;

  private final ConnectionFactory artemis;
  private final Parking parking;
  private final DataSource hub;
  private final Clock clock;

  public ParkedMessages(ConnectionFactory artemis, Parking parking, DataSource hub, Clock clock) {
    this.artemis = artemis;
    this.parking = parking;
    this.hub = hub;
    this.clock = clock;
  }

  public String queue() {
    return parking.queue();
  }

  /**
   * The parked messages, oldest first (at most {@code limit}), optionally of one billing account;
   * with the event only when {@code withEvent} (role support).
   */
  public ObjectNode list(String billingAccount, int limit, boolean withEvent) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode m : scheduled()) {
      if (billingAccount == null || billingAccount.equals(Json.text(m, Parking.BILLING_ACCOUNT))) {
        all.add(m);
      }
    }
    all.sort(Comparator.comparing(m -> m.path(Parking.PARKED_AT).asText("")));
    ObjectNode page = Json.object();
    page.put("queue", parking.queue());
    page.put("total", all.size());
    ArrayNode items = page.putArray("items");
    for (JsonNode m : all.subList(0, Math.min(limit, all.size()))) {
      items.add(describe(m, withEvent));
    }
    return page;
  }

  /** One parked message (null: none with this parking id is waiting on the queue). */
  public ObjectNode find(String parkingId, boolean withEvent) {
    for (JsonNode m : scheduled()) {
      if (parkingId.equals(id(m))) {
        ObjectNode d = describe(m, withEvent);
        Decision decision = decision(parkingId);
        if (decision != null) {
          d.put("deadLetterRequestedBy", decision.decidedBy());
          d.put("deadLetterReason", decision.reason());
        }
        return d;
      }
    }
    return null;
  }

  /**
   * Asks Artemis to deliver this parked message now: the parked route takes it as at the end of its
   * wait (applied if its billing account is known now, parked again if not). Returns whether it was
   * waiting.
   */
  public boolean release(String parkingId) {
    if (find(parkingId, false) == null) {
      return false;
    }
    deliverNow(parkingId);
    return true;
  }

  /**
   * Records that this parked message is to be dead-lettered with {@code reason}, then delivers it
   * now: the parked route dead-letters it. Returns false when another decision was first.
   */
  public boolean deadLetter(String parkingId, String reason, String by) {
    boolean recorded =
        Transactions.call(
            hub,
            "hub database",
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO hub.parked_message_decision (parking_id, queue, action, reason,"
                          + " decided_by, decided_at) VALUES (?, ?, 'DEAD_LETTER', ?, ?, ?)"
                          + " ON CONFLICT (parking_id) DO NOTHING")) {
                ps.setString(1, parkingId);
                ps.setString(2, parking.queue());
                ps.setString(3, reason);
                ps.setString(4, by);
                ps.setTimestamp(5, Timestamp.from(clock.instant()));
                return ps.executeUpdate() == 1;
              }
            });
    if (recorded) {
      deliverNow(parkingId);
    }
    return recorded;
  }

  /** The decision to dead-letter this parked message by hand (null: none). */
  public Decision decision(String parkingId) {
    if (parkingId == null) {
      return null;
    }
    return Transactions.read(
        hub,
        "hub database",
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT reason, decided_by FROM hub.parked_message_decision"
                      + " WHERE parking_id = ? AND action = 'DEAD_LETTER'")) {
            ps.setString(1, parkingId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Decision(rs.getString(1), rs.getString(2)) : null;
            }
          }
        });
  }

  private void deliverNow(String parkingId) {
    if (!parkingId.matches("[0-9a-f-]{36}")) {
      throw new IllegalArgumentException("not a parking id: " + parkingId);
    }
    try (Connection c = artemis.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      ArtemisManagement.invoke(
          s,
          TIMEOUT_MS,
          "queue." + parking.queue(),
          "deliverScheduledMessages",
          Parking.PARKING_ID + " = '" + parkingId + "'");
    } catch (jakarta.jms.JMSException e) {
      throw new IllegalStateException("Artemis: " + e.getMessage(), e);
    }
  }

  /** The scheduled messages of the parking queue, as Artemis management lists them. */
  private List<JsonNode> scheduled() {
    try (Connection c = artemis.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      c.start();
      Object names =
          ArtemisManagement.attribute(
              s,
              TIMEOUT_MS,
              org.apache.activemq.artemis.api.core.management.ResourceNames.BROKER,
              "queueNames");
      if (names instanceof Object[] queues
          && !java.util.Arrays.asList(queues).contains(parking.queue())) {
        return List.of();
      }
      Object json =
          ArtemisManagement.invoke(
              s, TIMEOUT_MS, "queue." + parking.queue(), "listScheduledMessagesAsJSON");
      List<JsonNode> list = new ArrayList<>();
      Json.parse(String.valueOf(json)).forEach(list::add);
      return list;
    } catch (jakarta.jms.JMSException e) {
      throw new IllegalStateException("Artemis: " + e.getMessage(), e);
    }
  }

  private static String id(JsonNode m) {
    String id = Json.text(m, Parking.PARKING_ID);
    return id != null ? id : "message-" + m.path("messageID").asText();
  }

  private ObjectNode describe(JsonNode m, boolean withEvent) {
    ObjectNode n = Json.object();
    n.put("id", id(m));
    n.put("queue", parking.queue());
    n.put("billingAccount", Json.text(m, Parking.BILLING_ACCOUNT));
    n.put("waitingFor", "billing account " + Json.text(m, Parking.BILLING_ACCOUNT));
    n.put("parkedAt", Json.text(m, Parking.PARKED_AT));
    n.put("attempts", m.path(Parking.ATTEMPTS).asInt(0));
    long due = m.path(Parking.SCHEDULED_DELIVERY).asLong(0);
    n.put("nextDeliveryAt", due == 0 ? null : Instant.ofEpochMilli(due).toString());
    String parkedAt = Json.text(m, Parking.PARKED_AT);
    n.put(
        "deadLetteredAfter",
        parkedAt == null ? null : Instant.parse(parkedAt).plus(parking.maxParkTime()).toString());
    n.put("eventType", Json.text(m, Parking.EVENT_TYPE));
    String event = Json.text(m, Parking.EVENT);
    n.put("eventSha256", event == null ? null : at.telco.hub.deadletter.DeadLetters.sha256(event));
    n.put("eventVisible", withEvent);
    if (withEvent) {
      n.put("event", event);
    }
    return n;
  }
}
