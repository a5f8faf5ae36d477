package at.telco.hub.consistency;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the routes that depend on a drifted schema from running: a route whose tables drift when
 * the hub starts is not started, a running one is stopped when drift appears (at the next check),
 * and the routes this guard held back are started again once the schema fits. So a drifted column
 * stops its flow as a whole, with the reason in the log and in health, instead of failing row by
 * row into the dead-letter queues.
 */
public final class DriftGuard implements RoutePolicyFactory {

  private static final Logger LOG = LoggerFactory.getLogger(DriftGuard.class);

  private final SchemaDrift drift;
  private final Set<String> stoppedByGuard = ConcurrentHashMap.newKeySet();

  public DriftGuard(SchemaDrift drift) {
    this.drift = drift;
  }

  @Override
  public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
    return new RoutePolicySupport() {
      @Override
      public void onInit(Route r) {
        // before Camel (or its supervising route controller) starts it
        String why = drift.blockedRoutes().get(r.getRouteId());
        if (why != null) {
          LOG.error("route {} does not start: schema drift: {}", r.getRouteId(), why);
          stoppedByGuard.add(r.getRouteId());
          r.setAutoStartup(false);
        }
      }
    };
  }

  /**
   * Puts this guard first among the route policy factories, so it decides before the supervising
   * route controller takes a route under supervision (which it does only for auto-started routes).
   */
  public void install(CamelContext context) {
    context.getRoutePolicyFactories().add(0, this);
  }

  /** Checks the schemas now and stops or starts the routes that depend on them. */
  public void check(CamelContext context) {
    drift.check();
    Map<String, String> blocked = drift.blockedRoutes();
    for (Route route : context.getRoutes()) {
      String id = route.getRouteId();
      ServiceStatus status = context.getRouteController().getRouteStatus(id);
      try {
        if (blocked.containsKey(id)) {
          if (status != null && status.isStarted()) {
            LOG.error("stopping route {}: schema drift: {}", id, blocked.get(id));
            stoppedByGuard.add(id);
            context.getRouteController().stopRoute(id);
          }
        } else if (stoppedByGuard.contains(id) && (status == null || !status.isStarted())) {
          LOG.info("starting route {} again: its schemas fit the contract", id);
          context.getRouteController().startRoute(id);
          stoppedByGuard.remove(id);
        }
      } catch (Exception e) {
        LOG.warn("route {} could not be stopped or started: {}", id, e.getMessage());
      }
    }
  }

  /** The routes this guard holds stopped. */
  public Set<String> stopped() {
    return Set.copyOf(stoppedByGuard);
  }
}
