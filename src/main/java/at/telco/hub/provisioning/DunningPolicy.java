package at.telco.hub.provisioning;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Flow 3 (FLOWS.md): what a change of a billing account's dunning level means for the network.
 *
 * <ul>
 *   <li>crossing from below 3 to 3 or more: BAR_OUTGOING for every ACTIVE service of the account;
 *   <li>back to 0: UNBAR for the services the hub barred for dunning, and only those (a barring the
 *       hub did not make, such as fraud, is never lifted);
 *   <li>anything else (2 -> 1, 3 -> 4, 4 -> 3 ...): no command.
 * </ul>
 *
 * A command's id is derived from its cause (billing account, service, billing event, command), so
 * reprocessing the same billing event gives the same id.
 */
public final class DunningPolicy {

  public static final String BAR = "BAR_OUTGOING";
  public static final String UNBAR = "UNBAR";
  public static final int BARRING_LEVEL = 3;

  private DunningPolicy() {}

  /** A service of the account, as customerdb has it. */
  public record Service(String serviceId, String msisdn, String status) {}

  /** A barring the hub made for dunning and has not lifted yet. */
  public record HubBarring(UUID commandId, String serviceId, String msisdn) {}

  /** A command to send. */
  public record Command(
      UUID commandId,
      String command,
      String baNo,
      String serviceId,
      String msisdn,
      String reason,
      long causeEventSeq,
      UUID lifts) {}

  public static List<Command> decide(
      String baNo,
      long eventSeq,
      int fromLevel,
      int toLevel,
      List<Service> services,
      List<HubBarring> hubBarrings) {
    List<Command> commands = new ArrayList<>();
    if (fromLevel < BARRING_LEVEL && toLevel >= BARRING_LEVEL) {
      for (Service s : services) {
        if ("ACTIVE".equals(s.status())) {
          commands.add(
              new Command(
                  commandId(baNo, s.serviceId(), eventSeq, BAR),
                  BAR,
                  baNo,
                  s.serviceId(),
                  s.msisdn(),
                  "DUNNING_LEVEL_" + toLevel,
                  eventSeq,
                  null));
        }
      }
    } else if (fromLevel > 0 && toLevel == 0) {
      for (HubBarring b : hubBarrings) {
        commands.add(
            new Command(
                commandId(baNo, b.serviceId(), eventSeq, UNBAR),
                UNBAR,
                baNo,
                b.serviceId(),
                b.msisdn(),
                "DUNNING_SETTLED",
                eventSeq,
                b.commandId()));
      }
    }
    return commands;
  }

  public static UUID commandId(String baNo, String serviceId, long eventSeq, String command) {
    return UUID.nameUUIDFromBytes(
        ("hub:" + baNo + ":" + serviceId + ":" + eventSeq + ":" + command)
            .getBytes(StandardCharsets.UTF_8));
  }
}
