package at.telco.hub.deadletter;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.config.HubSettings;
import at.telco.hub.observe.HubMetrics;
import at.telco.hub.observe.KeyHash;
import at.telco.hub.observe.Observations;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Dead letters as every flow stores them: on Artemis ({@code DLQ.<target>}) with their index in the
 * hub database (routes/dead-letters.camel.yaml), the attempt counter of the redelivery policies,
 * the queue purge, and the depth and age of each target's dead letters for operations (each flow's
 * area declares its targets).
 *
 * <p>Binds {@code deadLetters}, {@code failureCounter}, {@code deadLetterQueue}.
 */
public class DeadLetterConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    Clock clock = bean("hubClock", Clock.class);
    bind(
        "deadLetters",
        new DeadLetters(
            hub, bean("hubMetrics", HubMetrics.class), clock, bean("keyHash", KeyHash.class)));
    bind("failureCounter", new FailureCounter(clock));
    bind(
        "deadLetterQueue",
        new DeadLetterQueue(
            hub,
            bean("artemisConnectionFactory", JmsPoolConnectionFactory.class),
            settings.get(HubSettings.DEAD_LETTER_QUEUE_PREFIX),
            settings.get(HubSettings.DEAD_LETTER_PURGE_BATCH_SIZE)));
    bean("hubObservations", Observations.class)
        .deadLetters(
            hub,
            List.of(),
            settings.get(HubSettings.OBSERVE_DEAD_LETTERS_ATTENTION_ABOVE),
            settings
                .get(HubSettings.DEAD_LETTER_RETENTION)
                .minus(settings.get(HubSettings.DEAD_LETTER_RETENTION_WARNING)));
  }
}
