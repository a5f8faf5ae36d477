package at.telco.hub.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.canonical.SnapshotVersion.Order;
import org.junit.jupiter.api.Test;

class SnapshotVersionTest {

  private static Order order(String incoming, String applied) {
    return SnapshotVersion.parse(incoming).comparedTo(SnapshotVersion.parse(applied));
  }

  @Test
  void aLaterSnapshotIsNewer() {
    assertThat(order("110:120:", "100:105:")).isEqualTo(Order.NEWER);
    assertThat(order("100:105:", "110:120:")).isEqualTo(Order.OLDER);
    assertThat(order("100:105:102", "100:105:102")).isEqualTo(Order.SAME);
  }

  @Test
  void aTransactionThatCommittedInBetweenMakesTheLaterOneNewerAtTheSameXmax() {
    // 102 was running for the first snapshot and had committed by the second
    assertThat(order("100:105:", "100:105:102")).isEqualTo(Order.NEWER);
    assertThat(order("100:105:102", "100:105:")).isEqualTo(Order.OLDER);
  }

  @Test
  void aTransactionStillRunningAcrossBothSnapshotsDoesNotMatter() {
    assertThat(order("749:768:749", "749:754:749")).isEqualTo(Order.NEWER);
  }

  @Test
  void theReadersOwnTransactionCountsAsRunning() {
    // two hub instances claim changes at once: 752 reads first, then 760 reads while 752 runs
    SnapshotVersion first = SnapshotVersion.ofOwnSnapshot("749:754:749", "752");
    SnapshotVersion second = SnapshotVersion.ofOwnSnapshot("749:768:749,752", "760");
    assertThat(first.token()).isEqualTo("749:754:749,752");
    assertThat(second.comparedTo(first)).isEqualTo(Order.NEWER);
    assertThat(first.comparedTo(second)).isEqualTo(Order.OLDER);
  }

  @Test
  void withoutCountingTheOwnTransactionTheSameTwoReadsWouldNotBeOrdered() {
    // what PostgreSQL reports on its own: the first reader's 752 looks committed to it
    assertThat(order("752:768:752", "749:754:749")).isEqualTo(Order.INCOMPARABLE);
  }

  @Test
  void ownTransactionOutsideTheSnapshotRangeChangesNothing() {
    assertThat(SnapshotVersion.ofOwnSnapshot("749:754:", "760").token()).isEqualTo("749:754:");
    assertThat(SnapshotVersion.ofOwnSnapshot("749:754:", null).token()).isEqualTo("749:754:");
  }

  @Test
  void snapshotsOfDifferentHistoriesCannotBeOrdered() {
    // each sees something the other does not
    assertThat(order("100:110:105", "100:110:106")).isEqualTo(Order.INCOMPARABLE);
  }

  @Test
  void parsesAndPrintsPostgresTextForm() {
    assertThat(SnapshotVersion.parse("10:20:15,12").token()).isEqualTo("10:20:12,15");
    assertThat(SnapshotVersion.isValid("10:20:")).isTrue();
    assertThat(SnapshotVersion.isValid("20:10:")).isFalse();
    assertThat(SnapshotVersion.isValid("abc")).isFalse();
    assertThatThrownBy(() -> SnapshotVersion.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesEverythingThatIsNotExactlyThreeFieldsOfNumbers() {
    assertThat(SnapshotVersion.parse(" 7:9:8 ").token()).isEqualTo("7:9:8");
    assertThat(SnapshotVersion.parse("10:20:19,11,15").token()).isEqualTo("10:20:11,15,19");
    for (String bad :
        new String[] {
          "",
          "10",
          "10:20",
          "10:20:15:16",
          ":20:",
          "10::",
          "10:20:15,,16",
          "10:20:15,",
          "10:20:,15",
          "10:x:",
          "10:20:15;16"
        }) {
      assertThat(SnapshotVersion.tryParse(bad)).as(bad).isNull();
      assertThat(SnapshotVersion.isValid(bad)).as(bad).isFalse();
    }
    assertThat(SnapshotVersion.tryParse(null)).isNull();
  }

  @Test
  void aHistoryOfSnapshotsIsTotallyOrdered() {
    // transactions 101..105 commit in the order 102, 101, 104, 103, 105; a snapshot after each
    String[] chain = {"101:101:", "101:103:101", "103:103:", "103:105:103", "105:105:", "106:106:"};
    for (int i = 0; i < chain.length; i++) {
      for (int j = i + 1; j < chain.length; j++) {
        assertThat(order(chain[j], chain[i]))
            .as(chain[j] + " vs " + chain[i])
            .isEqualTo(Order.NEWER);
        assertThat(order(chain[i], chain[j]))
            .as(chain[i] + " vs " + chain[j])
            .isEqualTo(Order.OLDER);
      }
    }
  }
}
