package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.telco.hub.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

class ApiUsersTest {

  static final String HASH = new BCryptPasswordEncoder(10).encode("a-long-password");

  static Settings settings(Map<String, String> values) {
    return new Settings(k -> Optional.ofNullable(values.get(k)));
  }

  @Test
  void usersComeFromTheEnvironmentAndAFileWithBcryptHashesAndRoles() throws Exception {
    Path file = Files.createTempFile("users", ".properties");
    Files.writeString(file, "carla = " + HASH + " support\n");
    Map<String, ApiUsers.User> users =
        ApiUsers.configuredUsers(
            settings(
                Map.of(
                    "hub.auth.users",
                    "vic:" + HASH + ":viewer; olga:" + HASH + ":operator",
                    "hub.auth.users-file",
                    file.toString())));
    assertThat(users).containsOnlyKeys("carla", "vic", "olga");
    assertThat(users.get("carla").role()).isEqualTo(Role.SUPPORT);
    assertThat(users.get("vic").role()).isEqualTo(Role.VIEWER);
    assertThat(users.get("olga").configured()).isTrue();
  }

  @Test
  void aPlainPasswordOrAnUnknownRoleIsRefused() {
    assertThatThrownBy(
            () -> ApiUsers.configuredUsers(settings(Map.of("hub.auth.users", "vic:secret:viewer"))))
        .hasMessageContaining("bcrypt hash");
    assertThatThrownBy(
            () ->
                ApiUsers.configuredUsers(
                    settings(Map.of("hub.auth.users", "vic:" + HASH + ":superuser"))))
        .hasMessageContaining("unknown role");
  }

  /** A cheap hash is refused at start, naming the user and never the hash. */
  @Test
  void aBcryptHashBelowCostTenIsRefusedNamingTheUser() throws Exception {
    String cheap = new BCryptPasswordEncoder(9).encode("a-long-password");
    assertThatThrownBy(
            () ->
                ApiUsers.configuredUsers(
                    settings(
                        Map.of(
                            "hub.auth.users",
                            "vic:" + HASH + ":viewer;olga:" + cheap + ":operator"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user olga")
        .hasMessageContaining("cost 9")
        .hasMessageContaining("at least 10")
        .hasMessageNotContaining(cheap)
        .hasMessageNotContaining(cheap.substring(7));
    Path file = Files.createTempFile("users", ".properties");
    Files.writeString(file, "carla = " + new BCryptPasswordEncoder(4).encode("x") + " support\n");
    assertThatThrownBy(
            () ->
                ApiUsers.configuredUsers(settings(Map.of("hub.auth.users-file", file.toString()))))
        .hasMessageContaining("user carla")
        .hasMessageContaining("cost 4");
    // cost 10 and above pass
    assertThat(
            ApiUsers.configuredUsers(settings(Map.of("hub.auth.users", "vic:" + HASH + ":viewer"))))
        .containsOnlyKeys("vic");
  }

  @Test
  void rolesIncludeTheOnesBeforeThem() {
    assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
    assertThat(Role.OPERATOR.includes(Role.SUPPORT)).isTrue();
    assertThat(Role.SUPPORT.includes(Role.VIEWER)).isTrue();
    assertThat(Role.VIEWER.includes(Role.SUPPORT)).isFalse();
    assertThat(new ApiPrincipal("x", Role.SUPPORT).has(Role.OPERATOR)).isFalse();
  }
}
