package at.telco.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * An in-JVM TCP proxy between the hub and a server, to cut the connection (refused, as if the
 * server were down) or to freeze it (accepted but never answered, as if it hung).
 */
public final class TcpProxy implements AutoCloseable {

  private final String host;
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean frozen;

  public TcpProxy(String host, int targetPort) throws IOException {
    this.host = host;
    this.targetPort = targetPort;
    this.port = TestServers.freePort();
    listen();
  }

  public int port() {
    return port;
  }

  private void listen() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = s;
    Thread accept =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(host, targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed
                }
              }
            },
            "tcp-proxy-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  while (frozen && !from.isClosed()) {
                    LockSupport.parkNanos(50_000_000L);
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // connection closed
              } finally {
                close(from);
                close(to);
              }
            },
            "tcp-proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
    sockets.remove(s);
  }

  /** Drops every connection and refuses new ones. */
  public void cut() throws IOException {
    server.close();
    for (Socket s : sockets) {
      close(s);
    }
  }

  /** Accepts again. */
  public void restore() throws IOException {
    frozen = false;
    if (server.isClosed()) {
      listen();
    }
  }

  /** Keeps connections open but passes no byte on. */
  public void freeze() {
    frozen = true;
  }

  public void thaw() {
    frozen = false;
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
