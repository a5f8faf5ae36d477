package at.telco.hub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.provisioning.DunningPolicy.Command;
import at.telco.hub.provisioning.DunningPolicy.HubBarring;
import at.telco.hub.provisioning.DunningPolicy.Service;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DunningPolicyTest {

  static final List<Service> SERVICES =
      List.of(
          new Service("SRV-1", "+436641111111", "ACTIVE"),
          new Service("SRV-2", "+436642222222", "BARRED"), // barred by fraud, not by the hub
          new Service("SRV-3", "+436643333333", "ACTIVE"),
          new Service("SRV-4", "+436644444444", "TERMINATED"));

  static final List<HubBarring> HUB_BARRINGS =
      List.of(new HubBarring(UUID.randomUUID(), "SRV-1", "+436641111111"));

  @Test
  void crossingToLevelThreeBarsEveryActiveServiceAndNothingElse() {
    List<Command> c = DunningPolicy.decide("BA0000000001", 42, 2, 3, SERVICES, HUB_BARRINGS);
    assertThat(c).extracting(Command::command).containsOnly("BAR_OUTGOING");
    assertThat(c).extracting(Command::serviceId).containsExactly("SRV-1", "SRV-3");
    assertThat(c).extracting(Command::reason).containsOnly("DUNNING_LEVEL_3");
  }

  @Test
  void aJumpFromOneToFourCrossesThreeAndBars() {
    List<Command> c = DunningPolicy.decide("BA0000000001", 43, 1, 4, SERVICES, HUB_BARRINGS);
    assertThat(c).extracting(Command::serviceId).containsExactly("SRV-1", "SRV-3");
    assertThat(c).extracting(Command::reason).containsOnly("DUNNING_LEVEL_4");
  }

  @Test
  void movingWithinTheBarredLevelsOrDownButNotToZeroSendsNothing() {
    assertThat(DunningPolicy.decide("BA0000000001", 44, 3, 4, SERVICES, HUB_BARRINGS)).isEmpty();
    assertThat(DunningPolicy.decide("BA0000000001", 45, 4, 3, SERVICES, HUB_BARRINGS)).isEmpty();
    // a partial payment: 3 -> 1 is no reason to unbar
    assertThat(DunningPolicy.decide("BA0000000001", 46, 3, 1, SERVICES, HUB_BARRINGS)).isEmpty();
    assertThat(DunningPolicy.decide("BA0000000001", 47, 0, 2, SERVICES, HUB_BARRINGS)).isEmpty();
  }

  @Test
  void backToZeroUnbarsOnlyWhatTheHubBarred() {
    List<Command> c = DunningPolicy.decide("BA0000000001", 48, 3, 0, SERVICES, HUB_BARRINGS);
    assertThat(c).extracting(Command::command).containsOnly("UNBAR");
    assertThat(c).extracting(Command::serviceId).containsExactly("SRV-1");
    assertThat(c.get(0).lifts()).isEqualTo(HUB_BARRINGS.get(0).commandId());
    assertThat(DunningPolicy.decide("BA0000000001", 49, 3, 0, SERVICES, List.of())).isEmpty();
  }

  @Test
  void commandIdsAreDerivedFromTheirCause() {
    UUID a = DunningPolicy.decide("BA0000000001", 42, 2, 3, SERVICES, List.of()).get(0).commandId();
    UUID again =
        DunningPolicy.decide("BA0000000001", 42, 2, 3, SERVICES, List.of()).get(0).commandId();
    UUID otherEvent =
        DunningPolicy.decide("BA0000000001", 50, 2, 3, SERVICES, List.of()).get(0).commandId();
    assertThat(again).isEqualTo(a);
    assertThat(otherEvent).isNotEqualTo(a);
    assertThat(DunningPolicy.commandId("BA0000000001", "SRV-1", 42, "UNBAR")).isNotEqualTo(a);
  }
}
