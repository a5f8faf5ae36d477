package at.telco.hub.provisioning;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.LogContext;
import at.telco.hub.sink.KafkaBatches;
import at.telco.hub.sink.TargetChange;
import at.telco.hub.sink.crm.CrmNotes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 3, dunning to barring, as the routes use it: commands from dunning changes, results from the
 * network, and commands that got no result in time. A REJECTED or overdue command is visible to
 * operations four ways: a metric, a health detail, a CRM note, and a dead letter for the support
 * console.
 */
public final class Barring {

  public static final String TARGET = "network-provisioning";
  private static final Logger LOG = LoggerFactory.getLogger(Barring.class);
  private static final Set<String> RESULTS = Set.of("DONE", "REJECTED");

  private final ProvisioningCommands commands;
  private final CrmNotes notes;
  private final HubMetrics metrics;
  private final Clock clock;
  private final Duration overdueAfter;

  public Barring(
      ProvisioningCommands commands,
      CrmNotes notes,
      HubMetrics metrics,
      Clock clock,
      Duration overdueAfter) {
    this.commands = commands;
    this.notes = notes;
    this.metrics = metrics;
    this.clock = clock;
    this.overdueAfter = overdueAfter;
  }

  private KeyHash keyHash;

  /** The keyed hash of business keys in this flow's log lines. */
  public Barring keyHash(KeyHash keyHash) {
    this.keyHash = keyHash;
    return this;
  }

  /**
   * The provisioning commands (Kafka messages keyed by MSISDN) for a batch of canonical billing
   * events, recorded before they are sent.
   */
  public List<Message> commands(Exchange exchange) {
    @SuppressWarnings("unchecked")
    List<TargetChange> changes = exchange.getMessage().getBody(List.class);
    List<Message> out = new ArrayList<>();
    for (TargetChange change : changes) {
      if (!change.readable()) {
        continue; // the billing account route dead-letters what cannot be read
      }
      CanonicalEvent e = change.event();
      if (!CanonicalTypes.BILLING_ACCOUNT_CHANGE.equals(e.type())
          || !"DUNNING_LEVEL_CHANGED".equals(Json.text(e.envelope(), "billingevent"))) {
        continue;
      }
      String baNo = e.subject();
      int from = e.envelope().path("dunningfrom").asInt();
      int to = e.envelope().path("dunningto").asInt();
      long seq = e.envelope().path("billingeventseq").asLong();
      List<DunningPolicy.Command> decided =
          DunningPolicy.decide(
              baNo,
              seq,
              from,
              to,
              from < DunningPolicy.BARRING_LEVEL && to >= DunningPolicy.BARRING_LEVEL
                  ? commands.services(baNo)
                  : List.of(),
              from > 0 && to == 0 ? commands.hubBarrings(baNo) : List.of());
      for (DunningPolicy.Command cmd : commands.record(decided)) {
        out.add(message(exchange, cmd));
        metrics.provisioning(cmd.command(), "sent");
        // the billing account only as its keyed hash (the line's keyHash), like every business key
        LogContext log =
            LogContext.of(
                "network-provisioning", null, keyHash == null ? null : keyHash.hash(baNo));
        try {
          LOG.info(
              "{} for service {} (dunning {} -> {}), command {}",
              cmd.command(),
              cmd.serviceId(),
              from,
              to,
              cmd.commandId());
        } finally {
          log.close();
        }
      }
    }
    return out;
  }

  private Message message(Exchange exchange, DunningPolicy.Command cmd) {
    ObjectNode json = Json.object();
    json.put("commandId", cmd.commandId().toString());
    json.put("command", cmd.command());
    json.put("msisdn", cmd.msisdn());
    json.put("serviceId", cmd.serviceId());
    json.put("reason", cmd.reason());
    json.put("requestedAt", clock.instant().toString());
    Message m = new DefaultMessage(exchange.getContext());
    m.setBody(Json.write(json));
    m.setHeader(KafkaConstants.KEY, cmd.msisdn());
    return m;
  }

  /** Applies a batch of results; returns what must be dead-lettered (rejected, unreadable). */
  public List<JsonNode> results(Exchange exchange) {
    List<?> records = exchange.getMessage().getBody(List.class);
    exchange.setProperty(at.telco.hub.sink.KafkaBatches.RECORDS, records);
    List<JsonNode> deadLetters = new ArrayList<>();
    List<CrmNotes.Note> toWrite = new ArrayList<>();
    for (Object r : records) {
      String raw = KafkaBatches.text(((Exchange) r).getMessage());
      JsonNode result;
      UUID id;
      String status;
      Instant completedAt;
      try {
        result = Json.parse(raw);
        id = UUID.fromString(Json.text(result, "commandId"));
        status = Json.text(result, "status");
        if (!RESULTS.contains(status)) {
          throw new IllegalArgumentException("status is not DONE or REJECTED");
        }
        String at = Json.text(result, "completedAt");
        completedAt = at == null ? clock.instant() : Instant.parse(at);
      } catch (RuntimeException e) {
        deadLetters.add(
            deadLetter("provisioning result cannot be read: " + reasonOf(e), raw, null));
        continue;
      }
      ProvisioningCommands.Stored cmd =
          commands.result(id, status, Json.text(result, "detail"), completedAt);
      if (cmd == null) {
        LOG.debug("result for command {} changes nothing (repeated, or not the hub's)", id);
        continue;
      }
      metrics.provisioning(cmd.command(), status.toLowerCase());
      if ("DONE".equals(status)) {
        note(toWrite, cmd, "done", done(cmd));
      } else {
        String reason =
            cmd.command()
                + " for service "
                + cmd.serviceId()
                + " was REJECTED by the network: "
                + (cmd.detail() == null ? "no detail" : cmd.detail());
        LOG.warn("command {}: {}", cmd.commandId(), reason);
        note(toWrite, cmd, "rejected", reason);
        deadLetters.add(deadLetter(reason, commandJson(cmd), cmd));
      }
    }
    notes.write(toWrite);
    return deadLetters;
  }

  /** Marks commands without a result in time overdue; returns their dead letters. */
  public List<JsonNode> overdue(Exchange exchange) {
    List<JsonNode> deadLetters = new ArrayList<>();
    List<CrmNotes.Note> toWrite = new ArrayList<>();
    for (ProvisioningCommands.Stored cmd : commands.markOverdue(overdueAfter)) {
      String reason =
          cmd.command()
              + " for service "
              + cmd.serviceId()
              + " has no result from the network after "
              + overdueAfter
              + " (sent "
              + cmd.requestedAt()
              + ")";
      LOG.warn("command {}: {}", cmd.commandId(), reason);
      metrics.provisioning(cmd.command(), "overdue");
      note(toWrite, cmd, "overdue", reason);
      deadLetters.add(deadLetter(reason, commandJson(cmd), cmd));
    }
    notes.write(toWrite);
    return deadLetters;
  }

  private static String done(ProvisioningCommands.Stored cmd) {
    return DunningPolicy.BAR.equals(cmd.command())
        ? "Outgoing calls barred on service "
            + cmd.serviceId()
            + " ("
            + cmd.reason().replace('_', ' ').toLowerCase()
            + ")"
        : "Outgoing calls unbarred on service " + cmd.serviceId() + " (dunning settled)";
  }

  private static void note(
      List<CrmNotes.Note> out, ProvisioningCommands.Stored cmd, String what, String text) {
    if (cmd.crmAccountId() == null) {
      return;
    }
    String subject =
        switch (what) {
          case "done" ->
              DunningPolicy.BAR.equals(cmd.command())
                  ? "Outgoing calls barred"
                  : "Outgoing calls unbarred";
          case "rejected" -> "Network rejected " + cmd.command();
          default -> "No answer from the network for " + cmd.command();
        };
    out.add(
        new CrmNotes.Note(
            cmd.crmAccountId(), "NETWORK", subject, text, "hub:" + what + ":" + cmd.commandId()));
  }

  private String commandJson(ProvisioningCommands.Stored cmd) {
    ObjectNode json = Json.object();
    json.put("commandId", cmd.commandId().toString());
    json.put("command", cmd.command());
    json.put("msisdn", cmd.msisdn());
    json.put("serviceId", cmd.serviceId());
    json.put("reason", cmd.reason());
    json.put("requestedAt", cmd.requestedAt().toString());
    return Json.write(json);
  }

  private static JsonNode deadLetter(String reason, String body, ProvisioningCommands.Stored cmd) {
    ObjectNode item = Json.object();
    item.put("reason", reason);
    item.put("body", body);
    if (cmd != null) {
      item.put("billingAccount", cmd.baNo());
      item.put("msisdn", cmd.msisdn());
      item.put("crmAccountId", cmd.crmAccountId());
      item.put("customerId", cmd.customerId());
    }
    return item;
  }

  private static String reasonOf(RuntimeException e) {
    return e instanceof DateTimeParseException ? "completedAt is not an instant" : e.getMessage();
  }

  /** Prepares one dead-letter item for the dead-letter route. */
  public void toDeadLetter(Exchange exchange) {
    JsonNode item = exchange.getMessage().getBody(JsonNode.class);
    exchange.setProperty(
        Exchange.EXCEPTION_CAUGHT, new TargetRejectedException(Json.text(item, "reason")));
    exchange.setProperty(DeadLetters.TARGET, TARGET);
    exchange.setProperty(DeadLetters.BILLING_ACCOUNT, Json.text(item, "billingAccount"));
    exchange.setProperty(DeadLetters.MSISDN, Json.text(item, "msisdn"));
    exchange.setProperty(DeadLetters.CRM_ACCOUNT, Json.text(item, "crmAccountId"));
    exchange.setProperty(DeadLetters.CUSTOMER_ID, Json.text(item, "customerId"));
    exchange.getMessage().setBody(Json.text(item, "body"));
  }

  /** Command counts per status, for the health detail and the gauges. */
  public java.util.Map<String, Long> counts() {
    return commands.counts();
  }
}
