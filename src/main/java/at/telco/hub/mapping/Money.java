package at.telco.hub.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;

/**
 * Billing keeps integer cents; TM Forum's Money is a decimal value. Converted exactly, never
 * through floating point.
 */
public final class Money {

  private Money() {}

  /** 2499 -> 24.99 */
  public static JsonNode amount(JsonNode cents) {
    if (cents == null || cents.isNull() || cents.isMissingNode()) {
      return NullNode.instance;
    }
    if (!cents.isIntegralNumber()) {
      throw new MappingException("amount", "in cents is not a whole number");
    }
    return DecimalNode.valueOf(BigDecimal.valueOf(cents.asLong(), 2));
  }

  /** 24.99 -> 2499; an amount with fractions of a cent is an error. */
  public static JsonNode cents(JsonNode amount) {
    if (amount == null || amount.isNull() || amount.isMissingNode()) {
      return NullNode.instance;
    }
    // via the text for doubles: 24.99 as a double is not exactly 24.99
    BigDecimal value =
        amount.isBigDecimal() ? amount.decimalValue() : new BigDecimal(amount.asText());
    try {
      return LongNode.valueOf(value.movePointRight(2).longValueExact());
    } catch (ArithmeticException e) {
      throw new MappingException("amount", "has fractions of a cent");
    }
  }
}
