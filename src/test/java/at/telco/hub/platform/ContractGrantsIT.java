package at.telco.hub.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hub talks to the systems as hub_integration, with exactly the grants of the schema files: a
 * write the contracts do not allow fails here as it would in production.
 */
class ContractGrantsIT {

  static TestServers servers;

  @BeforeAll
  static void start() {
    servers = TestServers.get();
  }

  private static void asHub(String database, String sql) throws SQLException {
    try (Connection c = servers.as("hub_integration", database).getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      } finally {
        c.rollback();
      }
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "crm|UPDATE crm.account SET name = 'x'",
        "crm|DELETE FROM crm.contact",
        "crm|INSERT INTO crm.address (address_id, account_id, address_type, street, postal_code, city) VALUES ('x', 'x', 'POSTAL', 'x', 'x', 'x')",
        "crm|UPDATE crm.change_log SET entity = 'ACCOUNT'",
        "crm|DELETE FROM crm.change_log",
        "crm|UPDATE crm.activity SET subject = 'x'",
        "crm|CREATE TABLE public.hub_table (x int)",
        "billing|INSERT INTO billing.billing_account (ba_no, cust_no) VALUES ('BA0000000001', 1)",
        "billing|UPDATE billing.billing_account SET dunning_level = 0",
        "billing|UPDATE billing.invoice SET status = 'PAID'",
        "billing|DELETE FROM billing.customer",
        "billing|UPDATE billing.event_out SET payload = 'x'",
        "billing|DELETE FROM billing.event_out",
        "customerdb|CREATE TABLE public.hub_table (x int)",
        "customerdb|ALTER TABLE customerdb.customer ADD COLUMN x int"
      })
  void forbiddenWritesFail(String database, String sql) {
    assertThatThrownBy(() -> asHub(database, sql))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "crm|SELECT count(*) FROM crm.account",
        "crm|UPDATE crm.change_log SET processed_at = now() WHERE change_id = -1",
        "crm|INSERT INTO crm.activity (account_id, activity_type, subject, external_ref) VALUES ('ACC-1', 'SYSTEM', 'grant check', 'grant-check')",
        "billing|INSERT INTO billing.customer (cust_type, name_line1, street_line, zip, city, country_iso3) VALUES ('P', 'x', 'x', 'x', 'x', 'AUT')",
        "billing|UPDATE billing.customer SET name_line2 = NULL WHERE cust_no = -1",
        "billing|UPDATE billing.event_out SET picked_up_at = localtimestamp WHERE event_seq = -1",
        "billing|SELECT count(*) FROM billing.invoice",
        "customerdb|DELETE FROM customerdb.contact_medium WHERE customer_id = '00000000-0000-0000-0000-000000000000'",
        "customerdb|UPDATE customerdb.service SET status = 'ACTIVE' WHERE service_id = 'x'"
      })
  void allowedWritesSucceed(String database, String sql) throws SQLException {
    asHub(database, sql);
  }
}
