package at.telco.hub.canonical;

/** CloudEvent types and sources of the canonical model. */
public final class CanonicalTypes {

  public static final String CUSTOMER_CHANGE =
      "at.telco.hub.tmf629.CustomerAttributeValueChangeEvent.v1";
  public static final String CUSTOMER_DELETE = "at.telco.hub.tmf629.CustomerDeleteEvent.v1";
  public static final String CUSTOMER_SCHEMA = "urn:telco-hub:schema:customer:v1";

  public static final String SOURCE_CRM = "/telco-hub/crm";

  private CanonicalTypes() {}
}
