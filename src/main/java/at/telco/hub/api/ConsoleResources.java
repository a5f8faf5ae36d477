package at.telco.hub.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Serves the support console (src/main/resources/console): a fixed set of static files, no data.
 * Everything the console shows comes from the management API, with the signed-in user's rights; the
 * files themselves are public so the sign-in page can load.
 */
public final class ConsoleResources {

  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8",
          "console.css", "text/css; charset=utf-8");

  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  public void serve(Exchange exchange) {
    Message m = exchange.getMessage();
    String path = m.getHeader(Exchange.HTTP_PATH, String.class);
    String uri = m.getHeader(Exchange.HTTP_URI, String.class);
    String name = path == null ? "" : path.replaceFirst("^.*/", "");
    m.removeHeaders("*");
    if (uri != null && (uri.equals("/") || uri.equals("/console"))) {
      m.setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
      m.setHeader("Location", "/console/");
      m.setBody(null);
      return;
    }
    if (name.isEmpty()) {
      name = "index.html";
    }
    String type = FILES.get(name);
    if (type == null) {
      m.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
      m.setHeader(Exchange.CONTENT_TYPE, "text/plain");
      m.setBody("not found");
      return;
    }
    try (InputStream in = ConsoleResources.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console file " + name + " is missing from the build");
      }
      m.setBody(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    m.setHeader(Exchange.CONTENT_TYPE, type);
    m.setHeader("Content-Security-Policy", CSP);
    m.setHeader("X-Content-Type-Options", "nosniff");
    m.setHeader("Referrer-Policy", "no-referrer");
    m.setHeader("Cache-Control", "no-cache");
  }
}
