package at.telco.hub.testing;

import static org.awaitility.Awaitility.await;

import at.telco.hub.simulator.BillingSimulator;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A CRM customer that the hub has brought into billing, with a billing account that billing opened
 * and (optionally) services the network activated: the starting point of the billing and network
 * flows.
 */
public final class BillingFixture {

  public final TestServers servers = TestServers.get();
  public final Crm crm = new Crm(servers);
  public final BillingSimulator billing = new BillingSimulator(servers.owner("billing"));
  public final DataSource billingDb = servers.owner("billing");
  public final DataSource customerdb = servers.owner("customerdb");
  public final DataSource hub = servers.owner("hub");
  public final DataSource crmDb = servers.owner("crm");

  /** Creates the customer in the CRM, waits for billing to have it, opens a billing account. */
  public String account(String crmAccount, String first, String last) {
    crm.person(crmAccount, first, last, "ACTIVE");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Crm.row(
                        billingDb,
                        "SELECT cust_no FROM billing.customer WHERE crm_account_id = ?",
                        crmAccount)
                    != null);
    long custNo =
        (long)
            Crm.row(
                    billingDb,
                    "SELECT cust_no FROM billing.customer WHERE crm_account_id = ?",
                    crmAccount)
                .get("cust_no");
    String ba = billing.openAccount(custNo);
    await().atMost(Duration.ofSeconds(20)).until(() -> billingAccount(ba) != null);
    return ba;
  }

  public Map<String, Object> billingAccount(String ba) {
    return Crm.row(customerdb, "SELECT * FROM customerdb.billing_account WHERE ba_no = ?", ba);
  }

  public Map<String, Object> service(String serviceId) {
    return Crm.row(customerdb, "SELECT * FROM customerdb.service WHERE service_id = ?", serviceId);
  }

  public String serviceStatus(String serviceId) {
    Map<String, Object> s = service(serviceId);
    return s == null ? null : (String) s.get("status");
  }

  /** Notes the CRM has for an account, oldest first. */
  public java.util.List<Map<String, Object>> notes(String crmAccount) {
    return Crm.rows(
        crmDb,
        "SELECT activity_type, subject, body, external_ref FROM crm.activity WHERE account_id = ?"
            + " ORDER BY activity_id",
        crmAccount);
  }

  public java.util.List<Map<String, Object>> commands(String ba) {
    return Crm.rows(
        hub,
        "SELECT command_id, command, service_id, reason, status, detail, lifted_by"
            + " FROM hub.provisioning_command WHERE ba_no = ? ORDER BY requested_at, command",
        ba);
  }
}
