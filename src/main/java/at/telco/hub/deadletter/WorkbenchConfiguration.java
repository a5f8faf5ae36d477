package at.telco.hub.deadletter;

import at.telco.hub.canonical.CanonicalSchemas;
import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.sink.Sinks;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The dead-letter workbench behind the management API and the console: search, replay (as is or
 * edited), resync, discard, and bulk replays by filter, which run on two threads of their own; the
 * bulk replays a previous run of this instance left unfinished are marked interrupted.
 *
 * <p>Binds {@code deadLetterSearch}, {@code deadLetterWorkbench}, {@code bulkReplays}.
 */
public class WorkbenchConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    bind("deadLetterSearch", new DeadLetterSearch(hub, bean("hubClock", Clock.class)));
    DeadLetterWorkbench workbench =
        bind(
            "deadLetterWorkbench",
            new DeadLetterWorkbench(
                context,
                hub,
                bean("canonicalSchemas", CanonicalSchemas.class),
                Duration.ofSeconds(settings.get(HubSettings.DEAD_LETTER_REPLAY_TIMEOUT_S)),
                bean("hubMetrics", HubMetrics.class),
                bean("sinks", Sinks.class)));
    String instance = settings.instanceId();
    BulkReplays bulk =
        bind(
            "bulkReplays",
            new BulkReplays(
                hub,
                workbench,
                context
                    .getExecutorServiceManager()
                    .newFixedThreadPool(BulkReplays.class, "bulk-replay", 2),
                instance));
    bulk.interruptLeftovers();
  }
}
