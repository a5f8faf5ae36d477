package at.telco.hub.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@code classpath:} resources by pattern ({@code classpath:routes/*.camel.yaml}) in a jar
 * from the jar's directory of entries. Camel's default resolver lists a jar by reading it from the
 * first byte to the last ({@code JarInputStream}, every entry inflated on the way); the hub's jar
 * holds about 55,000 entries in 150 MB, and the route files, sinks and mappings are looked up by
 * pattern several times while the hub starts, each look-up about a second on an idle 2-core
 * machine. {@link JarFile} reads only the central directory at the jar's end. What is found is the
 * same: the non-directory entries under the pattern's root but the manifest, class files left out
 * unless a filter asks for them; directories ({@code file:} locations, the build's classes) stay
 * Camel's.
 */
final class JarIndexResourceResolver extends DefaultPackageScanResourceResolver {

  private static final Logger LOG = LoggerFactory.getLogger(JarIndexResourceResolver.class);

  @Override
  protected List<String> doLoadImplementationsInJar(
      String packageName, InputStream stream, String urlPath, Predicate<String> filter) {
    File file = new File(urlPath);
    if (!file.isFile()) {
      return super.doLoadImplementationsInJar(packageName, stream, urlPath, filter);
    }
    IOHelper.close(stream, urlPath, LOG);
    List<String> entries = new ArrayList<>();
    try (JarFile jar = new JarFile(file, false)) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        String name = entry.getName().trim();
        if (entry.isDirectory()
            || !name.startsWith(packageName)
            || name.equals(JarFile.MANIFEST_NAME)) { // a JarInputStream reads it, never lists it
          continue;
        }
        if (filter != null ? filter.test(name) : !name.endsWith(".class")) {
          entries.add(name);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list the entries of {}: {}", urlPath, e.toString());
    }
    return entries;
  }
}
