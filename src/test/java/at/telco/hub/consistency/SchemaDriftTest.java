package at.telco.hub.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.consistency.SchemaDrift.Meta.Col;
import at.telco.hub.sink.SinkDeclaration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class SchemaDriftTest {

  static final SchemaContract.Table BILLING_CUSTOMER =
      withSinks().tables("billing").stream()
          .filter(t -> t.name().equals("billing.customer"))
          .findFirst()
          .orElseThrow();

  /**
   * The contract of the jar with the declared sinks of {@code sinks/} (billing.customer is one).
   */
  static SchemaContract withSinks() {
    List<SinkDeclaration> sinks = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("sinks"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        sinks.add(SinkDeclaration.parse(f.toString(), Files.readString(f), t -> t));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SchemaContract.load(new DefaultCamelContext(), "classpath:contracts", sinks);
  }

  /** billing.customer as billing.sql defines it. */
  static Map<String, Col> billingCustomer() {
    Map<String, Col> cols = new LinkedHashMap<>();
    put(cols, "cust_no", "int8", 19, false, true);
    put(cols, "crm_account_id", "varchar", 18, true, false);
    put(cols, "cust_type", "bpchar", 1, false, false);
    put(cols, "name_line1", "varchar", 60, false, false);
    put(cols, "name_line2", "varchar", 60, true, false);
    put(cols, "street_line", "varchar", 60, false, false);
    put(cols, "zip", "varchar", 10, false, false);
    put(cols, "city", "varchar", 40, false, false);
    put(cols, "country_iso3", "bpchar", 3, false, false);
    put(cols, "vat_id", "varchar", 20, true, false);
    put(cols, "email_invoice", "varchar", 254, true, false);
    put(cols, "language_code", "varchar", 5, false, true);
    put(cols, "status", "varchar", 9, false, true);
    put(cols, "anonymized", "bool", 1, false, true);
    put(cols, "updated_at", "timestamp", 29, false, true);
    return cols;
  }

  static void put(
      Map<String, Col> cols, String name, String type, int size, boolean nulls, boolean def) {
    cols.put(name, new Col(name, type, size, nulls, def));
  }

  static List<String> check(Map<String, Col> cols) {
    return SchemaDrift.check("billing", List.of(BILLING_CUSTOMER), (s, t) -> cols).stream()
        .map(f -> f + " " + f.routes())
        .toList();
  }

  @Test
  void theSchemaAsDefinedFits() {
    assertThat(check(billingCustomer())).isEmpty();
  }

  @Test
  void aShorterColumnIsNamedWithWhatTheHubWrites() {
    Map<String, Col> cols = billingCustomer();
    put(cols, "city", "varchar", 30, false, false);
    assertThat(check(cols))
        .containsExactly(
            "billing.customer.city: is varchar(30): shorter than the 40 the hub writes"
                + " [sink-billing]");
  }

  @Test
  void aLongerOrUnboundedColumnTheHubWritesIsFine() {
    Map<String, Col> cols = billingCustomer();
    put(cols, "city", "text", Integer.MAX_VALUE, false, false);
    put(cols, "name_line1", "varchar", 200, false, false);
    assertThat(check(cols)).isEmpty();
  }

  @Test
  void aMissingColumnStopsEveryRouteThatNeedsIt() {
    Map<String, Col> cols = billingCustomer();
    cols.remove("crm_account_id");
    assertThat(check(cols))
        .containsExactly(
            "billing.customer.crm_account_id: column is missing"
                + " [sink-billing, billing-event-source]");
  }

  @Test
  void typeNullabilityAndNewMandatoryColumnsAreDrift() {
    Map<String, Col> cols = billingCustomer();
    // read only: a narrower number is still read correctly
    put(cols, "cust_no", "int4", 10, false, true);
    put(cols, "name_line2", "varchar", 60, false, false);
    put(cols, "zip", "int4", 10, false, false);
    put(cols, "region", "varchar", 10, false, false);
    put(cols, "tier", "varchar", 10, false, true);
    assertThat(check(cols))
        .containsExactlyInAnyOrder(
            "billing.customer.name_line2: is NOT NULL, but the hub writes NULL into it"
                + " [sink-billing]",
            "billing.customer.zip: is int4, the hub needs string [sink-billing]",
            "billing.customer.region: NOT NULL column without a default that the hub does not"
                + " write: its inserts would fail [sink-billing]")
        .hasSize(3);
  }

  @Test
  void aMissingTableIsDrift() {
    assertThat(check(Map.of()))
        .containsExactly("billing.customer: table is missing [sink-billing]");
  }

  @Test
  void aSourceColumnWiderThanItsCopiesCanTakeIsDrift() {
    SchemaContract.Table contact =
        SchemaContract.load().tables("crm").stream()
            .filter(t -> t.name().equals("crm.contact"))
            .findFirst()
            .orElseThrow();
    SchemaContract.Column firstName =
        contact.columns().stream().filter(c -> c.name().equals("first_name")).findFirst().get();
    assertThat(SchemaDrift.problem(firstName, new Col("first_name", "varchar", 80, true, false)))
        .isNull();
    assertThat(SchemaDrift.problem(firstName, new Col("first_name", "varchar", 120, true, false)))
        .isEqualTo("is varchar(120): longer than the 80 the hub's copies of it can take");
    assertThat(SchemaDrift.problem(firstName, new Col("first_name", "text", 0, true, false)))
        .isEqualTo("is text: longer than the 80 the hub's copies of it can take");
  }
}
