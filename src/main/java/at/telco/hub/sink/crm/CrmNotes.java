package at.telco.hub.sink.crm;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.CanonicalTypes;
import at.telco.hub.canonical.Json;
import at.telco.hub.jdbc.SqlFailures;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.TargetChange;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Activity notes in the CRM that call-centre agents read (crm.activity, the one table the hub may
 * write there). Each note has the hub's id for it ({@code external_ref}, derived from its cause),
 * so writing it again is harmless: the CRM's unique key keeps one.
 */
public final class CrmNotes {

  public static final String TARGET = "crm.activity";

  /** One note. */
  public record Note(String crmAccountId, String type, String subject, String body, String ref) {}

  private final DataSource crm;
  private final HubMetrics metrics;

  public CrmNotes(DataSource crm, HubMetrics metrics) {
    this.crm = crm;
    this.metrics = metrics;
  }

  /** Writes the notes; returns how many were new. */
  public int write(List<Note> notes) {
    if (notes.isEmpty()) {
      return 0;
    }
    try (Connection c = crm.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO crm.activity (account_id, activity_type, subject, body, external_ref)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_type, external_ref) DO NOTHING")) {
      c.setAutoCommit(true);
      for (Note n : notes) {
        ps.setString(1, n.crmAccountId());
        ps.setString(2, n.type());
        ps.setString(3, n.subject());
        ps.setString(4, n.body());
        ps.setString(5, n.ref());
        ps.addBatch();
      }
      int written = 0;
      for (int r : ps.executeBatch()) {
        written += Math.max(r, 0);
      }
      for (int i = 0; i < notes.size(); i++) {
        metrics.applied(TARGET, ApplyOutcome.APPLIED);
      }
      return written;
    } catch (SQLException e) {
      throw SqlFailures.translate("crm", e);
    }
  }

  /**
   * The notes for a batch of canonical billing events: a dunning change to level 2 or more (level 4
   * says that termination is pending). Events of accounts without a CRM account are skipped.
   */
  public List<TargetChange> fromBilling(List<TargetChange> changes) {
    List<Note> notes = new ArrayList<>();
    List<TargetChange> unreadable = new ArrayList<>();
    for (TargetChange change : changes) {
      if (!change.readable()) {
        unreadable.add(change);
        continue;
      }
      CanonicalEvent e = change.event();
      if (!CanonicalTypes.BILLING_ACCOUNT_CHANGE.equals(e.type())
          || !"DUNNING_LEVEL_CHANGED".equals(Json.text(e.envelope(), "billingevent"))) {
        continue;
      }
      int to = e.envelope().path("dunningto").asInt();
      int from = e.envelope().path("dunningfrom").asInt();
      String crmAccount = crmAccount(e.data());
      if (to < 2 || crmAccount == null) {
        continue;
      }
      String amount = openAmount(e.data());
      String subject =
          switch (to) {
            case 2 -> "Dunning level 2: payment reminder";
            case 3 -> "Dunning level 3: outgoing calls will be barred";
            default -> "Dunning level 4: termination pending";
          };
      notes.add(
          new Note(
              crmAccount,
              "BILLING",
              subject,
              "Billing account "
                  + e.subject()
                  + ": dunning level "
                  + from
                  + " -> "
                  + to
                  + ", open balance "
                  + amount
                  + ".",
              "hub:dunning:" + e.subject() + ":" + e.envelope().path("billingeventseq").asLong()));
    }
    write(notes);
    return unreadable;
  }

  /** The CRM account among the billing account's external references. */
  public static String crmAccount(JsonNode billingAccount) {
    for (JsonNode ref : billingAccount.path("externalReference")) {
      if ("crm".equals(Json.text(ref, "owner"))) {
        return Json.text(ref, "id");
      }
    }
    return null;
  }

  private static String openAmount(JsonNode billingAccount) {
    for (JsonNode b : billingAccount.path("accountBalance")) {
      JsonNode amount = b.path("amount");
      BigDecimal value = amount.path("value").decimalValue();
      return Json.text(amount, "unit") + " " + value.setScale(2).toPlainString();
    }
    return "unknown";
  }
}
