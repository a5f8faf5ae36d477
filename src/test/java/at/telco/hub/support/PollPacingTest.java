package at.telco.hub.support;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.config.Settings;
import java.util.Map;
import java.util.Optional;
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
    assertThat(derived(Map.of("p.interval-ms", "10", "p.idle-interval-ms", "100")))
        .containsEntry("p.idle-threshold", "1")
        .containsEntry("p.idle-skip", "9");
    // no backoff: the threshold is never reached (the scheduler refuses a multiplier of 0)
    assertThat(derived(Map.of("p.interval-ms", "100", "p.idle-interval-ms", "100")))
        .containsEntry("p.idle-threshold", Integer.toString(Integer.MAX_VALUE))
        .containsEntry("p.idle-skip", "1");
  }

  private static Map<String, String> derived(Map<String, String> configured) throws Exception {
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      PropertiesComponent properties = context.getPropertiesComponent();
      PollPacing.derive(properties, new Settings(k -> Optional.ofNullable(configured.get(k))), "p");
      return Map.of(
          "p.idle-threshold", properties.resolveProperty("p.idle-threshold").orElseThrow(),
          "p.idle-skip", properties.resolveProperty("p.idle-skip").orElseThrow());
    }
  }
}
