package at.telco.hub.source.billing;

import at.telco.hub.canonical.Json;
import at.telco.hub.canonical.MalformedMessageException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads billing's event XML (billing.sql): tolerant of namespaces, whitespace and element order,
 * strict about required values. The result is a flat JSON document with the event's values in their
 * types (levels as numbers, amounts as integer cents, Vienna local times as they are), for the
 * mapping {@code transformers/billing-to-canonical-billing-account.jslt}. No DTDs, no external
 * entities.
 */
public final class BillingXml {

  public static final Set<String> TYPES =
      Set.of(
          "ACCOUNT_CREATED",
          "INVOICE_ISSUED",
          "PAYMENT_RECEIVED",
          "DUNNING_LEVEL_CHANGED",
          "ACCOUNT_STATUS_CHANGED");

  private static final Pattern BA_NO = Pattern.compile("BA\\d{10}");
  private static final Pattern INVOICE_NO = Pattern.compile("INV\\d{13}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Set<String> ACCOUNT_STATUS = Set.of("ACTIVE", "BARRED", "CLOSED");

  private static final DocumentBuilderFactory FACTORY = factory();

  private BillingXml() {}

  private static DocumentBuilderFactory factory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setExpandEntityReferences(false);
    f.setXIncludeAware(false);
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    return f;
  }

  /** The longest payload that is parsed at all. */
  public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

  /**
   * Parses one event.
   *
   * @param eventSeq billing's event_seq (the row), for the messages
   * @param eventType billing's event_type column; the XML must agree
   * @throws MalformedMessageException naming the event and what is wrong (never a value)
   */
  public static ObjectNode parse(long eventSeq, String eventType, String xml) {
    Element root = root(eventSeq, xml);
    String where = "billing event " + eventSeq;
    if (!"BillingEvent".equals(root.getLocalName())) {
      throw new MalformedMessageException(where + ": root element is not BillingEvent");
    }
    String type = root.getAttribute("type").strip();
    if (!TYPES.contains(type)) {
      throw new MalformedMessageException(where + ": unknown or missing type attribute");
    }
    if (eventType != null && !eventType.equals(type)) {
      throw new MalformedMessageException(
          where + ": XML type " + type + " disagrees with event_type " + eventType);
    }
    Map<String, Element> children = new java.util.HashMap<>();
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        if (children.put(e.getLocalName(), e) != null) {
          throw new MalformedMessageException(
              where + ": element " + e.getLocalName() + " appears twice");
        }
      }
    }
    Fields f = new Fields(where, children);
    ObjectNode doc = Json.object();
    doc.put("eventSeq", eventSeq);
    doc.put("type", type);
    doc.put("baNo", f.matching("BaNo", BA_NO));
    switch (type) {
      case "ACCOUNT_CREATED" -> {
        doc.put("custNo", f.integer("CustNo", 1, Long.MAX_VALUE));
        doc.put("createdAt", f.localDateTime("CreatedAt"));
      }
      case "INVOICE_ISSUED" -> {
        doc.put("invoiceNo", f.matching("InvoiceNo", INVOICE_NO));
        Element period = f.element("Period");
        LocalDate from = f.date(period, "from");
        LocalDate to = f.date(period, "to");
        if (to.isBefore(from)) {
          throw new MalformedMessageException(where + ": Period ends before it starts");
        }
        doc.put("periodFrom", from.toString());
        doc.put("periodTo", to.toString());
        doc.put("amountCents", f.integer("Amount", Long.MIN_VALUE, Long.MAX_VALUE));
        doc.put("taxCents", f.integerAttribute("Amount", "tax"));
        doc.put("currency", f.currency("Amount"));
        doc.put("dueDate", f.date("DueDate").toString());
        doc.put("issuedAt", f.localDateTime("IssuedAt"));
      }
      case "PAYMENT_RECEIVED" -> {
        doc.put("invoiceNo", f.matching("InvoiceNo", INVOICE_NO));
        doc.put("amountCents", f.integer("Amount", Long.MIN_VALUE, Long.MAX_VALUE));
        doc.put("currency", f.currency("Amount"));
        doc.put("balanceAfterCents", f.integer("BalanceAfter", Long.MIN_VALUE, Long.MAX_VALUE));
        doc.put("receivedAt", f.localDateTime("ReceivedAt"));
      }
      case "DUNNING_LEVEL_CHANGED" -> {
        doc.put("oldLevel", f.integer("OldLevel", 0, 4));
        doc.put("newLevel", f.integer("NewLevel", 0, 4));
        doc.put("openAmountCents", f.integer("OpenAmount", Long.MIN_VALUE, Long.MAX_VALUE));
        doc.put("currency", f.currency("OpenAmount"));
        doc.put("changedAt", f.localDateTime("ChangedAt"));
      }
      case "ACCOUNT_STATUS_CHANGED" -> {
        doc.put("oldStatus", f.oneOf("OldStatus", ACCOUNT_STATUS));
        doc.put("newStatus", f.oneOf("NewStatus", ACCOUNT_STATUS));
        doc.put("changedAt", f.localDateTime("ChangedAt"));
      }
      default -> throw new MalformedMessageException(where + ": unknown type");
    }
    return doc;
  }

  private static Element root(long eventSeq, String xml) {
    if (xml == null || xml.isBlank()) {
      throw new MalformedMessageException("billing event " + eventSeq + ": payload is empty");
    }
    if (xml.length() > MAX_PAYLOAD_CHARS) {
      // a billing event is a few hundred characters: a huge one is never parsed (memory)
      throw new MalformedMessageException(
          "billing event "
              + eventSeq
              + ": payload is "
              + xml.length()
              + " characters, more than the "
              + MAX_PAYLOAD_CHARS
              + " a billing event may have");
    }
    try {
      DocumentBuilder builder = FACTORY.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
    } catch (SAXException e) {
      // the parser's message says where the XML breaks; it quotes no content
      String m = e.getMessage() == null ? "" : e.getMessage().replaceAll("\"[^\"]*\"", "\"...\"");
      throw new MalformedMessageException(
          "billing event " + eventSeq + ": payload is not well-formed XML (" + m + ")");
    } catch (IOException | ParserConfigurationException e) {
      throw new MalformedMessageException("billing event " + eventSeq + ": payload cannot be read");
    }
  }

  /** The child elements of one event, read strictly. */
  private record Fields(String where, Map<String, Element> children) {

    Element element(String name) {
      Element e = children.get(name);
      if (e == null) {
        throw new MalformedMessageException(where + ": required element " + name + " is missing");
      }
      return e;
    }

    String text(String name) {
      String t = element(name).getTextContent().strip();
      if (t.isEmpty()) {
        throw new MalformedMessageException(where + ": element " + name + " is empty");
      }
      return t;
    }

    String matching(String name, Pattern pattern) {
      String t = text(name);
      if (!pattern.matcher(t).matches()) {
        throw new MalformedMessageException(where + ": " + name + " is not of the form " + pattern);
      }
      return t;
    }

    String oneOf(String name, Set<String> values) {
      String t = text(name);
      if (!values.contains(t)) {
        throw new MalformedMessageException(where + ": " + name + " is not one of " + values);
      }
      return t;
    }

    long integer(String name, long min, long max) {
      try {
        long v = Long.parseLong(text(name));
        if (v < min || v > max) {
          throw new MalformedMessageException(where + ": " + name + " is out of range");
        }
        return v;
      } catch (NumberFormatException e) {
        throw new MalformedMessageException(where + ": " + name + " is not a whole number");
      }
    }

    long integerAttribute(String name, String attribute) {
      String t = element(name).getAttribute(attribute).strip();
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new MalformedMessageException(
            where
                + ": attribute "
                + attribute
                + " of "
                + name
                + " is missing or not a whole number");
      }
    }

    String currency(String name) {
      String c = element(name).getAttribute("currency").strip();
      if (!CURRENCY.matcher(c).matches()) {
        throw new MalformedMessageException(where + ": " + name + " has no ISO 4217 currency");
      }
      return c;
    }

    String localDateTime(String name) {
      String t = text(name);
      try {
        return LocalDateTime.parse(t).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      } catch (DateTimeParseException e) {
        throw new MalformedMessageException(where + ": " + name + " is not a local date-time");
      }
    }

    LocalDate date(String name) {
      try {
        return LocalDate.parse(text(name));
      } catch (DateTimeParseException e) {
        throw new MalformedMessageException(where + ": " + name + " is not a date");
      }
    }

    LocalDate date(Element e, String attribute) {
      try {
        return LocalDate.parse(e.getAttribute(attribute).strip());
      } catch (DateTimeParseException ex) {
        throw new MalformedMessageException(
            where + ": attribute " + attribute + " of " + e.getLocalName() + " is not a date");
      }
    }
  }
}
