package at.telco.hub.karaf;

import java.net.URL;
import java.util.Enumeration;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.apache.camel.util.AntPathMatcher;
import org.osgi.framework.Bundle;

/**
 * Finds {@code classpath:} resources by pattern ({@code classpath:routes/*.camel.yaml}) among the
 * bundle's own entries. Camel's default resolver lists a directory of the class path through its
 * URL, a {@code file:} directory or a jar; a bundle's URL ({@code bundle://...}) is neither, and it
 * would find nothing. {@code file:} locations (routes, sinks and mappings outside the bundle) are
 * Camel's as usual.
 */
final class BundleResourceResolver extends DefaultPackageScanResourceResolver {

  private final Bundle bundle;

  BundleResourceResolver(Bundle bundle) {
    this.bundle = bundle;
  }

  @Override
  protected void findInClasspath(
      String root, Set<Resource> resources, String subPattern, Predicate<String> filter) {
    String dir = root.replace('.', '/');
    if (dir.startsWith("/")) {
      dir = dir.substring(1);
    }
    if (dir.endsWith("/")) {
      dir = dir.substring(0, dir.length() - 1);
    }
    ResourceLoader loader = PluginHelper.getResourceLoader(getCamelContext());
    Enumeration<URL> entries = bundle.findEntries(dir.isEmpty() ? "/" : dir, "*", true);
    if (entries == null) {
      return;
    }
    String prefix = dir.isEmpty() ? "" : dir + "/";
    while (entries.hasMoreElements()) {
      String path = entries.nextElement().getPath();
      if (path.startsWith("/")) {
        path = path.substring(1);
      }
      if (path.endsWith("/") || !path.startsWith(prefix)) {
        continue;
      }
      String relative = path.substring(prefix.length());
      if (AntPathMatcher.INSTANCE.match(subPattern, relative)
          && (filter == null || filter.test(path))) {
        resources.add(loader.resolveResource("classpath:" + path));
      }
    }
  }
}
