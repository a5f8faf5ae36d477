package at.telco.hub.api;

/** Who calls the management API, with the highest role they hold. */
public record ApiPrincipal(String name, Role role) {

  public boolean has(Role required) {
    return role.includes(required);
  }
}
