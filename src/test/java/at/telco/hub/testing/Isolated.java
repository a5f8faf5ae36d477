package at.telco.hub.testing;

import java.util.List;
import java.util.Properties;

/**
 * Settings for a hub that runs beside the shared one without touching its work: every canonical and
 * network topic and every consumer group under its own prefix.
 */
public final class Isolated {

  private Isolated() {}

  public static Properties topicsAndGroups(Properties p, String prefix) {
    for (String topic :
        List.of(
            "hub.kafka.topic.customer",
            "hub.kafka.topic.billing",
            "hub.kafka.topic.service",
            "hub.network.topic.inventory",
            "hub.network.topic.commands",
            "hub.network.topic.results")) {
      p.setProperty(topic, prefix + "." + topic);
    }
    for (String group :
        List.of(
            "hub.target.customerdb.group",
            "hub.target.billing.group",
            "hub.target.billing-account.group",
            "hub.target.crm-notes.group",
            "hub.target.barring.group",
            "hub.target.service.group",
            "hub.network.inventory.group",
            "hub.network.results.group")) {
      p.setProperty(group, prefix + "-" + group);
    }
    return p;
  }
}
