package at.telco.hub.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.source.crm.CustomerEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CanonicalSchemasTest {

  private final CanonicalSchemas schemas = new CanonicalSchemas();
  private final CustomerEvents events =
      new CustomerEvents(Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC));

  private CanonicalEvent event(String kase) throws IOException {
    JsonNode snapshot =
        Json.parse(
            Files.readString(
                Path.of("transformers/crm-to-canonical-customer/input-" + kase + ".json")));
    JsonNode data =
        Json.parse(
            Files.readString(
                Path.of("transformers/crm-to-canonical-customer/expected-" + kase + ".json")));
    return events.fromCrm(snapshot, data);
  }

  @Test
  void everyGoldenCanonicalCustomerIsValid() throws IOException {
    for (String kase :
        new String[] {"b2c", "b2b-several-primaries", "no-primary-bad-phone", "deleted"}) {
      assertThat(schemas.problems(event(kase))).as(kase).isEmpty();
    }
  }

  @Test
  void everyGoldenCanonicalBillingAccountBillAndServiceIsValid() throws IOException {
    String[][] cases = {
      {
        "billing-to-canonical-billing-account",
        "dunning-with-last-invoice",
        CanonicalTypes.BILLING_ACCOUNT_CHANGE,
        CanonicalTypes.BILLING_ACCOUNT_SCHEMA
      },
      {
        "billing-to-canonical-billing-account",
        "created-customer-not-from-crm",
        CanonicalTypes.BILLING_ACCOUNT_CHANGE,
        CanonicalTypes.BILLING_ACCOUNT_SCHEMA
      },
      {
        "billing-to-canonical-customer-bill",
        "invoice-issued-in-the-spring-gap",
        CanonicalTypes.CUSTOMER_BILL_CREATE,
        CanonicalTypes.CUSTOMER_BILL_SCHEMA_V2
      },
      {
        "network-to-canonical-service",
        "activated-with-unknown-fields-dropped",
        CanonicalTypes.SERVICE_CHANGE,
        CanonicalTypes.SERVICE_SCHEMA
      },
      {
        "network-to-canonical-service",
        "barred-without-sim-data",
        CanonicalTypes.SERVICE_CHANGE,
        CanonicalTypes.SERVICE_SCHEMA
      }
    };
    for (String[] c : cases) {
      JsonNode data =
          Json.parse(
              Files.readString(Path.of("transformers/" + c[0] + "/expected-" + c[1] + ".json")));
      CanonicalEvent e =
          Envelope.of(
                  "/telco-hub/test",
                  c[2],
                  "KEY-1",
                  "2000:2004:",
                  Instant.parse("2026-11-27T10:00:00Z"))
              .dataSchema(c[3])
              .data(data);
      assertThat(schemas.problems(e)).as(c[0] + "/" + c[1]).isEmpty();
    }
    // and the schemas do check: a billing account with a fraction of a cent is refused
    JsonNode data =
        Json.parse(
            Files.readString(
                Path.of(
                    "transformers/billing-to-canonical-billing-account/expected-dunning-with-last-invoice.json")));
    ((ObjectNode) data.path("accountBalance").get(0).path("amount"))
        .put("value", new java.math.BigDecimal("74.975"));
    CanonicalEvent bad =
        Envelope.of(
                "/telco-hub/test",
                CanonicalTypes.BILLING_ACCOUNT_CHANGE,
                "BA0000001234",
                "7",
                Instant.now())
            .dataSchema(CanonicalTypes.BILLING_ACCOUNT_SCHEMA)
            .data(data);
    assertThat(schemas.problems(bad))
        .anyMatch(p -> p.contains("$.data.accountBalance[0].amount.value"));
  }

  @Test
  void theEnvelopeCarriesVersionKeysAndAStableId() throws IOException {
    CanonicalEvent e = event("b2c");
    assertThat(e.subject()).isEqualTo("ACC-000000000001");
    assertThat(e.entityVersion()).isEqualTo("1000:1005:1002");
    assertThat(e.sourceVersions())
        .isEqualTo(
            "crm:ACCOUNT:ACC-000000000001=7,crm:CONTACT:CON-000000000002=1,crm:CONTACT:CON-000000000001=3,"
                + "crm:ADDRESS:ADR-000000000001=1,crm:ADDRESS:ADR-000000000002=2,crm:ADDRESS:ADR-000000000003=1");
    assertThat(e.type()).isEqualTo(CanonicalTypes.CUSTOMER_CHANGE);
    assertThat(e.id()).isEqualTo(event("b2c").id());
    assertThat(event("deleted").type()).isEqualTo(CanonicalTypes.CUSTOMER_DELETE);
  }

  @Test
  void anInvalidEventIsRejectedWithTheFieldsNamed() throws IOException {
    CanonicalEvent e = event("b2c");
    ObjectNode data = (ObjectNode) e.envelope().get("data");
    data.put("status", "SLEEPING");
    ((ObjectNode) data.get("contactMedium").get(1)).put("phoneNumber", "0664 1234567");
    ((ObjectNode) data.get("engagedParty")).remove("formattedName");
    e.envelope().remove("entityversion");
    assertThatThrownBy(() -> schemas.validate(e))
        .isInstanceOf(InvalidCanonicalEventException.class)
        .hasMessageContaining("$.data.status")
        .hasMessageContaining("$.data.contactMedium[1].phoneNumber")
        .hasMessageContaining("formattedName")
        .hasMessageContaining("entityversion");
  }

  @Test
  void aMessageThatIsNotACloudEventIsMalformedAndTheTextIsNotQuoted() {
    assertThatThrownBy(() -> CanonicalEvent.parse("{\"name\": \"Jürgen Müller\""))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not well-formed JSON")
        .hasMessageNotContaining("Müller");
    assertThatThrownBy(() -> CanonicalEvent.parse("{\"id\": \"x\"}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'specversion' is missing");
  }
}
