package at.telco.hub.canonical;

/** CloudEvent types and sources of the canonical model. */
public final class CanonicalTypes {

  /**
   * The customer events the hub publishes: schema customer v3, a breaking version (TMF632's
   * birthDate is a date-time), hence a new event type; v1 and v2 stay readable (old events).
   */
  public static final String CUSTOMER_CHANGE =
      "at.telco.hub.tmf629.CustomerAttributeValueChangeEvent.v3";

  public static final String CUSTOMER_DELETE = "at.telco.hub.tmf629.CustomerDeleteEvent.v3";

  /** The first version, published until customer v3. */
  public static final String CUSTOMER_SCHEMA = "urn:telco-hub:schema:customer:v1";

  /**
   * The second version (adds validFor); consumers of v1 read it unchanged (SchemaCompatibility).
   */
  public static final String CUSTOMER_SCHEMA_V2 = "urn:telco-hub:schema:customer:v2";

  /** The version the hub publishes: valid against TMF629 and TMF632 v5 (TmfConformanceTest). */
  public static final String CUSTOMER_SCHEMA_V3 = "urn:telco-hub:schema:customer:v3";

  public static final String BILLING_ACCOUNT_CHANGE =
      "at.telco.hub.tmf666.BillingAccountStateChangeEvent.v1";
  public static final String BILLING_ACCOUNT_SCHEMA = "urn:telco-hub:schema:billing-account:v1";

  /**
   * The bill events the hub publishes: schema customer-bill v2, a breaking version (TMF678's
   * paymentDueDate is a date-time), hence a new event type; v1 stays readable (old events).
   */
  public static final String CUSTOMER_BILL_CREATE =
      "at.telco.hub.tmf678.CustomerBillCreateEvent.v2";

  /** The first version, published until customer-bill v2. */
  public static final String CUSTOMER_BILL_SCHEMA = "urn:telco-hub:schema:customer-bill:v1";

  /** The version the hub publishes: valid against TMF678 v5 (TmfConformanceTest). */
  public static final String CUSTOMER_BILL_SCHEMA_V2 = "urn:telco-hub:schema:customer-bill:v2";

  public static final String SERVICE_CHANGE = "at.telco.hub.tmf638.ServiceStateChangeEvent.v1";
  public static final String SERVICE_SCHEMA = "urn:telco-hub:schema:service:v1";

  public static final String SOURCE_CRM = "/telco-hub/crm";
  public static final String SOURCE_BILLING = "/telco-hub/billing";
  public static final String SOURCE_NETWORK = "/telco-hub/network";

  private CanonicalTypes() {}
}
