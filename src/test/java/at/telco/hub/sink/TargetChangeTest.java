package at.telco.hub.sink;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.canonical.CanonicalEvent;
import at.telco.hub.canonical.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A Kafka record's bytes read as a canonical event, and the text a dead letter keeps of them. */
class TargetChangeTest {

  private static final String EVENT =
      "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"crm\",\"type\":\"CustomerUpdateEvent\","
          + "\"subject\":\"ACC-1\",\"data\":{\"name\":\"Jürgen Müller-Đorđević\"}}";

  @Test
  void bytesAreParsedAsUtf8AndKeptAsTheSameText() {
    TargetChange change =
        TargetChange.read("customerdb", EVENT.getBytes(StandardCharsets.UTF_8), null);

    assertThat(change.readable()).isTrue();
    assertThat(change.event().subject()).isEqualTo("ACC-1");
    assertThat(change.event().data().path("name").asText()).isEqualTo("Jürgen Müller-Đorđević");
    assertThat(change.rawBody()).isEqualTo(EVENT);
  }

  @Test
  void bytesThatAreNotUtf8AreAMalformedMessageAndKeptForTheDeadLetter() {
    byte[] latin1 = EVENT.getBytes(StandardCharsets.ISO_8859_1);

    TargetChange change = TargetChange.read("customerdb", latin1, null);

    assertThat(change.readable()).isFalse();
    assertThat(change.failure()).isInstanceOf(MalformedMessageException.class);
    assertThat(change.rawBody()).contains("\"subject\":\"ACC-1\"");
  }

  @Test
  void anEventMadeHereHasItsJsonAsText() {
    CanonicalEvent event = CanonicalEvent.parse(EVENT);

    TargetChange change = TargetChange.of("billing", event);

    assertThat(change.rawBody()).isEqualTo(event.toJson());
    assertThat(CanonicalEvent.parse(change.rawBody()).id()).isEqualTo("e-1");
  }
}
