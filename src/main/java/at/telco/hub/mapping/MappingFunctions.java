package at.telco.hub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.schibsted.spt.data.jslt.Function;
import java.util.List;

/**
 * The rules that need code, offered to the JSLT mappings in {@code transformers/} as functions.
 * Each is a thin wrapper around a named, unit-tested Java function.
 */
public final class MappingFunctions {

  private MappingFunctions() {}

  public static List<Function> all(Languages languages) {
    return List.of(
        fn(
            "e164",
            1,
            1,
            a -> text(PhoneNumbers.toE164(a[0].isNull() ? null : a[0].asText()).orElse(null))),
        fn(
            "primary-contact",
            1,
            1,
            a -> CrmSelection.primaryContact(a[0]).orElse(NullNode.instance)),
        fn(
            "latest-address",
            2,
            2,
            a -> CrmSelection.latestAddress(a[0], a[1].asText()).orElse(NullNode.instance)),
        fn("name-line1", 1, 1, a -> text(NameLines.split(str(a[0])).line1())),
        fn(
            "vienna-instant",
            1,
            1,
            a -> text(str(a[0]) == null ? null : ViennaTime.parse(str(a[0])).toString())),
        fn("cents-to-amount", 1, 1, a -> Money.amount(a[0])),
        fn("amount-to-cents", 1, 1, a -> Money.cents(a[0])),
        fn("name-line2", 1, 1, a -> text(NameLines.split(str(a[0])).line2())),
        fn("country-alpha3", 1, 1, a -> text(Countries.alpha3(str(a[0])))),
        fn("billing-locale", 1, 1, a -> text(languages.billingLocale(str(a[0])))),
        fn("bcp47", 1, 1, a -> text(languages.bcp47(str(a[0])))),
        fn(
            "max-length",
            3,
            3,
            a -> {
              // max-length(value, limit, field): the value, or a clear error; never a silent cut
              String v = str(a[0]);
              int limit = a[1].asInt();
              if (v != null && v.codePointCount(0, v.length()) > limit) {
                throw new MappingException(
                    a[2].asText(),
                    "is "
                        + v.codePointCount(0, v.length())
                        + " characters; the target takes at most "
                        + limit);
              }
              return text(v);
            }));
  }

  private static String str(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
  }

  private static JsonNode text(String s) {
    return s == null ? NullNode.instance : TextNode.valueOf(s);
  }

  private interface Body {
    JsonNode call(JsonNode[] args);
  }

  private static Function fn(String name, int min, int max, Body body) {
    return new Function() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public int getMinArguments() {
        return min;
      }

      @Override
      public int getMaxArguments() {
        return max;
      }

      @Override
      public JsonNode call(JsonNode input, JsonNode[] arguments) {
        return body.call(arguments);
      }
    };
  }
}
