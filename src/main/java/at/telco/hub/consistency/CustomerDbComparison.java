package at.telco.hub.consistency;

import at.telco.hub.mapping.Mappings;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * customerdb's customers as their declaration compares them ({@link DeclaredComparison}), and
 * billing's customer number: customerdb's {@code billing_cust_no} is billing's {@code cust_no} of
 * the same CRM account (FLOWS.md, flow 1), which billing makes and a step writes back. Named {@code
 * customerdbComparison} in {@code sinks/customerdb.yaml}.
 */
public final class CustomerDbComparison extends DeclaredComparison {

  /** The sink whose customer numbers customerdb shows. */
  private final String billing;

  public CustomerDbComparison(Mappings mappings, String billing) {
    super(mappings);
    this.billing = billing;
  }

  @Override
  public List<String> needs() {
    return List.of(billing);
  }

  @Override
  protected void more(Pair pair, Subject s, Projection.Builder expected, Projection.Builder got) {
    JsonNode billed = s.others().get(billing);
    if (billed != null) {
      expected.put("billing_cust_no", billed.path("cust_no"));
    }
    got.put("billing_cust_no", s.actual().path("billing_cust_no"));
  }
}
