package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeadLetterFilterTest {

  @Test
  void statusesAreOpenByDefaultAllOrAList() {
    assertThat(DeadLetterFilter.statuses(null)).isEqualTo(DeadLetterFilter.OPEN);
    assertThat(DeadLetterFilter.statuses("all")).isEqualTo(DeadLetterFilter.ALL);
    assertThat(DeadLetterFilter.statuses("replayed, discarded"))
        .containsExactly("DISCARDED", "REPLAYED");
    assertThatThrownBy(() -> DeadLetterFilter.statuses("lost"))
        .hasMessageContaining("'lost' is not one of");
  }

  @Test
  void aBusinessKeyIsLookedUpInEveryKeyColumnAndAsCustomerIdWhenItIsOne() {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder();
    UUID id = UUID.randomUUID();
    new DeadLetterFilter("billing", id.toString(), "50%_off", null, DeadLetterFilter.OPEN)
        .where(sql, params);
    assertThat(sql.toString())
        .contains("d.crm_account_id = ?")
        .contains("d.billing_account = ?")
        .contains("d.msisdn = ?")
        .contains("d.customer_id = ?")
        .contains("d.reason ILIKE ?");
    assertThat(params).contains(id, "%50\\%\\_off%");
    params.clear();
    new DeadLetterFilter(null, "ACC-000000000001", null, null, DeadLetterFilter.OPEN)
        .where(sql = new StringBuilder(), params);
    assertThat(sql.toString()).doesNotContain("customer_id");
  }

  @Test
  void anMsisdnIsSearchedAsE164() {
    assertThat(DeadLetterFilter.msisdn("0043 664 1234567")).isEqualTo("+436641234567");
    assertThat(DeadLetterFilter.msisdn("436641234567")).isEqualTo("+436641234567");
    assertThat(DeadLetterFilter.msisdn("+43 (664) 123-4567")).isEqualTo("+436641234567");
  }
}
