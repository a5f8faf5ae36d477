package at.telco.hub.testing;

/**
 * One hub for the ITs that only need the hub running (started on first use, kept for the run).
 * Tests that need to control every hub instance (two instances, killing one) stop it first; the
 * next test that needs it starts it again.
 */
public final class SharedHub {

  private static HubInstance hub;

  private SharedHub() {}

  public static synchronized HubInstance get() {
    if (hub == null) {
      hub = HubInstance.start(TestServers.get().hubProperties());
      Runtime.getRuntime().addShutdownHook(new Thread(SharedHub::stop));
    }
    return hub;
  }

  public static synchronized void stop() {
    if (hub != null) {
      hub.close();
      hub = null;
    }
  }
}
