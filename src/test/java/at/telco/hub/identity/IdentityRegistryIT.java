package at.telco.hub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.platform.HubDatabase;
import at.telco.hub.testing.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An account's customer id is assigned once and never changes: known accounts are read, unknown
 * ones assigned, and instances assigning the same new accounts at the same moment agree on one id
 * each (a registry of its own database, so the counts are this test's).
 */
class IdentityRegistryIT {

  static DataSource hub;

  @BeforeAll
  static void database() throws Exception {
    TestServers servers = TestServers.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String role = "hub_ident_" + suffix;
    String db = "hub_ident_" + suffix;
    servers.execute(
        "postgres", "CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + db + " OWNER " + role);
    hub = servers.as(role, db);
    HubDatabase.migrate(hub, role, null);
  }

  static List<String> accounts(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("ACC-%s%07d", prefix, i)).toList();
  }

  static long rows(String prefix) throws Exception {
    try (Connection c = hub.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM hub.customer_identity WHERE crm_account_id LIKE 'ACC-"
                    + prefix
                    + "%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void knownAccountsKeepTheirIdsAndOnlyNewOnesAreAssigned() throws Exception {
    List<String> first = accounts("A", 50);
    Map<String, UUID> ids = new IdentityRegistry(hub).identify(first);
    assertThat(ids).hasSize(50).doesNotContainValue(null);
    assertThat(ids.values()).doesNotHaveDuplicates();

    // another instance (nothing cached): half known, half new
    List<String> mixed = new ArrayList<>(first.subList(25, 50));
    mixed.addAll(accounts("B", 25));
    Map<String, UUID> again = new IdentityRegistry(hub).identify(mixed);
    assertThat(again).hasSize(50);
    first.subList(25, 50).forEach(a -> assertThat(again.get(a)).isEqualTo(ids.get(a)));
    accounts("B", 25).forEach(a -> assertThat(ids).doesNotContainValue(again.get(a)));
    assertThat(again.values()).doesNotHaveDuplicates();
    assertThat(rows("A")).isEqualTo(50);
    assertThat(rows("B")).isEqualTo(25);
    assertThat(new IdentityRegistry(hub).accounts(List.of(ids.get(first.get(0)))))
        .containsEntry(ids.get(first.get(0)), first.get(0));
  }

  @Test
  void instancesAssigningTheSameNewAccountsAtOnceAgreeOnOneIdEach() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        String prefix = "C" + round;
        List<String> all = accounts(prefix, 200);
        Map<String, UUID> seen = new ConcurrentHashMap<>();
        List<String> conflicts = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<String, UUID>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          // overlapping sets, each instance with its own cache
          List<String> mine = all.subList(t * 40, t * 40 + 80);
          IdentityRegistry instance = new IdentityRegistry(hub);
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return instance.identify(mine);
                  }));
        }
        go.countDown();
        for (Future<Map<String, UUID>> f : results) {
          f.get()
              .forEach(
                  (account, id) -> {
                    UUID before = seen.putIfAbsent(account, id);
                    if (before != null && !before.equals(id)) {
                      conflicts.add(account);
                    }
                  });
        }
        assertThat(conflicts).isEmpty();
        assertThat(seen).hasSize(200);
        assertThat(rows(prefix)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
