package at.telco.hub.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class BulkReplaysTest {

  @Test
  void atMostTwoDryRunsHoldAConnectionOfTheHubPoolAtOnce() throws Exception {
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    // a hub database whose statements take their time (each dry run holds its connection until
    // released), then fails them
    DataSource slow =
        (DataSource)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("getConnection")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } finally {
                    holding.decrementAndGet();
                  }
                  throw new SQLException("the hub database is away (test)", "08006");
                });
    BulkReplays bulk = new BulkReplays(slow, null, null, "test");
    DeadLetterFilter all = new DeadLetterFilter(null, null, null, null, DeadLetterFilter.OPEN);

    Queue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
    List<Thread> askers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  bulk.dryRun(all, 10);
                  outcomes.add(new AssertionError("a dry run against a failing database passed"));
                } catch (RuntimeException e) {
                  outcomes.add(e);
                }
              });
      askers.add(t);
      t.start();
    }
    // all five asked and wait: two in the database, three for a turn
    await("five dry runs waiting, two of them in the database")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                askers.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)
                    && holding.get() == BulkReplays.CONCURRENT_DRY_RUNS);
    assertThat(holding.get()).isEqualTo(2);

    release.countDown();
    for (Thread t : askers) {
      t.join(10_000);
    }
    assertThat(most.get()).isEqualTo(2);
    // each got its turn (none was turned away with 429): all five reached the database and got
    // its error
    assertThat(outcomes).hasSize(5);
    assertThat(outcomes)
        .allSatisfy(e -> assertThat(e).isNotInstanceOf(AssertionError.class))
        .noneSatisfy(e -> assertThat(e.getMessage()).contains("too many dry runs"));
  }
}
