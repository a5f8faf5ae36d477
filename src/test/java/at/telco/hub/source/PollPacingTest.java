package at.telco.hub.source;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

class PollPacingTest {

  @Test
  void anIdleSourceIsPolledEveryIdleIntervalAndABusyOneEveryInterval() {
    // 10 ms apart while busy; after an empty poll 9 are skipped: one poll per 100 ms
    assertThat(PollPacing.skips(10, 100)).isEqualTo(9);
    // an idle interval that is not a multiple rounds up (never polls more often than asked)
    assertThat(PollPacing.skips(30, 100)).isEqualTo(3);
    assertThat(PollPacing.skips(100, 100)).isZero();
    assertThat(PollPacing.skips(100, 10)).isZero();
  }

  @Test
  void derivesTheSchedulersBackoffSettings() throws Exception {
    assertThat(
            derived(
                Map.of("hub.crm.poll.interval-ms", "10", "hub.crm.poll.idle-interval-ms", "100")))
        .containsEntry("hub.crm.poll.idle-threshold", "1")
        .containsEntry("hub.crm.poll.idle-skip", "9");
    // no backoff: the threshold is never reached (the scheduler refuses a multiplier of 0)
    assertThat(
            derived(
                Map.of("hub.crm.poll.interval-ms", "100", "hub.crm.poll.idle-interval-ms", "100")))
        .containsEntry("hub.crm.poll.idle-threshold", Integer.toString(Integer.MAX_VALUE))
        .containsEntry("hub.crm.poll.idle-skip", "1");
  }

  @Test
  void theSchedulerSlowsDownWhenPollsFindNothingAndNotWhileTheyFindWork() throws Exception {
    AtomicBoolean busy = new AtomicBoolean();
    AtomicInteger polls = new AtomicInteger();
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      PollPacing.derive(
          context.getPropertiesComponent(),
          new Settings(
              k ->
                  Optional.ofNullable(
                      Map.of(
                              "hub.crm.poll.interval-ms",
                              "10",
                              "hub.crm.poll.idle-interval-ms",
                              "200")
                          .get(k))),
          "hub.crm.poll",
          HubSettings.CRM_POLL_INTERVAL_MS,
          HubSettings.CRM_POLL_IDLE_INTERVAL_MS);
      context.addRoutes(
          new RouteBuilder() {
            @Override
            public void configure() {
              from("scheduler:pacing?delay=10&backoffIdleThreshold={{hub.crm.poll.idle-threshold}}"
                      + "&backoffMultiplier={{hub.crm.poll.idle-skip}}")
                  .process(
                      e -> {
                        SourceClaim.begin(e);
                        polls.incrementAndGet();
                        if (busy.get()) {
                          // what SourceClaim.openLocated marks when a poll claimed rows
                          e.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, true);
                        }
                      });
            }
          });
      context.start();
      Thread.sleep(300);
      polls.set(0);
      Thread.sleep(1000);
      int idle = polls.get();
      busy.set(true);
      Thread.sleep(300);
      polls.set(0);
      Thread.sleep(1000);
      int working = polls.get();
      // idle: one poll per 200 ms (5 a second); finding work: one per 10 ms (up to 100 a second)
      assertThat(idle).as("polls in a second while idle").isBetween(2, 10);
      assertThat(working).as("polls in a second while finding work").isGreaterThan(30);
    }
  }

  private static Map<String, String> derived(Map<String, String> configured) throws Exception {
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      PropertiesComponent properties = context.getPropertiesComponent();
      PollPacing.derive(
          properties,
          new Settings(k -> Optional.ofNullable(configured.get(k))),
          "hub.crm.poll",
          HubSettings.CRM_POLL_INTERVAL_MS,
          HubSettings.CRM_POLL_IDLE_INTERVAL_MS);
      return Map.of(
          "hub.crm.poll.idle-threshold",
              properties.resolveProperty("hub.crm.poll.idle-threshold").orElseThrow(),
          "hub.crm.poll.idle-skip",
              properties.resolveProperty("hub.crm.poll.idle-skip").orElseThrow());
    }
  }
}
