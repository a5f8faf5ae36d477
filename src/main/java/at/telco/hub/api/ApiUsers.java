package at.telco.hub.api;

import at.telco.hub.canonical.Json;
import at.telco.hub.config.HubSettings;
import at.telco.hub.config.Settings;
import at.telco.hub.deadletter.DeadLetters;
import at.telco.hub.jdbc.SqlFailures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The users of the management API and their sessions. Users come from configuration ({@code
 * hub.auth.users}, e.g. the environment variable {@code HUB_AUTH_USERS}, and the file {@code
 * hub.auth.users-file}), which an API call cannot change, and from the hub database (the bootstrap
 * {@code admin}, users an admin creates). Passwords are kept as bcrypt hashes only; a console
 * session is a random bearer token of which only the SHA-256 is stored.
 */
public final class ApiUsers {

  /** A user with its bcrypt hash and role; {@code configured} users cannot be changed by API. */
  public record User(String name, String hash, Role role, boolean configured) {}

  private static final Logger LOG = LoggerFactory.getLogger(ApiUsers.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Duration VERIFIED_FOR = Duration.ofSeconds(60);

  /** The lowest bcrypt cost accepted for a configured user. */
  static final int MIN_COST = 10;

  private final DataSource hub;
  private final Clock clock;
  private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, User> configured;
  private final Duration sessionTtl;
  // recently verified Basic credentials (SHA-256 of name and password), so a script's requests
  // do not each pay for bcrypt
  private final Map<String, Instant> verified = new ConcurrentHashMap<>();
  private final String dummyHash;
  // bcrypt runs here, not on the shared worker pool: a few threads, a short queue, refused beyond
  private final ThreadPoolExecutor passwordChecks;
  private final AtomicLong checked = new AtomicLong();

  public ApiUsers(DataSource hub, Settings settings, Clock clock) {
    this.hub = hub;
    this.clock = clock;
    this.configured = configuredUsers(settings);
    this.sessionTtl = Duration.ofMinutes(settings.get(HubSettings.AUTH_SESSION_MINUTES));
    this.dummyHash = bcrypt.encode("not a password of anybody");
    int threads = Math.max(1, settings.get(HubSettings.AUTH_PASSWORD_CHECK_THREADS));
    AtomicInteger n = new AtomicInteger();
    this.passwordChecks =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(
                Math.max(1, settings.get(HubSettings.AUTH_PASSWORD_CHECK_QUEUE))),
            r -> {
              Thread t = new Thread(r, "hub-password-check-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.passwordChecks.allowCoreThreadTimeOut(true);
  }

  /** How many bcrypt checks of a password the hub ran (metric hub.auth.password.checks). */
  public long passwordChecks() {
    return checked.get();
  }

  /**
   * One bcrypt check on the hub's own bounded pool; {@link RejectedExecutionException} when the
   * pool and its queue are full (the gate answers 503 with Retry-After).
   */
  private boolean matches(String password, String hash) {
    Future<Boolean> f =
        passwordChecks.submit(
            () -> {
              checked.incrementAndGet();
              return bcrypt.matches(password, hash);
            });
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new IllegalStateException("interrupted while checking a password", e);
    } catch (ExecutionException | TimeoutException e) {
      f.cancel(true);
      throw new IllegalStateException("a password check failed: " + e, e);
    }
  }

  /**
   * {@code hub.auth.users}: {@code name:bcrypt-hash:role} entries separated by {@code ;} or white
   * space; {@code hub.auth.users-file}: one {@code name = bcrypt-hash role} per line (Java
   * properties).
   */
  static Map<String, User> configuredUsers(Settings settings) {
    Map<String, User> users = new LinkedHashMap<>();
    settings
        .optional(HubSettings.AUTH_USERS_FILE)
        .ifPresent(
            file -> {
              java.util.Properties p = new java.util.Properties();
              try (var r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(r);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot read hub.auth.users-file " + file, e);
              }
              for (String name : p.stringPropertyNames()) {
                String[] parts = p.getProperty(name).strip().split("[\\s,]+");
                if (parts.length != 2) {
                  throw new IllegalStateException(
                      "hub.auth.users-file: user " + name + " needs '<bcrypt hash> <role>'");
                }
                users.put(name, user(name, parts[0], parts[1]));
              }
            });
    settings
        .optional(HubSettings.AUTH_USERS)
        .ifPresent(
            list -> {
              for (String entry : list.strip().split("[;\\s]+")) {
                if (entry.isBlank()) {
                  continue;
                }
                String[] parts = entry.split(":");
                if (parts.length != 3) {
                  throw new IllegalStateException(
                      "hub.auth.users: entries are name:bcrypt-hash:role, separated by ';'");
                }
                users.put(parts[0], user(parts[0], parts[1], parts[2]));
              }
            });
    return users;
  }

  private static User user(String name, String hash, String role) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalStateException("user name '" + name + "' is not allowed");
    }
    if (!hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
      throw new IllegalStateException(
          "user " + name + ": the password must be given as a bcrypt hash (hash-password)");
    }
    int cost = Integer.parseInt(hash.substring(hash.lastIndexOf('$') - 2, hash.lastIndexOf('$')));
    if (cost < MIN_COST) {
      // the user's name, never the hash
      throw new IllegalStateException(
          "user "
              + name
              + ": the bcrypt hash has cost "
              + cost
              + ", at least "
              + MIN_COST
              + " is required (make a new one with hash-password)");
    }
    return new User(name, hash, Role.parse(role), true);
  }

  /**
   * Makes sure there is an {@code admin}: if neither configuration nor the hub database has one, it
   * is created with {@code initialPassword} (HUB_ADMIN_PASSWORD), or with a generated password that
   * is returned so the caller prints it once. Several hub instances starting together create it
   * once.
   */
  public Optional<String> bootstrapAdmin(String initialPassword) {
    if (configured.containsKey("admin") || stored("admin").isPresent()) {
      return Optional.empty();
    }
    boolean generate = initialPassword == null || initialPassword.isEmpty();
    String password = generate ? generatePassword() : initialPassword;
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.api_user (name, password_hash, roles) VALUES ('admin', ?, 'admin')"
                    + " ON CONFLICT (name) DO NOTHING")) {
      ps.setString(1, bcrypt.encode(password));
      if (ps.executeUpdate() == 0) {
        return Optional.empty();
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    LOG.info(
        "created the management API user 'admin' ({})",
        generate ? "generated password, printed once" : "password from HUB_ADMIN_PASSWORD");
    return generate ? Optional.of(password) : Optional.empty();
  }

  private String generatePassword() {
    byte[] b = new byte[18];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public String hash(String password) {
    return bcrypt.encode(password);
  }

  /** The user, when name and password match; bcrypt runs also for unknown names. */
  public Optional<ApiPrincipal> authenticate(String name, String password) {
    if (name == null || password == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    Optional<User> user = find(name);
    String key = name + "\n" + DeadLetters.sha256(name + "\n" + password);
    Instant until = verified.get(key);
    if (user.isPresent() && until != null && until.isAfter(clock.instant())) {
      return Optional.of(new ApiPrincipal(name, user.get().role()));
    }
    boolean ok = matches(password, user.map(User::hash).orElse(dummyHash));
    if (!ok || user.isEmpty()) {
      return Optional.empty();
    }
    verified.put(key, clock.instant().plus(VERIFIED_FOR));
    return Optional.of(new ApiPrincipal(name, user.get().role()));
  }

  public Optional<User> find(String name) {
    User u = configured.get(name);
    return u != null ? Optional.of(u) : stored(name);
  }

  private Optional<User> stored(String name) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT password_hash, roles FROM hub.api_user WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new User(name, rs.getString(1), Role.parse(rs.getString(2)), false))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  /** Opens a console session; returns the bearer token (shown to the caller once). */
  public ObjectNode openSession(ApiPrincipal principal) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    Instant expires = clock.instant().plus(sessionTtl);
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.api_session (token_sha256, user_name, roles, expires_at)"
                    + " VALUES (?, ?, ?, ?)")) {
      ps.setString(1, DeadLetters.sha256(token));
      ps.setString(2, principal.name());
      ps.setString(3, principal.role().id());
      ps.setTimestamp(4, Timestamp.from(expires));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    ObjectNode s = Json.object();
    s.put("token", token);
    s.put("user", principal.name());
    s.put("role", principal.role().id());
    s.put("expiresAt", expires.toString());
    return s;
  }

  /** The user of a valid session token. */
  public Optional<ApiPrincipal> session(String token) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT user_name, roles FROM hub.api_session"
                    + " WHERE token_sha256 = ? AND expires_at > now()")) {
      ps.setString(1, DeadLetters.sha256(token));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String name = rs.getString(1);
        Role sessionRole = Role.parse(rs.getString(2));
        // a user removed or demoted since the login loses the session's rights at once
        return find(name).map(u -> new ApiPrincipal(name, min(u.role(), sessionRole)));
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }

  private static Role min(Role a, Role b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  public void closeSession(String token) {
    execute("DELETE FROM hub.api_session WHERE token_sha256 = ?", DeadLetters.sha256(token));
    execute("DELETE FROM hub.api_session WHERE expires_at < now()");
  }

  public ArrayNode list() {
    Map<String, User> all = new java.util.TreeMap<>();
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT name, roles FROM hub.api_user");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        all.put(
            rs.getString(1), new User(rs.getString(1), null, Role.parse(rs.getString(2)), false));
      }
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    all.putAll(configured);
    ArrayNode users = Json.MAPPER.createArrayNode();
    for (User u : all.values()) {
      ObjectNode n = users.addObject();
      n.put("name", u.name());
      n.put("role", u.role().id());
      n.put("source", u.configured() ? "configuration" : "hub database");
    }
    return users;
  }

  /** Creates or changes a user kept in the hub database. */
  public void put(String name, String password, Role role) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiException.badRequest("a user name is 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
    if (configured.containsKey(name)) {
      throw ApiException.conflict(
          "user " + name + " is configured (hub.auth.users): change it there");
    }
    requireStrong(password);
    try (Connection c = hub.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO hub.api_user (name, password_hash, roles) VALUES (?, ?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET password_hash = EXCLUDED.password_hash,"
                    + " roles = EXCLUDED.roles, updated_at = now()")) {
      ps.setString(1, name);
      ps.setString(2, bcrypt.encode(password));
      ps.setString(3, role.id());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
    // a new password or role ends the user's sessions
    execute("DELETE FROM hub.api_session WHERE user_name = ?", name);
    forget(name);
  }

  public void changePassword(String name, String current, String password) {
    User u = find(name).orElseThrow(() -> ApiException.notFound("no user " + name));
    if (u.configured()) {
      throw ApiException.conflict(
          "user " + name + " is configured (hub.auth.users): change it there");
    }
    if (current == null || !matches(current, u.hash())) {
      throw ApiException.badRequest("the current password is not right");
    }
    put(name, password, u.role());
  }

  public boolean delete(String name) {
    if (configured.containsKey(name)) {
      throw ApiException.conflict(
          "user " + name + " is configured (hub.auth.users): remove it there");
    }
    boolean deleted = execute("DELETE FROM hub.api_user WHERE name = ?", name) > 0;
    execute("DELETE FROM hub.api_session WHERE user_name = ?", name);
    forget(name);
    return deleted;
  }

  private void forget(String name) {
    verified.keySet().removeIf(k -> k.startsWith(name + "\n"));
  }

  private static void requireStrong(String password) {
    if (password == null || password.length() < 12) {
      throw ApiException.badRequest("a password has at least 12 characters");
    }
  }

  private int execute(String sql, String... params) {
    try (Connection c = hub.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw SqlFailures.translate("hub database", e);
    }
  }
}
