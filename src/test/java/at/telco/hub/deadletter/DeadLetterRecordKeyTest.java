package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalTypes;
import org.junit.jupiter.api.Test;

/** Which dead letters are states of one record (and so replace each other): issue 23. */
class DeadLetterRecordKeyTest {

  @Test
  void snapshotEventsOfOneEntityAreOneRecord() {
    assertThat(DeadLetters.recordKey(CanonicalTypes.CUSTOMER_CHANGE, "ACC-1", "BA-1", null))
        .isEqualTo("customer:ACC-1");
    // a delete is a state of the same customer
    assertThat(DeadLetters.recordKey(CanonicalTypes.CUSTOMER_DELETE, "ACC-1", null, null))
        .isEqualTo("customer:ACC-1");
    assertThat(DeadLetters.recordKey(CanonicalTypes.BILLING_ACCOUNT_CHANGE, null, "BA-1", null))
        .isEqualTo("billing-account:BA-1");
    assertThat(DeadLetters.recordKey(CanonicalTypes.SERVICE_CHANGE, null, "BA-1", "436641"))
        .isEqualTo("service:436641");
  }

  @Test
  void billsSourceRecordsAndCommandsAreNeverReplaced() {
    // every bill is its own: two bills of one account do not replace each other
    assertThat(DeadLetters.recordKey(CanonicalTypes.CUSTOMER_BILL_CREATE, null, "BA-1", null))
        .isNull();
    // no canonical event (a source record, a provisioning command)
    assertThat(DeadLetters.recordKey(null, "ACC-1", "BA-1", "436641")).isNull();
    // the key the record is named by is missing
    assertThat(DeadLetters.recordKey(CanonicalTypes.CUSTOMER_CHANGE, null, "BA-1", null)).isNull();
  }
}
