package at.telco.hub.consistency;

import at.telco.hub.canonical.Json;
import at.telco.hub.consistency.Difference.Kind;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * billing's customers, by billing's own rules (FLOWS.md, flow 1): billing has an ACTIVE CRM account
 * with a usable address (as ACTIVE, or SUSPENDED, which is billing's own), an ended one as CLOSED
 * (or not at all if it never had it), and no PROSPECT; the columns the declaration says the mapping
 * fills are compared where the mapping upserts. An erased customer stays, anonymised and CLOSED,
 * for billing's invoices. Named {@code billingComparison} in {@code sinks/billing.yaml}.
 */
public final class BillingComparison implements Comparison {

  private final Mappings mappings;

  public BillingComparison(Mappings mappings) {
    this.mappings = mappings;
  }

  @Override
  public Difference compare(Pair pair, Subject s) {
    JsonNode actual = s.actual();
    boolean inCrm = s.present();
    if (actual != null && actual.path("anonymized").asBoolean(false)) {
      // erased: billing keeps an anonymised customer for its invoices, CLOSED (a repair closes it
      // again and anonymises it again: BillingErasure.reapply)
      return "CLOSED".equals(Json.text(actual, "status"))
          ? null
          : new Difference(
              pair, s.key(), inCrm ? Kind.DIFFERENT : Kind.EXTRA, List.of("status"), null);
    }
    JsonNode mapped;
    try {
      mapped = mappings.apply(pair.sink().mapping(), s.event().data());
    } catch (MappingException e) {
      return new Difference(pair, s.key(), Kind.UNMAPPABLE, List.of(), e.getMessage());
    }
    String action = Json.text(mapped, "action");
    if ("SKIP".equals(action)) {
      return null; // billing does not get it (a PROSPECT, or no usable address yet)
    }
    boolean active = inCrm && "ACTIVE".equals(Json.text(mapped, "crm_status"));
    if (actual == null) {
      // an ended customer billing never had is not created
      return active ? new Difference(pair, s.key(), Kind.MISSING, List.of(), null) : null;
    }
    List<String> differing = new ArrayList<>();
    if ("UPSERT".equals(action)) {
      List<String> columns = pair.sink().main().columns();
      Projection expected = Projection.builder().putAll("", mapped, columns).build();
      Projection got = Projection.builder().putAll("", actual, columns).build();
      differing.addAll(expected.differingAttributes(got));
    }
    String status = Json.text(actual, "status");
    boolean statusOk =
        active ? "ACTIVE".equals(status) || "SUSPENDED".equals(status) : "CLOSED".equals(status);
    if (!statusOk) {
      differing.add("status");
    }
    return differing.isEmpty()
        ? null
        : new Difference(pair, s.key(), inCrm ? Kind.DIFFERENT : Kind.EXTRA, differing, null);
  }
}
