package at.telco.hub.mapping;

import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.JsltException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development mode ({@code hub.dev}, {@code --dev}): a mapping edited in the transformers directory
 * is compiled, checked against its golden fixtures ({@link MappingFixtures}) and put in place while
 * the hub runs - only when it compiles and every fixture passes; otherwise the reason is logged and
 * the mapping in place keeps working. Never on in production.
 */
public final class MappingReloader extends ServiceSupport {

  private static final Logger LOG = LoggerFactory.getLogger(MappingReloader.class);

  private final Mappings mappings;
  private final Path directory;
  private WatchService watcher;
  private Thread thread;

  public MappingReloader(Mappings mappings, Path directory) {
    this.mappings = mappings;
    this.directory = directory;
  }

  @Override
  protected void doStart() throws Exception {
    watcher = FileSystems.getDefault().newWatchService();
    directory.register(
        watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
    thread = new Thread(this::watch, "mapping-reloader");
    thread.setDaemon(true);
    thread.start();
    LOG.info("development mode: mappings in {} are reloaded when they change", directory);
  }

  @Override
  protected void doStop() throws Exception {
    if (watcher != null) {
      watcher.close();
    }
    if (thread != null) {
      thread.join(5000);
    }
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        Set<String> changed = new TreeSet<>();
        collect(key, changed);
        // an editor writes a file in steps: wait for it to settle, then take what else changed
        Thread.sleep(200);
        WatchKey more;
        while ((more = watcher.poll()) != null) {
          collect(more, changed);
        }
        for (String name : changed) {
          reload(name);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopped
    }
  }

  private static void collect(WatchKey key, Set<String> changed) {
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.context() instanceof Path p && p.toString().endsWith(".jslt")) {
        changed.add(p.toString().substring(0, p.toString().length() - ".jslt".length()));
      }
    }
    key.reset();
  }

  /** Compiles, checks and puts in place one mapping; returns why not, or null when it did. */
  public String reload(String name) {
    Path file = directory.resolve(name + ".jslt");
    Expression candidate;
    try (Reader text = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      candidate = mappings.compile(name, text);
    } catch (IOException e) {
      return refused(name, "cannot be read: " + e.getMessage());
    } catch (JsltException e) {
      return refused(name, "does not compile: " + e.getMessage());
    }
    List<String> problems;
    try {
      problems = MappingFixtures.checkAll(candidate, directory.resolve(name));
    } catch (IOException | RuntimeException e) {
      return refused(name, "its fixtures cannot be run: " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      return refused(name, "its fixtures fail: " + String.join("; ", problems));
    }
    mappings.replace(name, candidate);
    LOG.info(
        "mapping {} reloaded: it compiles and its {} fixture(s) pass",
        name,
        safeCount(directory.resolve(name)));
    return null;
  }

  private static int safeCount(Path dir) {
    try {
      return MappingFixtures.cases(dir).size();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String refused(String name, String why) {
    String reason = "mapping " + name + " NOT reloaded, the one in place stays: " + why;
    LOG.warn(reason);
    return reason;
  }
}
