package at.telco.hub.sink;

import at.telco.hub.config.AreaConfiguration;
import at.telco.hub.observe.HubMetrics;
import javax.sql.DataSource;

/**
 * What the target writers share: the versions the hub applied per target and key ({@code
 * hub.target_state}), the Kafka batches of the target routes (read, commit, rewind), and the
 * supersession of dead letters by a newer applied version.
 *
 * <p>Binds {@code targetStates}, {@code kafkaBatches}, {@code deadLetterSupersession}.
 */
public class SinkConfiguration extends AreaConfiguration {

  @Override
  protected void wire() throws Exception {
    DataSource hub = bean("hubDataSource", DataSource.class);
    bind("targetStates", new TargetStates(hub));
    bind("kafkaBatches", new KafkaBatches(context, bean("hubMetrics", HubMetrics.class)));
    bind("deadLetterSupersession", new DeadLetterSupersession(hub));
  }
}
