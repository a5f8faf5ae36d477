package at.telco.hub.source.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.canonical.MalformedMessageException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BillingXmlTest {

  static final String PLAIN =
      "<BillingEvent type=\"DUNNING_LEVEL_CHANGED\" seq=\"77\"><BaNo>BA0000001234</BaNo>"
          + "<OldLevel>2</OldLevel><NewLevel>3</NewLevel><OpenAmount currency=\"EUR\">7497</OpenAmount>"
          + "<ChangedAt>2026-11-20T02:00:00</ChangedAt></BillingEvent>";

  @Test
  void readsEveryTypeWithItsValuesInTheirTypes() {
    ObjectNode d = BillingXml.parse(77, "DUNNING_LEVEL_CHANGED", PLAIN);
    assertThat(d.path("baNo").asText()).isEqualTo("BA0000001234");
    assertThat(d.path("oldLevel").asInt()).isEqualTo(2);
    assertThat(d.path("newLevel").asInt()).isEqualTo(3);
    assertThat(d.path("openAmountCents").asLong()).isEqualTo(7497);
    assertThat(d.path("currency").asText()).isEqualTo("EUR");
    assertThat(d.path("changedAt").asText()).isEqualTo("2026-11-20T02:00:00");

    ObjectNode invoice =
        BillingXml.parse(
            78,
            "INVOICE_ISSUED",
            "<BillingEvent type=\"INVOICE_ISSUED\"><BaNo>BA0000001234</BaNo><InvoiceNo>INV0000000004711</InvoiceNo>"
                + "<Period from=\"2026-10-01\" to=\"2026-10-31\"/><Amount currency=\"EUR\" tax=\"417\">2499</Amount>"
                + "<DueDate>2026-11-14</DueDate><IssuedAt>2026-11-01T03:12:45</IssuedAt></BillingEvent>");
    assertThat(invoice.path("amountCents").asLong()).isEqualTo(2499);
    assertThat(invoice.path("taxCents").asLong()).isEqualTo(417);
    assertThat(invoice.path("periodTo").asText()).isEqualTo("2026-10-31");

    ObjectNode created =
        BillingXml.parse(
            79,
            "ACCOUNT_CREATED",
            "<BillingEvent type=\"ACCOUNT_CREATED\"><BaNo>BA0000001234</BaNo><CustNo>100042</CustNo>"
                + "<CreatedAt>2026-11-02T10:00</CreatedAt></BillingEvent>");
    assertThat(created.path("custNo").asLong()).isEqualTo(100042);
    assertThat(created.path("createdAt").asText()).isEqualTo("2026-11-02T10:00:00");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // a default namespace
        "<BillingEvent xmlns=\"urn:example:billing:events:v2\" type=\"DUNNING_LEVEL_CHANGED\"><BaNo>BA0000001234</BaNo>"
            + "<OldLevel>2</OldLevel><NewLevel>3</NewLevel><OpenAmount currency=\"EUR\">7497</OpenAmount>"
            + "<ChangedAt>2026-11-20T02:00:00</ChangedAt></BillingEvent>",
        // a prefix, an XML declaration
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><b:BillingEvent xmlns:b=\"urn:billing\" type=\"DUNNING_LEVEL_CHANGED\">"
            + "<b:BaNo>BA0000001234</b:BaNo><b:OldLevel>2</b:OldLevel><b:NewLevel>3</b:NewLevel>"
            + "<b:OpenAmount currency=\"EUR\">7497</b:OpenAmount><b:ChangedAt>2026-11-20T02:00:00</b:ChangedAt></b:BillingEvent>",
        // whitespace everywhere, another element order, a comment
        "\n  <BillingEvent   type=\" DUNNING_LEVEL_CHANGED \" >\n    <!-- from the nightly dunning run -->\n"
            + "    <ChangedAt>\n      2026-11-20T02:00:00\n    </ChangedAt>\n    <OpenAmount currency=\"EUR\"> 7497 </OpenAmount>\n"
            + "    <NewLevel>3</NewLevel>\n    <BaNo>  BA0000001234  </BaNo>\n    <OldLevel>2</OldLevel>\n  </BillingEvent>\n"
      })
  void namespacesWhitespaceAndElementOrderDoNotMatter(String xml) {
    assertThat(BillingXml.parse(77, "DUNNING_LEVEL_CHANGED", xml))
        .isEqualTo(BillingXml.parse(77, "DUNNING_LEVEL_CHANGED", PLAIN));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "BaNo>BA0000001234<|BaNo>BA12<|BaNo is not of the form",
        "<NewLevel>3</NewLevel>|<NewLevel>5</NewLevel>|NewLevel is out of range",
        "<NewLevel>3</NewLevel>|<NewLevel>drei</NewLevel>|NewLevel is not a whole number",
        "<NewLevel>3</NewLevel>||required element NewLevel is missing",
        "<NewLevel>3</NewLevel>|<NewLevel>  </NewLevel>|element NewLevel is empty",
        " currency=\"EUR\"||OpenAmount has no ISO 4217 currency",
        "2026-11-20T02:00:00|20.11.2026 02:00|ChangedAt is not a local date-time",
        "<OldLevel>2</OldLevel>|<OldLevel>2</OldLevel><OldLevel>1</OldLevel>|element OldLevel appears twice",
        "type=\"DUNNING_LEVEL_CHANGED\"|type=\"DUNNING\"|unknown or missing type attribute",
        "</BillingEvent>|</BillingEvent|not well-formed XML",
        "<BillingEvent |<Event |root element is not BillingEvent"
      })
  void strictAboutRequiredValuesAndSaysWhatIsWrongWithoutTheValue(String edit) {
    String[] e = edit.split("\\|", -1);
    String xml = PLAIN.replace(e[0], e[1]).replace("</BillingEvent></BillingEvent>", "");
    if (e[0].equals("<BillingEvent ")) {
      xml = xml.replace("</BillingEvent>", "</Event>");
    }
    String finalXml = xml;
    assertThatThrownBy(() -> BillingXml.parse(77, null, finalXml))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageStartingWith("billing event 77: ")
        .hasMessageContaining(e[2])
        .hasMessageNotContaining("drei")
        .hasMessageNotContaining("20.11.2026");
  }

  @Test
  void theTypeMustAgreeWithTheEventTypeColumn() {
    assertThatThrownBy(() -> BillingXml.parse(77, "INVOICE_ISSUED", PLAIN))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("disagrees with event_type");
  }

  @Test
  void noDtdsAndNoExternalEntities() {
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE BillingEvent [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + PLAIN.replace("BA0000001234", "&x;");
    assertThatThrownBy(() -> BillingXml.parse(77, null, xxe))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not well-formed XML")
        .hasMessageNotContaining("root:");
  }

  @Test
  void anEmptyPayloadIsMalformed() {
    assertThatThrownBy(() -> BillingXml.parse(77, null, "  "))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("billing event 77: payload is empty");
  }

  @Test
  void anOversizedPayloadIsMalformedWithoutBeingParsed() {
    String huge =
        PLAIN.replace(
            "<BillingEvent",
            "<!-- " + "x".repeat(BillingXml.MAX_PAYLOAD_CHARS) + " --><BillingEvent");
    assertThatThrownBy(() -> BillingXml.parse(77, null, huge))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage(
            "billing event 77: payload is "
                + huge.length()
                + " characters, more than the 65536 a billing event may have");
  }
}
