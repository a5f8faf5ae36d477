package at.telco.hub.canonical;

/** CloudEvent types and sources of the canonical model. */
public final class CanonicalTypes {

  public static final String CUSTOMER_CHANGE =
      "at.telco.hub.tmf629.CustomerAttributeValueChangeEvent.v1";
  public static final String CUSTOMER_DELETE = "at.telco.hub.tmf629.CustomerDeleteEvent.v1";
  public static final String CUSTOMER_SCHEMA = "urn:telco-hub:schema:customer:v1";

  public static final String BILLING_ACCOUNT_CHANGE =
      "at.telco.hub.tmf666.BillingAccountStateChangeEvent.v1";
  public static final String BILLING_ACCOUNT_SCHEMA = "urn:telco-hub:schema:billing-account:v1";
  public static final String CUSTOMER_BILL_CREATE =
      "at.telco.hub.tmf678.CustomerBillCreateEvent.v1";
  public static final String CUSTOMER_BILL_SCHEMA = "urn:telco-hub:schema:customer-bill:v1";
  public static final String SERVICE_CHANGE = "at.telco.hub.tmf638.ServiceStateChangeEvent.v1";
  public static final String SERVICE_SCHEMA = "urn:telco-hub:schema:service:v1";

  public static final String SOURCE_CRM = "/telco-hub/crm";
  public static final String SOURCE_BILLING = "/telco-hub/billing";
  public static final String SOURCE_NETWORK = "/telco-hub/network";

  private CanonicalTypes() {}
}
