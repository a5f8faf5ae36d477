package at.telco.hub.embedded;

import at.telco.hub.platform.ArtemisManagement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.security.Role;

/**
 * Who may do what on the hub's Artemis broker: the hub's user (role {@value #HUB_ROLE}) only on the
 * hub's own addresses - its dead-letter queues ({@code <hub.dead-letter.queue-prefix>#}, which also
 * holds the broker's own dead-letter address {@code DLQ.broker}), its parking queues ({@code
 * PARK.#}), the replies to its management requests ({@value ArtemisManagement#REPLY_PREFIX}{@code
 * #}) - and, of the broker's management, only listing queue names, removing messages of those
 * queues, counting and releasing parked ones; nothing anywhere else (no other application's
 * address, no broker management). An optional administrator (role {@value #ADMIN_ROLE}) may do
 * everything. The same {@code <security-settings>} are in deploy/ha's broker.xml parts
 * (ArtemisHaConfigTest compares).
 */
public final class ArtemisSecurity {

  /** The role of the hub's own broker user. */
  public static final String HUB_ROLE = "telco-hub";

  /** The role of a broker administrator (every permission). */
  public static final String ADMIN_ROLE = "broker-admin";

  /** The user name of the embedded broker's optional administrator. */
  public static final String ADMIN_USER = "admin";

  /** The parking queues' namespace (the address settings of {@code PARK.#} keep them waiting). */
  public static final String PARKING_NAMESPACE = "PARK.";

  /** The broker's prefix for management-message RBAC ({@code management-rbac-prefix}). */
  public static final String MANAGEMENT_RBAC_PREFIX = "mops";

  private ArtemisSecurity() {}

  /**
   * The security settings (address match -> roles) for the hub's addresses; every match also lets
   * the administrator role do everything (a broker uses only the most specific match).
   */
  public static Map<String, Set<Role>> settings(String deadLetterPrefix, String parkingQueue) {
    Map<String, Set<Role>> s = new LinkedHashMap<>();
    // every address: nothing for the hub
    s.put("#", Set.of(admin()));
    // the hub's queues: send, consume, browse, create (auto-created on first use); no deletion
    for (String queues : hubQueues(deadLetterPrefix, parkingQueue)) {
      s.put(queues, Set.of(admin(), hub(true, false, false, false)));
    }
    s.put(ArtemisManagement.REPLY_PREFIX + "#", Set.of(admin(), hub(true, false, false, false)));
    // management requests may be sent; what they may do is checked per resource and method below
    s.put(ArtemisManagement.ADDRESS, Set.of(admin(), hub(false, true, false, false)));
    s.put(
        MANAGEMENT_RBAC_PREFIX + ".broker.getQueueNames",
        Set.of(admin(), hub(false, false, true, false)));
    // of the hub's queues (one or two words after the prefix: DLQ.billing, DLQ.customerdb.service,
    // PARK.network-inventory) only the operations the hub uses: remove (purge after a replay,
    // erasure) and, on the parking
    // queues, count (hub_parked_messages) and deliver scheduled messages now (release parked
    // events)
    String q = MANAGEMENT_RBAC_PREFIX + ".queue.";
    for (String queues : managedQueues(deadLetterPrefix, parkingQueue)) {
      s.put(q + queues + ".removeMessages", Set.of(admin(), hub(false, false, false, true)));
    }
    for (String queues : managedQueues(null, parkingQueue)) {
      s.put(q + queues + ".getMessageCount", Set.of(admin(), hub(false, false, true, false)));
      s.put(
          q + queues + ".listScheduledMessagesAsJSON",
          Set.of(admin(), hub(false, false, true, false)));
      s.put(
          q + queues + ".deliverScheduledMessages",
          Set.of(admin(), hub(false, false, false, true)));
    }
    return s;
  }

  /** The address matches of the hub's own queues. */
  static Set<String> hubQueues(String deadLetterPrefix, String parkingQueue) {
    java.util.LinkedHashSet<String> q = new java.util.LinkedHashSet<>();
    q.add(deadLetterPrefix + "#");
    q.add(PARKING_NAMESPACE + "#");
    if (!parkingQueue.startsWith(PARKING_NAMESPACE)) {
      q.add(parkingQueue);
    }
    return q;
  }

  /** The management names of the hub's queues (dead letters unless the prefix is null, parking). */
  static Set<String> managedQueues(String deadLetterPrefix, String parkingQueue) {
    java.util.LinkedHashSet<String> q = new java.util.LinkedHashSet<>();
    if (deadLetterPrefix != null) {
      // a target's name is one or two words (billing, customerdb.service)
      q.add(deadLetterPrefix + "*");
      q.add(deadLetterPrefix + "*.*");
    }
    q.add(PARKING_NAMESPACE + "*");
    if (!parkingQueue.startsWith(PARKING_NAMESPACE)) {
      q.add(parkingQueue);
    }
    return q;
  }

  /** {@code queues}: send, consume, browse and create (queue and address); never delete. */
  private static Role hub(boolean queues, boolean manage, boolean view, boolean edit) {
    return new Role(
        HUB_ROLE, queues, // send
        queues, // consume
        queues, // createDurableQueue
        false, // deleteDurableQueue
        false, // createNonDurableQueue
        false, // deleteNonDurableQueue
        manage, // manage
        queues, // browse
        queues, // createAddress
        false, // deleteAddress
        view, // view (management-message RBAC)
        edit); // edit
  }

  private static Role admin() {
    return new Role(
        ADMIN_ROLE, true, true, true, true, true, true, true, true, true, true, true, true);
  }
}
