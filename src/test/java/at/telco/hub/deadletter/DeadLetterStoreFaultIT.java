package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.Crm;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Probes;
import at.telco.hub.testing.Queues;
import at.telco.hub.testing.Scrape;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dead letter that cannot be stored for a reason the dead-letter route does not retry (here an
 * unexpected exception forced into it, the only fake in this test) never lets the Kafka consumer
 * commit past its change: the batch is rewound, the failure is logged and counted, and once the
 * fault is gone the change is dead-lettered after all while the changes behind it arrive.
 */
class DeadLetterStoreFaultIT {

  static TestServers servers;

  @BeforeAll
  static void fault() {
    servers = TestServers.get();
    servers.execute(
        "billing",
        """
        CREATE FUNCTION public.refuse_dlf() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.crm_account_id LIKE 'ACC-DLF-BAD%' THEN
            RAISE EXCEPTION 'billing refuses customer: credit check pending' USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
        END $$""",
        "CREATE TRIGGER refuse_dlf BEFORE INSERT OR UPDATE ON billing.customer FOR EACH ROW"
            + " EXECUTE FUNCTION public.refuse_dlf()");
  }

  @AfterAll
  static void removeFault() {
    servers.execute(
        "billing",
        "DROP TRIGGER refuse_dlf ON billing.customer",
        "DROP FUNCTION public.refuse_dlf()");
  }

  @Test
  void aDeadLetterThatCannotBeStoredIsNeverCommittedPast() throws Exception {
    SharedHub.stop(); // this hub polls the CRM alone
    AtomicInteger faults = new AtomicInteger(3);
    try (HubInstance hub = HubInstance.start(servers.hubProperties())) {
      AdviceWith.adviceWith(
          hub.context(),
          "dead-letter",
          a ->
              a.weaveAddFirst()
                  .process(
                      e -> {
                        if (faults.getAndDecrement() > 0) {
                          throw new IllegalStateException("forced fault in the dead-letter route");
                        }
                      }));
      // the advised route is added again, but the supervising route controller does not start it
      if (!hub.context().getRouteController().getRouteStatus("dead-letter").isStarted()) {
        hub.context().getRouteController().startRoute("dead-letter");
      }
      Crm crm = new Crm(servers);
      String bad = "ACC-DLF-BAD1";
      crm.person(bad, "Maximilian", "Leitner", "ACTIVE");
      for (int i = 1; i <= 5; i++) {
        crm.person("ACC-DLF-000" + i, "Hannah", "Berger", "ACTIVE");
      }

      // the change billing refuses is dead-lettered once the dead-letter route works again
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> !Queues.browse("DLQ.billing", "hubCrmAccountId = '" + bad + "'").isEmpty());
      assertThat(faults.get()).as("every forced fault was hit").isLessThanOrEqualTo(0);
      assertThat(Queues.browse("DLQ.billing", "hubCrmAccountId = '" + bad + "'")).hasSize(1);
      // the changes behind it arrived, each once
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Crm.row(
                          servers.owner("billing"),
                          "SELECT count(*) AS n FROM billing.customer WHERE crm_account_id LIKE"
                              + " 'ACC-DLF-000%'")
                      .get("n")
                      .equals(5L));
      assertThat(Probes.billingDuplicates(servers, "ACC-DLF-%")).isZero();
      // the failure to dead-letter is visible to operations
      assertThat(
              Scrape.of(hub.managementPort()).find("hub_kafka_batch_rewinds_total").stream()
                  .mapToDouble(Scrape.Sample::value)
                  .sum())
          .as("batches rewound because their dead letter could not be stored")
          .isGreaterThanOrEqualTo(3);
    }
  }
}
