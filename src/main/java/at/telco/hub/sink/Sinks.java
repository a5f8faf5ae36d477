package at.telco.hub.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * The declared sinks of this installation ({@code sinks/*.yaml}) and their writers: the bean the
 * shared sink routes call ({@code direct:sink-one}, {@code -replay}, {@code -resync}), and the
 * source of the parameters Camel creates each sink's route from (the route template {@code sink} of
 * routes/sinks.camel.yaml, one route {@code sink-<name>} per declaration).
 */
public final class Sinks implements RouteTemplateParameterSource {

  /** The route template each declaration becomes a route of. */
  public static final String TEMPLATE = "sink";

  /** Exchange property: the sink a change is for (as the dead letters name their target). */
  public static final String TARGET = "hubTarget";

  private final Map<String, SinkWriter> writers = new LinkedHashMap<>();
  private final Map<String, Integer> batchSizes = new LinkedHashMap<>();

  /** The sinks of these writers (tools and benchmarks; the hub's are made from sinks/). */
  public static Sinks of(Collection<SinkWriter> writers) {
    Sinks sinks = new Sinks();
    writers.forEach(w -> sinks.add(w, 1));
    return sinks;
  }

  void add(SinkWriter writer, int batchSize) {
    String name = writer.sink().name();
    if (writers.containsKey(name)) {
      throw new IllegalArgumentException("two sinks are named " + name);
    }
    writers.put(name, writer);
    batchSizes.put(name, batchSize);
  }

  /** The writer of a sink, or an error naming the sinks there are. */
  public SinkWriter writer(String name) {
    SinkWriter w = writers.get(name);
    if (w == null) {
      throw new IllegalArgumentException(
          "no sink " + name + " is declared (sinks: " + writers.keySet() + ")");
    }
    return w;
  }

  public boolean has(String name) {
    return writers.containsKey(name);
  }

  public Collection<SinkWriter> all() {
    return writers.values();
  }

  /** The sinks of one canonical entity ({@code customer}, {@code billing}, {@code service}). */
  public List<SinkWriter> ofEntity(String entity) {
    List<SinkWriter> out = new ArrayList<>();
    for (SinkWriter w : writers.values()) {
      if (w.sink().entity().equals(entity)) {
        out.add(w);
      }
    }
    return out;
  }

  /** The sinks reconciliation compares with {@code master} ({@code crm}, {@code billing}). */
  public List<SinkWriter> reconciledWith(String master) {
    List<SinkWriter> out = new ArrayList<>();
    for (SinkWriter w : writers.values()) {
      if (w.sink().reconcile() != null && master.equals(w.sink().reconcile().from())) {
        out.add(w);
      }
    }
    return out;
  }

  /** A batch of changes for the sink the exchange names ({@link #TARGET}); see the writer. */
  public List<TargetChange> applyBatch(Exchange exchange) {
    @SuppressWarnings("unchecked")
    List<TargetChange> changes = exchange.getMessage().getBody(List.class);
    return writer(exchange.getProperty(TARGET, String.class)).applyBatch(changes);
  }

  /** One change for the sink the exchange names ({@link #TARGET}); throws why it cannot be. */
  public void applyOne(Exchange exchange) {
    TargetChange change = exchange.getMessage().getBody(TargetChange.class);
    if (change == null) {
      throw new IllegalArgumentException("a sink change is a TargetChange");
    }
    writer(exchange.getProperty(TARGET, String.class)).applyOne(change);
  }

  @Override
  public Map<String, Object> parameters(String routeId) {
    SinkWriter writer = writers.get(routeId.substring("sink-".length()));
    SinkDeclaration sink = writer.sink();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(TEMPLATE_ID, TEMPLATE);
    p.put("name", sink.name());
    p.put("topic", sink.topic());
    p.put("group", sink.group());
    p.put("batchSize", batchSizes.get(sink.name()));
    return p;
  }

  @Override
  public Set<String> routeIds() {
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (SinkWriter w : writers.values()) {
      ids.add(w.sink().routeId());
    }
    return ids;
  }
}
