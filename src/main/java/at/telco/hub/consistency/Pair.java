package at.telco.hub.consistency;

/** A master and one of its copies, compared by reconciliation. */
public enum Pair {
  /** CRM customers (with contacts and addresses) against customerdb.customer + contact_medium. */
  CRM_CUSTOMERDB("crm->customerdb", "customerdb"),
  /** CRM customers against billing.customer. */
  CRM_BILLING("crm->billing", "billing"),
  /** billing.billing_account (with its latest invoice) against customerdb.billing_account. */
  BILLING_CUSTOMERDB("billing->customerdb", "customerdb.billing_account");

  private final String label;
  private final String target;

  Pair(String label, String target) {
    this.label = label;
    this.target = target;
  }

  /** How reports, metrics and the API name the pair. */
  public String label() {
    return label;
  }

  /** The target (as the target routes, dead letters and resync name it). */
  public String target() {
    return target;
  }

  public static Pair ofLabel(String label) {
    for (Pair p : values()) {
      if (p.label.equals(label) || p.name().equalsIgnoreCase(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown reconciliation pair " + label);
  }
}
