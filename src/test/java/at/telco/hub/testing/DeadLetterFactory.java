package at.telco.hub.testing;

import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.Json;
import at.telco.hub.failure.TargetRejectedException;
import at.telco.hub.sink.TargetChange;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Makes billing dead letters in bulk the way the hub makes them (through its dead-letter route:
 * Artemis and the index), from a real canonical event of the flow: a CRM account billing cannot
 * take is dead-lettered once, and its event is copied for as many accounts as a test needs, each
 * valid for billing.
 */
public final class DeadLetterFactory {

  private static String template;
  private static String templateAccount;

  private DeadLetterFactory() {}

  /** A canonical event of the real flow (its name shortened so billing can take it). */
  public static synchronized String template() {
    if (template == null) {
      TestServers servers = TestServers.get();
      SharedHub.get();
      Crm crm = new Crm(servers);
      templateAccount = "ACC-T21-TEMPL";
      crm.update(
          "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
              + " 'ACTIVE')",
          templateAccount,
          "Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung und Systemintegration"
              + " und Telekommunikationsdienstleistungen Mitteleuropa GmbH");
      crm.contact(
          templateAccount + "-C1",
          templateAccount,
          true,
          "Petra",
          "Novák",
          "petra@example.at",
          null);
      crm.address(
          templateAccount + "-A1", templateAccount, "BILLING", "Hauptstraße", "1", "1010", "Wien");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Crm.row(
                          servers.owner("hub"),
                          "SELECT body FROM hub.dead_letter WHERE crm_account_id = ?"
                              + " AND target = 'billing'",
                          templateAccount)
                      != null);
      Map<String, Object> row =
          Crm.row(
              servers.owner("hub"),
              "SELECT body FROM hub.dead_letter WHERE crm_account_id = ? AND target = 'billing'",
              templateAccount);
      template = (String) row.get("body");
    }
    return template;
  }

  /** The template for another account (new customer id, event id; billing can take it). */
  public static String eventFor(String account) {
    CanonicalEvent t = CanonicalEvent.parse(template());
    String text =
        template
            .replace(templateAccount, account)
            .replace(t.customerId(), UUID.randomUUID().toString())
            .replace(t.id(), UUID.randomUUID().toString());
    ObjectNode e = (ObjectNode) Json.parse(text);
    ((ObjectNode) e.get("data")).put("name", "Netzwerkplanung " + account + " GmbH");
    return Json.write(e);
  }

  /** Dead-letters one event for billing through the hub's dead-letter route. */
  public static void deadLetter(ProducerTemplate producer, String event, String reason) {
    Exchange done =
        producer.send(
            "direct:dead-letter",
            e -> {
              e.getMessage().setBody(TargetChange.read("billing", event, null));
              e.setProperty("hubTarget", "billing");
              e.setProperty(Exchange.EXCEPTION_CAUGHT, new TargetRejectedException(reason));
            });
    if (done.getException() != null) {
      throw new IllegalStateException(done.getException());
    }
  }

  /** {@code count} billing dead letters for accounts {@code prefix + n}, in parallel. */
  public static void deadLetters(String prefix, int count, String reason) throws Exception {
    template();
    ProducerTemplate producer = SharedHub.get().context().createProducerTemplate();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += 4) {
                    deadLetter(producer, eventFor(String.format("%s%05d", prefix, i)), reason);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
      producer.stop();
    }
  }
}
