package at.telco.hub.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.TmfSchemas;
import at.telco.hub.erasure.ServiceTopicErasure.Publish;
import at.telco.hub.erasure.ServiceTopicErasure.Rec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an erasure publishes on the canonical service topic (ADR 0019). */
class ServiceTopicErasureTest {

  private static final String C = "11111111-1111-1111-1111-111111111111";
  private static final String D = "22222222-2222-2222-2222-222222222222";

  /** A canonical service event as network-to-canonical-service.jslt makes it. */
  static String service(String id, String msisdn, long seq, String customer, String status) {
    String party =
        "{\"@type\":\"RelatedPartyRefOrPartyRoleRef\",\"role\":\"Customer\",\"partyOrPartyRole\":"
            + "{\"@type\":\"PartyRoleRef\",\"@referredType\":\"Customer\",\"id\":\""
            + customer
            + "\"}}";
    return "{\"specversion\":\"1.0\",\"id\":\"ev-"
        + id
        + "-"
        + seq
        + "\",\"source\":\"urn:network\",\"type\":\"at.telco.hub.tmf638.ServiceStateChangeEvent.v1\","
        + "\"subject\":\""
        + msisdn
        + "\",\"time\":\"2026-12-06T10:00:00Z\",\"entityversion\":\""
        + seq
        + "\",\"customerid\":\""
        + customer
        + "\",\"data\":{\"@type\":\"Service\",\"id\":\""
        + id
        + "\",\"state\":\"active\",\"serviceCharacteristic\":[{\"@type\":\"StringCharacteristic\",\"name\":\"networkStatus\",\"value\":\""
        + status
        + "\"},{\"@type\":\"StringCharacteristic\",\"name\":\"msisdn\",\"value\":\""
        + msisdn
        + "\"}],\"relatedParty\":["
        + party
        + "],\"externalIdentifier\":[]}}";
  }

  @Test
  void eachServiceOfTheCustomerIsPublishedDetachedUnderItsIdInItsNewestState() {
    List<Publish> plan =
        ServiceTopicErasure.plan(
            List.of(
                new Rec("SRV-1", service("SRV-1", "+43676100", 1, C, "ACTIVE")),
                new Rec("SRV-1", service("SRV-1", "+43676100", 3, C, "BARRED")),
                new Rec("SRV-2", service("SRV-2", "+43676200", 5, C, "ACTIVE")),
                new Rec("SRV-9", service("SRV-9", "+43676900", 2, D, "ACTIVE"))),
            C);
    assertThat(plan).extracting(Publish::key).containsExactly("SRV-1", "SRV-2");
    CanonicalEvent first = CanonicalEvent.parse(plan.get(0).value());
    assertThat(first.entityVersion()).as("the same network sequence").isEqualTo("3");
    assertThat(first.id()).isEqualTo("ev-SRV-1-3");
    assertThat(first.customerId()).isNull();
    assertThat(plan.get(0).value()).doesNotContain(C).contains("BARRED", "+43676100");
    assertThat(first.data().path("relatedParty").get(0).path("role").asText())
        .isEqualTo("Customer");
    assertThat(first.data().path("relatedParty").get(0).has("partyOrPartyRole")).isFalse();
    assertThat(new TmfSchemas().problems(first)).as("TMF638-valid").isEmpty();
    assertThat(plan.get(1).value()).doesNotContain(C);
  }

  @Test
  void aLegacyMsisdnKeyIsTombstonedOnlyAfterEveryServiceUnderItHasItsOwnKey() {
    // before the key change the number +43676100 was S1's (customer C), then moved to S2 (D)
    List<Publish> plan =
        ServiceTopicErasure.plan(
            List.of(
                new Rec("+43676100", service("SRV-1", "+43676100", 1, C, "ACTIVE")),
                new Rec("+43676100", service("SRV-2", "+43676100", 4, D, "ACTIVE")),
                new Rec("+43676555", service("SRV-1", "+43676555", 2, C, "ACTIVE"))),
            C);
    assertThat(plan)
        .extracting(Publish::key)
        .containsExactly("SRV-1", "SRV-2", "+43676100", "+43676555");
    assertThat(plan.get(0).value()).doesNotContain(C).contains("+43676555");
    assertThat(CanonicalEvent.parse(plan.get(0).value()).entityVersion()).isEqualTo("2");
    assertThat(plan.get(1).value()).as("another customer's service: unchanged").contains(D);
    assertThat(plan.get(2).value()).isNull();
    assertThat(plan.get(3).value()).isNull();
  }

  @Test
  void aServiceThatMovedToAnotherCustomerKeepsItsNewestStateAndACustomerWithoutServicesNothing() {
    List<Publish> plan =
        ServiceTopicErasure.plan(
            List.of(
                new Rec("SRV-1", service("SRV-1", "+43676100", 1, C, "ACTIVE")),
                new Rec("SRV-1", service("SRV-1", "+43676100", 2, D, "ACTIVE"))),
            C);
    assertThat(plan).hasSize(1);
    assertThat(plan.get(0).value()).contains(D).doesNotContain(C);
    assertThat(ServiceTopicErasure.plan(List.of(), C)).isEmpty();
    assertThat(
            ServiceTopicErasure.plan(
                List.of(new Rec("SRV-9", service("SRV-9", "+43676900", 2, D, "ACTIVE"))), C))
        .isEmpty();
  }

  @Test
  void tombstonedKeysAndUnreadableRecordsAreSkipped() {
    List<Publish> plan =
        ServiceTopicErasure.plan(
            List.of(
                new Rec("+43676100", service("SRV-1", "+43676100", 1, C, "ACTIVE")),
                new Rec("+43676100", null),
                new Rec("SRV-3", "not json")),
            C);
    assertThat(plan).isEmpty();
  }

  @Test
  void beforeCompactionEveryServiceGetsItsNewestStateUnderItsOwnKeyOnce() {
    // a topic from before ADR 0019: keyed by MSISDN; +43676100 moved from SRV-1 to SRV-2
    List<Rec> legacy =
        List.of(
            new Rec("+43676100", service("SRV-1", "+43676100", 1, C, "ACTIVE")),
            new Rec("+43676100", service("SRV-1", "+43676100", 2, C, "TERMINATED")),
            new Rec("+43676100", service("SRV-2", "+43676100", 7, D, "ACTIVE")),
            new Rec("SRV-3", service("SRV-3", "+43676300", 1, D, "ACTIVE")));
    List<Publish> plan = ServiceTopicErasure.rekeyPlan(legacy);
    assertThat(plan).extracting(Publish::key).containsExactly("SRV-1", "SRV-2");
    assertThat(CanonicalEvent.parse(plan.get(0).value()).entityVersion()).isEqualTo("2");
    assertThat(plan.get(0).value()).contains("TERMINATED", C);
    // idempotent: after the rekey nothing more
    List<Rec> after = new java.util.ArrayList<>(legacy);
    plan.forEach(p -> after.add(new Rec(p.key(), p.value())));
    assertThat(ServiceTopicErasure.rekeyPlan(after)).isEmpty();
  }
}
