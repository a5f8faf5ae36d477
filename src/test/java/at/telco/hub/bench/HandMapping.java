package at.telco.hub.bench;

import at.telco.hub.mapping.Countries;
import at.telco.hub.mapping.CrmSelection;
import at.telco.hub.mapping.Languages;
import at.telco.hub.mapping.MappingException;
import at.telco.hub.mapping.NameLines;
import at.telco.hub.mapping.PhoneNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The three customer mappings of flow 1 ({@code transformers/crm-to-canonical-customer.jslt},
 * {@code canonical-customer-to-customerdb.jslt}, {@code canonical-customer-to-billing.jslt})
 * written by hand against Jackson's tree, with the same Java functions for the rules that need
 * code: what a declarative mapping is compared with in {@link MappingBench}. Follows JSLT's
 * conventions (a key whose value is null, {} or [] is left out; null, false, "", {} and [] are
 * false).
 */
final class HandMapping {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final Languages languages;

  HandMapping(Languages languages) {
    this.languages = languages;
  }

  static boolean value(JsonNode n) {
    return n != null
        && !n.isNull()
        && !n.isMissingNode()
        && !((n.isObject() || n.isArray()) && n.size() == 0);
  }

  static boolean truthy(JsonNode n) {
    if (!value(n)) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    if (n.isNumber()) {
      return n.doubleValue() != 0;
    }
    return true;
  }

  static void put(ObjectNode o, String key, JsonNode v) {
    if (value(v)) {
      o.set(key, v);
    }
  }

  static void put(ObjectNode o, String key, String v) {
    if (v != null) {
      o.put(key, v);
    }
  }

  static String str(JsonNode n) {
    return value(n) ? n.asText() : null;
  }

  static ArrayNode crmReference(JsonNode accountId) {
    ArrayNode a = F.arrayNode();
    ObjectNode r = a.addObject();
    r.put("@type", "ExternalIdentifier");
    r.put("owner", "crm");
    r.put("externalIdentifierType", "CrmAccount");
    put(r, "id", accountId);
    return a;
  }

  static ObjectNode addressMedium(JsonNode address, String role) {
    if (!truthy(address)) {
      return null;
    }
    ObjectNode m = F.objectNode();
    m.put("@type", "GeographicAddressContactMedium");
    m.put("contactType", role);
    String street = str(address.get("street"));
    JsonNode house = address.get("house_number");
    put(m, "street1", truthy(house) ? street + " " + house.asText() : street);
    put(m, "streetName", address.get("street"));
    put(m, "streetNr", house);
    put(m, "postCode", address.get("postal_code"));
    put(m, "city", address.get("city"));
    put(m, "country", address.get("country"));
    return m;
  }

  /** crm-to-canonical-customer.jslt */
  JsonNode crmToCanonical(JsonNode doc) {
    JsonNode account = doc.get("account");
    JsonNode primary = CrmSelection.primaryContact(doc.path("contacts")).orElse(null);
    JsonNode p = primary == null ? F.missingNode() : primary;
    String phone = PhoneNumbers.toE164(str(p.get("phone"))).orElse(null);
    ObjectNode c = F.objectNode();
    c.put("@type", "Customer");
    put(c, "id", doc.get("customerId"));
    if (!truthy(account)) {
      c.put("status", "INACTIVE");
      c.set("externalReference", crmReference(doc.get("accountId")));
      return c;
    }
    put(c, "name", account.get("name"));
    c.put("role", "Customer");
    put(c, "status", account.get("status"));
    ObjectNode party = F.objectNode();
    if ("B2C".equals(str(account.get("account_type")))) {
      party.put("@type", "Individual");
      put(party, "id", doc.get("customerId"));
      put(party, "formattedName", account.get("name"));
      put(party, "title", p.get("salutation"));
      put(party, "givenName", p.get("first_name"));
      put(party, "familyName", p.get("last_name"));
      String birth = str(p.get("birth_date"));
      put(party, "birthDate", birth == null || birth.isEmpty() ? null : birth + "T00:00:00Z");
      if (truthy(p.get("language"))) {
        ObjectNode l = party.putArray("languageAbility").addObject();
        l.set("languageCode", p.get("language"));
        l.put("isFavouriteLanguage", true);
      }
    } else {
      party.put("@type", "Organization");
      put(party, "id", doc.get("customerId"));
      put(party, "name", account.get("name"));
      if (truthy(account.get("vat_id"))) {
        ObjectNode v = party.putArray("organizationIdentification").addObject();
        v.put("@type", "OrganizationIdentification");
        v.put("identificationType", "VAT");
        v.set("identificationId", account.get("vat_id"));
      }
    }
    c.set("engagedParty", party);
    ArrayNode media = F.arrayNode();
    if (truthy(p.get("email"))) {
      ObjectNode m = media.addObject();
      m.put("@type", "EmailContactMedium");
      m.put("contactType", "PRIMARY");
      m.put("preferred", true);
      m.set("emailAddress", p.get("email"));
    }
    if (phone != null && !phone.isEmpty()) {
      ObjectNode m = media.addObject();
      m.put("@type", "PhoneContactMedium");
      m.put("contactType", "PRIMARY");
      m.put("preferred", true);
      m.put("phoneNumber", phone);
    }
    for (String type : new String[] {"BILLING", "SERVICE", "POSTAL"}) {
      ObjectNode m =
          addressMedium(CrmSelection.latestAddress(doc.path("addresses"), type).orElse(null), type);
      if (m != null) {
        media.add(m);
      }
    }
    put(c, "contactMedium", media);
    ArrayNode chars = F.arrayNode();
    if (truthy(account.get("segment"))) {
      ObjectNode x = chars.addObject();
      x.put("@type", "StringCharacteristic");
      x.put("name", "segment");
      x.put("valueType", "string");
      x.set("value", account.get("segment"));
    }
    if (primary != null) {
      ObjectNode x = chars.addObject();
      x.put("@type", "BooleanCharacteristic");
      x.put("name", "marketingOptIn");
      x.put("valueType", "boolean");
      put(x, "value", p.get("marketing_opt_in"));
    }
    if (truthy(p.get("language"))) {
      ObjectNode x = chars.addObject();
      x.put("@type", "StringCharacteristic");
      x.put("name", "preferredLanguage");
      x.put("valueType", "string");
      x.set("value", p.get("language"));
    }
    put(c, "characteristic", chars);
    c.set("externalReference", crmReference(doc.get("accountId")));
    return c;
  }

  static JsonNode characteristic(JsonNode customer, String name) {
    for (JsonNode ch : customer.path("characteristic")) {
      if (name.equals(str(ch.get("name")))) {
        return ch.get("value");
      }
    }
    return null;
  }

  static JsonNode crmAccount(JsonNode customer) {
    for (JsonNode r : customer.path("externalReference")) {
      if ("crm".equals(str(r.get("owner")))) {
        return r.get("id");
      }
    }
    return null;
  }

  static JsonNode vatId(JsonNode party) {
    for (JsonNode r : party.path("organizationIdentification")) {
      if ("VAT".equals(str(r.get("identificationType")))) {
        return r.get("identificationId");
      }
    }
    return null;
  }

  static JsonNode medium(JsonNode customer, String type, String role) {
    for (JsonNode m : customer.path("contactMedium")) {
      if (type.equals(str(m.get("@type"))) && role.equals(str(m.get("contactType")))) {
        return m;
      }
    }
    return null;
  }

  /** canonical-customer-to-customerdb.jslt */
  JsonNode toCustomerDb(JsonNode data) {
    JsonNode party = data.get("engagedParty");
    boolean individual = party != null && "Individual".equals(str(party.get("@type")));
    JsonNode pt = party == null ? F.missingNode() : party;
    ObjectNode out = F.objectNode();
    ObjectNode c = out.putObject("customer");
    put(c, "customer_id", data.get("id"));
    put(c, "crm_account_id", crmAccount(data));
    if (truthy(party)) {
      c.put("party_type", individual ? "INDIVIDUAL" : "ORGANIZATION");
    }
    if (individual) {
      put(c, "given_name", pt.get("givenName"));
      put(c, "family_name", pt.get("familyName"));
    } else {
      put(c, "organization_name", pt.get("name"));
      put(c, "vat_id", vatId(pt));
    }
    if (individual) {
      String birth = str(pt.get("birthDate"));
      put(c, "birth_date", birth == null || birth.isEmpty() ? null : birth.split("T")[0]);
    }
    put(c, "language", languages.bcp47(str(characteristic(data, "preferredLanguage"))));
    put(c, "segment", characteristic(data, "segment"));
    put(c, "status", data.get("status"));
    JsonNode optIn = characteristic(data, "marketingOptIn");
    c.put("marketing_opt_in", optIn != null && optIn.isBoolean() && optIn.booleanValue());
    ArrayNode media = F.arrayNode();
    for (JsonNode m : data.path("contactMedium")) {
      ObjectNode r = media.addObject();
      String type = str(m.get("@type"));
      r.put(
          "medium_type",
          "EmailContactMedium".equals(type)
              ? "EMAIL"
              : "PhoneContactMedium".equals(type) ? "PHONE" : "POSTAL");
      put(r, "role", m.get("contactType"));
      put(r, "email", m.get("emailAddress"));
      put(r, "phone_e164", m.get("phoneNumber"));
      put(r, "street", m.get("streetName"));
      put(r, "house_number", m.get("streetNr"));
      put(r, "postal_code", m.get("postCode"));
      put(r, "city", m.get("city"));
      put(r, "country", m.get("country"));
    }
    put(out, "contactMedia", media);
    return out;
  }

  static String maxLength(String v, int limit, String field) {
    if (v != null && v.codePointCount(0, v.length()) > limit) {
      throw new MappingException(
          field,
          "is "
              + v.codePointCount(0, v.length())
              + " characters; the target takes at most "
              + limit);
    }
    return v;
  }

  /** canonical-customer-to-billing.jslt */
  JsonNode toBilling(JsonNode data) {
    JsonNode party = data.get("engagedParty");
    JsonNode address = medium(data, "GeographicAddressContactMedium", "BILLING");
    if (!value(address)) {
      address = medium(data, "GeographicAddressContactMedium", "POSTAL");
    }
    JsonNode crmAccountId = crmAccount(data);
    JsonNode email = medium(data, "EmailContactMedium", "PRIMARY");
    String status = str(data.get("status"));
    ObjectNode out = F.objectNode();
    if ("PROSPECT".equals(status)) {
      out.put("action", "SKIP");
      out.put("skip_reason", "a PROSPECT is not sent to billing");
      put(out, "crm_account_id", crmAccountId);
      put(out, "crm_status", status);
      return out;
    }
    if (!truthy(address) && "INACTIVE".equals(status)) {
      out.put("action", "CLOSE");
      put(out, "crm_account_id", crmAccountId);
      put(out, "crm_status", status);
      return out;
    }
    if (!truthy(address)) {
      out.put("action", "SKIP");
      out.put("skip_reason", "no BILLING or POSTAL address");
      put(out, "crm_account_id", crmAccountId);
      put(out, "crm_status", status);
      return out;
    }
    NameLines.Lines lines = NameLines.split(str(data.get("name")));
    out.put("action", "UPSERT");
    put(out, "crm_status", status);
    put(out, "crm_account_id", crmAccountId);
    out.put("cust_type", party != null && "Individual".equals(str(party.get("@type"))) ? "P" : "B");
    put(out, "name_line1", lines.line1());
    put(out, "name_line2", lines.line2());
    put(out, "street_line", maxLength(str(address.get("street1")), 60, "street_line"));
    put(out, "zip", maxLength(str(address.get("postCode")), 10, "zip"));
    put(out, "city", maxLength(str(address.get("city")), 40, "city"));
    put(out, "country_iso3", Countries.alpha3(str(address.get("country"))));
    put(out, "vat_id", party == null ? null : vatId(party));
    put(out, "email_invoice", email == null ? null : email.get("emailAddress"));
    put(
        out,
        "language_code",
        languages.billingLocale(str(characteristic(data, "preferredLanguage"))));
    return out;
  }

  static final BooleanNode TRUE = BooleanNode.TRUE;
}
