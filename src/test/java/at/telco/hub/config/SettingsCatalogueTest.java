package at.telco.hub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings are declared once, in {@link HubSettings}: docs/configuration.md's table is the
 * catalogue's (regenerate it with {@code mvn -o test -Dtest=SettingsCatalogueTest
 * -Dsettings.write=true}), every placeholder of the route files is a setting of it, and
 * application.properties repeats none of its defaults.
 */
class SettingsCatalogueTest {

  private static final Path DOC = Path.of("docs/configuration.md");
  private static final String BEGIN = "<!-- settings:begin -->";
  private static final String END = "<!-- settings:end -->";

  /** The settings table of docs/configuration.md, as the catalogue says it. */
  static String table() throws IOException {
    StringBuilder b = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Setting<?> s : HubSettings.all()) {
      String dflt;
      if (s.defaultValue() != null) {
        dflt =
            "`"
                + s.defaultValue()
                + "`"
                + (s.withoutValue() == null ? "" : " (" + s.withoutValue() + ")");
      } else {
        dflt = "empty" + (s.withoutValue() == null ? "" : " (" + s.withoutValue() + ")");
      }
      b.append("| `")
          .append(s.key())
          .append("` | ")
          .append(dflt)
          .append(" | ")
          .append(s.secret() ? "(secret) " : "")
          .append(s.meaning())
          .append(" |\n");
    }
    return b.toString();
  }

  @Test
  void theDocumentedTableIsTheCatalogue() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("%s in %s", BEGIN, DOC).isNotNegative();
    assertThat(end).as("%s in %s", END, DOC).isGreaterThan(begin);
    String expected = table();
    String documented = doc.substring(begin + BEGIN.length(), end).strip() + "\n";
    if (!documented.equals(expected) && Boolean.getBoolean("settings.write")) {
      Files.writeString(
          DOC,
          doc.substring(0, begin + BEGIN.length()) + "\n" + expected + doc.substring(end),
          StandardCharsets.UTF_8);
      documented = expected;
    }
    assertThat(documented)
        .as(
            "docs/configuration.md's settings table is generated from HubSettings: run mvn -o test"
                + " -Dtest=SettingsCatalogueTest -Dsettings.write=true")
        .isEqualTo(expected);
  }

  @Test
  void everyPlaceholderOfTheRouteFilesIsASetting() throws IOException {
    Pattern placeholder = Pattern.compile("\\{\\{(hub\\.[a-z0-9.-]+)(?::[^}]*)?}}");
    List<String> unknown = new ArrayList<>();
    int found = 0;
    try (Stream<Path> files = Files.walk(Path.of("routes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Matcher m = placeholder.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
          found++;
          // derived by PollPacing from two settings of the catalogue
          if (!HubSettings.isKnown(m.group(1))
              && !m.group(1).matches(".*\\.idle-(skip|threshold)")) {
            unknown.add(file.getFileName() + ": " + m.group(1));
          }
        }
      }
    }
    assertThat(found).as("placeholders in routes/").isGreaterThan(20);
    assertThat(unknown).as("placeholders that are no setting of HubSettings").isEmpty();
  }

  @Test
  void applicationPropertiesRepeatsNoDefaultOfTheCatalogue() throws IOException {
    Properties app = applicationProperties();
    assertThat(new TreeSet<>(app.stringPropertyNames()))
        .as("defaults of HubSettings, repeated in application.properties")
        .noneMatch(k -> k.startsWith("hub.") || HubSettings.find(k) != null);
  }

  @Test
  void defaultsParseAsTheirTypeAndSecretsHaveNone() {
    Settings defaults = new Settings(k -> java.util.Optional.empty());
    for (Setting<?> s : HubSettings.all()) {
      if (s.secret()) {
        assertThat(s.defaultValue()).as(s.key()).isNull();
        assertThat(defaults.secret(castText(s))).as(s.key()).isEmpty();
      } else if (s.defaultValue() != null) {
        assertThat(defaults.get(s)).as(s.key()).isNotNull();
      }
      assertThat(s.meaning()).as(s.key()).isNotBlank();
    }
  }

  @Test
  void aValueOfTheWrongTypeNamesTheSetting() {
    Settings bad = new Settings(k -> java.util.Optional.of("soon"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> bad.get(HubSettings.CRM_POLL_BATCH_SIZE))
        .hasMessageContaining("hub.crm.poll.batch-size");
  }

  @SuppressWarnings("unchecked")
  private static Setting<String> castText(Setting<?> s) {
    return (Setting<String>) s;
  }

  private static Properties applicationProperties() throws IOException {
    Properties p = new Properties();
    try (InputStream in =
        SettingsCatalogueTest.class.getResourceAsStream("/application.properties")) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    }
    return p;
  }
}
