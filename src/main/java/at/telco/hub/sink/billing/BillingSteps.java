package at.telco.hub.sink.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.identity.IdentityRegistry;
import at.telco.hub.identity.IdentityRegistry.Identities;
import at.telco.hub.identity.IdentityRegistry.Identity;
import at.telco.hub.sink.ApplyOutcome;
import at.telco.hub.sink.SinkBatch;
import at.telco.hub.sink.SinkBatch.Write;
import at.telco.hub.sink.SinkStep;
import at.telco.hub.sink.TargetStates;
import at.telco.hub.sink.customerdb.BillingCustNos;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The steps of the billing sink (sinks/billing.yaml): billing's status rule, its customer numbers,
 * and the erasure guard. The mapping ({@code canonical-customer-to-billing.jslt}) says per change
 * {@code action} UPSERT (create or update), CLOSE (only the status) or SKIP (not for billing yet),
 * and the CRM status ({@code crm_status}), which the hub keeps with the version it applied.
 */
public final class BillingSteps {

  private BillingSteps() {}

  private static UUID customerId(Write w) {
    String id = w.event().customerId();
    return id == null ? null : UUID.fromString(id);
  }

  /**
   * {@code billingErasure}: an erased customer (flow 5) is not written again; a repair (a resync of
   * a deletion) of a record changed behind the hub's back anonymises it again.
   */
  public static SinkStep erasure(IdentityRegistry registry) {
    return new SinkStep() {
      @Override
      public void decide(SinkBatch batch, Connection c) throws SQLException {
        // the writes to make, and the repairs of rows the writer left alone as never written again
        List<Write> candidates = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        for (Write w : batch.all()) {
          boolean repair =
              w.never()
                  && w.change().outcome() == ApplyOutcome.NOT_ELIGIBLE
                  && w.event().isDelete()
                  && w.event().isResync();
          if ((w.action() != SinkBatch.Action.NONE || repair) && customerId(w) != null) {
            candidates.add(w);
            ids.add(customerId(w));
          }
        }
        if (ids.isEmpty()) {
          return;
        }
        // read once under the lock: whether erased, and billing's number (for billingCustNo)
        Identities identities = registry.identities(ids);
        batch.share(Identities.class, identities);
        for (Write w : candidates) {
          Identity identity = customerId(w) == null ? null : identities.of(customerId(w));
          if (identity == null || !identity.erased()) {
            continue;
          }
          if (w.event().isDelete() && w.event().isResync() && BillingErasure.reapply(c, w.key())) {
            w.skip(ApplyOutcome.APPLIED);
          } else {
            w.skip(ApplyOutcome.NOT_ELIGIBLE);
          }
        }
      }
    };
  }

  /**
   * {@code billingStatus}: the hub sets ACTIVE when the CRM account becomes (or is created) ACTIVE
   * and CLOSED when it becomes INACTIVE; on every other update billing's own status (e.g.
   * SUSPENDED) is left alone. An ended customer billing never had is not created; a PROSPECT or an
   * account without a usable address is not for billing (yet).
   */
  public static SinkStep status() {
    return new SinkStep() {
      @Override
      public void decide(SinkBatch batch, Connection c) {
        for (Write w : batch.toWrite()) {
          decide(w);
        }
      }

      private void decide(Write w) {
        String action = Json.text(w.change().row(), "action");
        String crmStatus = Json.text(w.change().row(), "crm_status");
        if ("SKIP".equals(action)) {
          w.skip(ApplyOutcome.NOT_ELIGIBLE);
          return;
        }
        if (w.current() == null) {
          if (!"UPSERT".equals(action) || !"ACTIVE".equals(crmStatus)) {
            w.skip(ApplyOutcome.NOT_ELIGIBLE); // an ended customer billing never had
            return;
          }
          w.values().put("status", "ACTIVE");
          return;
        }
        TargetStates.State state = w.known();
        boolean statusChanged =
            state == null
                || state.appliedStatus() == null
                || !state.appliedStatus().equals(crmStatus);
        String newStatus =
            statusChanged || w.event().isResync()
                ? ("INACTIVE".equals(crmStatus) ? "CLOSED" : "ACTIVE")
                : null;
        if ("ACTIVE".equals(newStatus)
            && "SUSPENDED".equals(w.current().get("status"))
            && (state == null || state.appliedStatus() == null || w.event().isResync())) {
          // whether the CRM account just became ACTIVE is not known (no record, or a resync):
          // billing's own SUSPENDED stays
          newStatus = null;
        }
        w.insertAllowed(false);
        if ("CLOSE".equals(action)) {
          if (newStatus == null) {
            w.skip(ApplyOutcome.APPLIED); // nothing to change: billing has the state
            return;
          }
          w.onlyColumns(Set.of("status"));
          w.values().put("status", newStatus);
          return;
        }
        if (!"UPSERT".equals(action)) {
          throw new TargetRejectedException("billing mapping gave no action for " + w.key());
        }
        w.values().put("status", newStatus); // null: billing's own status stays
      }
    };
  }

  /**
   * {@code billingCustNo}: billing's generated customer number of each written customer that the
   * identity registry (read by {@code billingErasure} under the lock) does not have yet is recorded
   * there and written back to customerdb. A number the registry already had is not written back:
   * the customerdb sink writes it with every change of the customer (and with a duplicate or stale
   * one, see {@code customerdbBillingCustNo}), which also repairs a crash between the record and
   * the write-back - without a look-up in customerdb per billing change.
   */
  public static SinkStep custNo(IdentityRegistry registry, BillingCustNos customerdb) {
    return new SinkStep() {
      @Override
      public void afterCommit(SinkBatch batch) {
        Identities identities = batch.shared(Identities.class);
        Map<UUID, Long> unrecorded = new HashMap<>();
        for (Write w : batch.applied()) {
          String custNo = w.returned().get("cust_no");
          if (custNo == null && w.current() != null) {
            custNo = w.current().get("cust_no");
          }
          UUID id = customerId(w);
          if (custNo != null && id != null) {
            Long number = Long.parseLong(custNo);
            Identity identity = identities == null ? null : identities.of(id);
            if (identity == null || !number.equals(identity.billingCustNo())) {
              unrecorded.put(id, number);
            }
          }
        }
        registry.recordBillingCustNos(unrecorded);
        customerdb.write(unrecorded);
      }
    };
  }
}
