package at.telco.hub.consistency;

import at.telco.hub.sink.SinkDeclaration;
import java.util.Collection;

/**
 * A master and one of its copies, compared by reconciliation: one declared sink with {@code
 * reconcile:} (see docs/extending.md), e.g. {@code crm->customerdb}.
 *
 * @param label how reports, metrics and the API name the pair
 * @param master the master the sink is compared with
 * @param sink the sink's declaration: its tables, mapping and columns
 * @param by the main table's column that holds the master's key or the hub's customer id
 */
public record Pair(String label, Master master, SinkDeclaration sink, String by) {

  /** The pair of a sink that declares {@code reconcile:}. */
  public static Pair of(SinkDeclaration sink, Collection<Master> masters) {
    SinkDeclaration.Reconcile r = sink.reconcile();
    Master master =
        masters.stream()
            .filter(m -> m.name().equals(r.from()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "sink " + sink.name() + ": no master " + r.from() + " to reconcile with"));
    if (!r.by().equals(master.keyColumn()) && !r.by().equals(Master.CUSTOMER_ID)) {
      throw new IllegalArgumentException(
          "sink "
              + sink.name()
              + ": reconcile.by is the column holding "
              + master.name()
              + "'s key ("
              + master.keyColumn()
              + ") or the hub's "
              + Master.CUSTOMER_ID
              + ", not "
              + r.by());
    }
    if (r.by().equals(Master.CUSTOMER_ID) && !master.identifiesCustomers()) {
      throw new IllegalArgumentException(
          "sink " + sink.name() + ": " + master.name() + " records have no customer id");
    }
    return new Pair(r.pair(), master, sink, r.by());
  }

  /** The target (as the target routes, dead letters and resync name it). */
  public String target() {
    return sink.name();
  }

  /** Whether the sink's rows are found by the hub's customer id (not the master's key). */
  public boolean byCustomerId() {
    return by.equals(Master.CUSTOMER_ID) && !by.equals(master.keyColumn());
  }

  /**
   * By the label and the sink's name only (equal pairs have equal ones): reconciliation looks pairs
   * up several times per record, and the record's own hash would walk the whole declaration.
   */
  @Override
  public int hashCode() {
    return 31 * label.hashCode() + sink.name().hashCode();
  }

  @Override
  public String toString() {
    return label;
  }
}
