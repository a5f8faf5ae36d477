package at.telco.hub.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's resources found from its directory of entries, exactly as Camel's resolver finds them.
 */
class JarIndexResourceResolverTest {

  @TempDir Path dir;

  @Test
  void findsInAJarWhatCamelsResolverFinds() throws Exception {
    Path jar = dir.resolve("routes-test.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      for (String name :
          new String[] {
            "jarindex/",
            "jarindex/routes/",
            "jarindex/routes/a.camel.yaml",
            "jarindex/routes/b.camel.yaml",
            "jarindex/routes/notes.txt",
            "jarindex/routes/Helper.class",
            "jarindex/routes/_config/",
            "jarindex/routes/_config/errors.yaml",
            "jarindex/routes/_config/deeper/too.yaml",
            "jarindex/sinks/",
            "jarindex/sinks/billing.yaml",
            "elsewhere/c.camel.yaml"
          }) {
        out.putNextEntry(new JarEntry(name));
        if (!name.endsWith("/")) {
          out.write(("# " + name).getBytes(StandardCharsets.UTF_8));
        }
        out.closeEntry();
      }
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        DefaultCamelContext camel = new DefaultCamelContext()) {
      DefaultPackageScanResourceResolver camels = new DefaultPackageScanResourceResolver();
      JarIndexResourceResolver index = new JarIndexResourceResolver();
      for (DefaultPackageScanResourceResolver r : List.of(camels, index)) {
        r.setCamelContext(camel);
        r.addClassLoader(loader);
      }
      for (String pattern :
          new String[] {
            "classpath:jarindex/routes/*.camel.yaml",
            "classpath:jarindex/routes/_config/*.yaml",
            "classpath:jarindex/routes/**/*.yaml",
            "classpath:jarindex/sinks/*.yaml",
            "classpath:jarindex/routes/*"
          }) {
        assertThat(locations(index.findResources(pattern)))
            .as(pattern)
            .isEqualTo(locations(camels.findResources(pattern)));
      }
      assertThat(locations(index.findResources("classpath:jarindex/routes/*.camel.yaml")))
          .containsExactly(
              jar.toUri().toURL() + "!/jarindex/routes/a.camel.yaml",
              jar.toUri().toURL() + "!/jarindex/routes/b.camel.yaml");
      assertThat(locations(index.findResources("classpath:jarindex/routes/**/*.yaml"))).hasSize(4);
      // the whole jar from its root: the files, not the directories, not the manifest (which
      // Camel's JarInputStream reads and never lists)
      assertThat(
              index.doLoadImplementationsInJar("", Files.newInputStream(jar), jar.toString(), null))
          .hasSize(7)
          .doesNotContain("META-INF/MANIFEST.MF", "jarindex/routes/Helper.class")
          .contains("elsewhere/c.camel.yaml", "jarindex/routes/_config/deeper/too.yaml");
      Resource found = index.findResources("classpath:jarindex/sinks/*.yaml").iterator().next();
      try (var in = found.getInputStream()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("# jarindex/sinks/billing.yaml");
      }
    }
  }

  private static Set<String> locations(Collection<Resource> resources) {
    Set<String> locations = new TreeSet<>();
    for (Resource r : resources) {
      locations.add(r.getLocation());
    }
    return locations;
  }
}
