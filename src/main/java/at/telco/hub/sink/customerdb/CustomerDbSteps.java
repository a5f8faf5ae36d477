package at.telco.hub.sink.customerdb;

import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.identity.IdentityRegistry.Identities;
import at.telco.hub.identity.IdentityRegistry.Identity;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.SinkBatch;
import at.telco.hub.sink.SinkBatch.Action;
import at.telco.hub.sink.SinkBatch.Write;
import at.telco.hub.sink.SinkStep;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The steps of the customerdb sink (sinks/customerdb.yaml). */
public final class CustomerDbSteps {

  private CustomerDbSteps() {}

  private static UUID id(Write w) {
    return UUID.fromString(w.key());
  }

  private static List<UUID> ids(List<Write> writes) {
    List<UUID> ids = new ArrayList<>();
    writes.forEach(w -> ids.add(id(w)));
    return ids;
  }

  /**
   * {@code customerdbErasure}: an erased customer (flow 5) is not written again - the erasure
   * itself wrote what customerdb keeps of the person - except that a repair (a resync of a
   * deletion) of a row changed behind the hub's back erases it again. Asked while the customers are
   * locked (see {@link IdentityRegistry#erased}).
   */
  public static SinkStep erasure(IdentityRegistry registry) {
    return new SinkStep() {
      @Override
      public void decide(SinkBatch batch, Connection c) throws SQLException {
        List<Write> writes = batch.toWrite();
        if (writes.isEmpty()) {
          return;
        }
        // read once under the lock for every judged key: whether erased, and billing's number
        // (for customerdbBillingCustNo)
        Identities identities = registry.identities(ids(batch.all()));
        batch.share(Identities.class, identities);
        for (Write w : writes) {
          Identity identity = identities.of(id(w));
          if (identity == null || !identity.erased()) {
            continue;
          }
          if (w.current() != null && w.event().isDelete() && w.event().isResync()) {
            CustomerErasure.eraseRow(c, id(w));
            w.skip(ApplyOutcome.APPLIED);
          } else {
            w.skip(ApplyOutcome.NOT_ELIGIBLE);
          }
        }
      }
    };
  }

  /**
   * {@code customerdbBillingCustNo}: billing's customer number, when the hub knows it, goes with
   * the customer's row (also after a crash, for a change found already applied); a customer created
   * without it gets it written back once billing has it ({@link BillingCustNos}).
   */
  public static SinkStep billingCustNo(IdentityRegistry registry, BillingCustNos custNos) {
    return new SinkStep() {
      @Override
      public void decide(SinkBatch batch, Connection c) throws SQLException {
        List<Write> all = batch.all();
        if (all.isEmpty()) {
          return;
        }
        Identities identities = batch.shared(Identities.class);
        if (identities == null) {
          identities = registry.identities(ids(all));
        }
        Map<UUID, Long> unchanged = new HashMap<>();
        for (Write w : all) {
          Identity identity = identities.of(id(w));
          Long custNo = identity == null ? null : identity.billingCustNo();
          if (custNo == null) {
            continue;
          }
          if (w.action() == Action.UPSERT) {
            w.values().put("billing_cust_no", Long.toString(custNo));
          } else if (w.action() == Action.NONE
              && (w.change().outcome() == ApplyOutcome.DUPLICATE
                  || w.change().outcome() == ApplyOutcome.STALE)) {
            unchanged.put(id(w), custNo); // a retry after a crash: the number may not be there
          }
        }
        BillingCustNos.write(c, unchanged);
      }

      @Override
      public void afterCommit(SinkBatch batch) {
        List<UUID> without = new ArrayList<>();
        for (Write w : batch.toWrite()) {
          if (w.action() == Action.UPSERT && w.values().get("billing_cust_no") == null) {
            without.add(id(w));
          }
        }
        custNos.writeBack(without);
      }
    };
  }

  /**
   * {@code detachErasedCustomers} (customerdb.service): a service of an erased customer stays
   * detached (flow 5).
   */
  public static SinkStep detachErasedCustomers(IdentityRegistry registry) {
    return new SinkStep() {
      @Override
      public void decide(SinkBatch batch, Connection c) {
        List<UUID> customers = new ArrayList<>();
        for (Write w : batch.toWrite()) {
          String id = w.values().get("customer_id");
          if (id != null) {
            customers.add(UUID.fromString(id));
          }
        }
        if (customers.isEmpty()) {
          return;
        }
        Set<UUID> erased = registry.erased(customers);
        for (Write w : batch.toWrite()) {
          String id = w.values().get("customer_id");
          if (id != null && erased.contains(UUID.fromString(id))) {
            w.values().put("customer_id", null);
          }
        }
      }
    };
  }
}
