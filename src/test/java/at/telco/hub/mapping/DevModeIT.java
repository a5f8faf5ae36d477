package at.telco.hub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.testing.CapturedLogs;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.HubInstance;
import at.telco.hub.testing.Isolated;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Development mode ({@code hub.dev}): a mapping edited in the transformers directory of a running
 * hub changes the next change's output once it compiles and its fixtures pass; a broken edit is
 * refused with a clear log line and the mapping in place keeps working.
 */
class DevModeIT {

  private static final String MAPPING = "canonical-customer-to-customerdb";

  @Test
  void anEditedMappingIsPickedUpAndABrokenOneIsRefused() throws Exception {
    TestServers servers = TestServers.get();
    SharedHub.stop(); // this hub alone takes the CRM's changes
    Path transformers = Files.createTempDirectory(servers.directory(), "transformers-");
    copy(Path.of("transformers"), transformers);
    Properties p = servers.hubProperties();
    Isolated.topicsAndGroups(p, "o10");
    p.setProperty("hub.dev", "true");
    p.setProperty("hub.transformers.location", "file:" + transformers);
    Crm crm = new Crm(servers);
    DataSource customerdb = servers.owner("customerdb");
    CapturedLogs logs = CapturedLogs.install();
    try (HubInstance hub = HubInstance.start(p)) {
      String a = "ACC-O10-0001";
      crm.person(a, "Lena", "Huber", "ACTIVE");
      await().atMost(Duration.ofSeconds(30)).until(() -> "Huber".equals(familyName(customerdb, a)));

      // an engineer changes the mapping and its fixtures: family names in capitals
      Path fixtures = transformers.resolve(MAPPING);
      for (String kase : new String[] {"b2c", "no-primary-bad-phone"}) {
        Path expected = fixtures.resolve("expected-" + kase + ".json");
        String text = Files.readString(expected, StandardCharsets.UTF_8);
        Files.writeString(
            expected,
            text.replace("\"Müller\"", "\"MÜLLER\"").replace("\"Đorđević\"", "\"ĐORĐEVIĆ\""),
            StandardCharsets.UTF_8);
      }
      edit(
          transformers,
          "\"family_name\": if ($individual) $party.familyName,",
          "\"family_name\": if ($individual) uppercase($party.familyName),");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> logs.text().contains("mapping " + MAPPING + " reloaded"));
      crm.update("UPDATE crm.contact SET first_name = 'Magdalena' WHERE account_id = ?", a);
      await().atMost(Duration.ofSeconds(30)).until(() -> "HUBER".equals(familyName(customerdb, a)));

      // a broken edit is refused, with the reason, and the mapping in place keeps working
      edit(
          transformers,
          "\"family_name\": if ($individual) uppercase($party.familyName),",
          "\"family_name\": if ($individual) uppercase($party.familyName,");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> logs.text().contains("mapping " + MAPPING + " NOT reloaded"));
      assertThat(logs.text()).contains("does not compile");
      String b = "ACC-O10-0002";
      crm.person(b, "Jakob", "Leitner", "ACTIVE");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "LEITNER".equals(familyName(customerdb, b)));

      // an edit that compiles but breaks a fixture is refused too
      edit(
          transformers,
          "\"family_name\": if ($individual) uppercase($party.familyName,",
          "\"family_name\": if ($individual) lowercase($party.familyName),");
      await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains("its fixtures fail"));
      assertThat(logs.text()).contains("family_name");
    } finally {
      logs.uninstall();
    }
  }

  private static void edit(Path transformers, String what, String with) throws Exception {
    Path file = transformers.resolve(MAPPING + ".jslt");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).contains(what);
    Files.writeString(file, text.replace(what, with), StandardCharsets.UTF_8);
  }

  private static String familyName(DataSource customerdb, String account) {
    Map<String, Object> row =
        Crm.row(
            customerdb,
            "SELECT family_name FROM customerdb.customer WHERE crm_account_id = ?",
            account);
    return row == null ? null : (String) row.get("family_name");
  }

  private static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
