package at.telco.hub.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Checks that a port of the embedded default is free before a server tries to bind it. */
final class Ports {

  private Ports() {}

  static void requireFree(String setting, int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1 is in use (another hub, or another server?); choose another with "
              + setting);
    }
  }
}
