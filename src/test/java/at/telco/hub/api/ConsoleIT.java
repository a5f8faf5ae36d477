package at.telco.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.telco.hub.canonical.Json;
import at.telco.hub.testing.Api;
import at.telco.hub.testing.BillingFixture;
import at.telco.hub.testing.Crm;
import at.telco.hub.testing.KafkaTopic;
import at.telco.hub.testing.SharedHub;
import at.telco.hub.testing.TestNetwork;
import at.telco.hub.testing.TestServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser, as support uses it at 3 a.m.: sign in, see the overview, find a
 * dead letter by business key, edit the field billing refused, replay, see it applied. Headless
 * Chromium from Debian's {@code chromium} and {@code chromium-driver} packages (.ci/run installs
 * them); nothing is downloaded at test time.
 */
class ConsoleIT {

  static final String CHROMIUM = System.getProperty("hub.chromium", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("hub.chromedriver", "/usr/bin/chromedriver");

  static WebDriver browser;
  static int port;
  static Crm crm;

  @BeforeAll
  static void start() {
    TestServers servers = TestServers.get();
    port = Api.port(SharedHub.get());
    crm = new Crm(servers);
    assertThat(new File(CHROMIUM))
        .as("Debian's chromium (installed by .ci/run: apt-get install chromium chromium-driver)")
        .exists();
    assertThat(new File(DRIVER)).as("Debian's chromium-driver").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1400",
        "--lang=en");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  WebElement visible(WebDriverWait wait, String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  /** Signs out whoever is signed in (another test's session) and signs in as {@code user}. */
  void signIn(WebDriverWait wait, String user) {
    // the console first asks whether a session exists: wait for its answer, the form or the user
    wait.until(
        d ->
            d.findElement(By.id("login-user")).isDisplayed()
                || d.findElement(By.id("sign-out")).isDisplayed());
    WebElement signOut = browser.findElement(By.id("sign-out"));
    if (signOut.isDisplayed()) {
      signOut.click();
    }
    visible(wait, "login-user").sendKeys(user);
    browser.findElement(By.id("login-password")).sendKeys(Api.PASSWORD);
    browser.findElement(By.id("login-submit")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who-name"), user));
  }

  void screenshot(String name) throws Exception {
    Path target = Path.of("target", "console-" + name + ".png");
    Files.createDirectories(target.getParent());
    Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void supportSignsInFindsADeadLetterByBusinessKeyEditsItReplaysItAndSeesItApplied()
      throws Exception {
    String account = "ACC-T23-UI001";
    crm.update(
        "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
            + " 'ACTIVE')",
        account,
        "Österreichische Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung und"
            + " Systemintegration im Bereich der Telekommunikation Wien GmbH");
    crm.contact(account + "-C1", account, true, "Petra", "Novák", "petra@example.at", null);
    crm.address(account + "-A1", account, "BILLING", "Hauptstraße", "1", "1010", "Wien");
    Api support = Api.as(port, Api.SUPPORT);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !support
                    .get("/api/v1/dead-letters?target=billing&businessKey=" + account)
                    .json()
                    .get("items")
                    .isEmpty());

    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get("http://127.0.0.1:" + port + "/");
    assertThat(browser.getCurrentUrl()).endsWith("/console/");
    signIn(wait, Api.SUPPORT);

    WebElement key = visible(wait, "f-key");
    key.sendKeys(account);
    browser.findElement(By.id("search")).click();
    By open = By.cssSelector("#results button[aria-label*='" + account + "']");
    wait.until(ExpectedConditions.elementToBeClickable(open)).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-title"), account));
    assertThat(browser.findElement(By.id("failures")).getText()).contains("word boundary");
    screenshot("detail");

    browser.findElement(By.id("edit")).click();
    WebElement editor = visible(wait, "body-edit");
    ObjectNode body = (ObjectNode) Json.parse(editor.getAttribute("value"));
    ((ObjectNode) body.get("data")).put("name", "ÖGAD Netzwerkplanung GmbH");
    editor.clear();
    editor.sendKeys(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    browser.findElement(By.id("replay-edited")).click();
    visible(wait, "confirm-ok").click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("outcome"), "Applied"));
    assertThat(browser.findElement(By.id("outcome")).getAttribute("class")).isEqualTo("applied");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("changes"), "$.data.name"));
    assertThat(browser.findElement(By.id("changes")).getText())
        .contains("ÖGAD Netzwerkplanung GmbH");
    assertThat(browser.findElement(By.id("audit")).getText())
        .contains("replay-edited")
        .contains(Api.SUPPORT);
    assertThat(browser.findElement(By.id("meta")).getText()).contains("REPLAYED");
    screenshot("applied");

    Map<String, Object> billing =
        Crm.row(
            TestServers.get().owner("billing"),
            "SELECT name_line1 FROM billing.customer WHERE crm_account_id = ?",
            account);
    assertThat(billing).containsEntry("name_line1", "ÖGAD Netzwerkplanung GmbH");
    JsonNode audit =
        support.get("/api/v1/audit?actor=" + Api.SUPPORT + "&action=replay-edited").json();
    assertThat(audit.get("items")).isNotEmpty();
  }

  @Test
  void supportLooksIntoAParkedMessageAndReleasesIt() throws Exception {
    BillingFixture f = new BillingFixture();
    KafkaTopic inventory = new KafkaTopic(f.servers, "network.inventory.events");
    String known = f.account("ACC-T23-UI-PK1", "Tobias", "Wartner");
    String ba = "BA9230000003";
    String msisdn = "+436641923003";
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get("http://127.0.0.1:" + port + "/console/");
    signIn(wait, Api.SUPPORT);

    // the hub parks the event: it does not know the billing account yet (hub.parking.max-time is
    // 15 s on the test hubs, so support is quick)
    inventory.publish(
        msisdn,
        TestNetwork.inventoryEvent(
            java.util.UUID.randomUUID().toString(),
            "SERVICE_ACTIVATED",
            1,
            "SRV-T23-UI-PK1",
            msisdn,
            ba,
            "ACTIVE",
            ""));
    Api support = Api.as(port, Api.SUPPORT);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !support.get("/api/v1/parked?billingAccount=" + ba).json().get("items").isEmpty());
    visible(wait, "parked-refresh").click();
    By open = By.cssSelector("#parked button[aria-label*='" + ba + "']");
    wait.until(ExpectedConditions.elementToBeClickable(open)).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("parked-detail-title"), ba));
    assertThat(browser.findElement(By.id("parked-meta")).getText()).contains("SERVICE_ACTIVATED");
    assertThat(browser.findElement(By.id("parked-event")).getText())
        .contains(msisdn)
        .contains("SRV-T23-UI-PK1");
    screenshot("parked");

    // the account is known now (without the billing flow, which would release it by itself)
    f.servers.execute(
        "hub",
        "INSERT INTO hub.billing_account_identity (ba_no, cust_no, crm_account_id, customer_id)"
            + " SELECT '"
            + ba
            + "', cust_no, crm_account_id, customer_id FROM hub.billing_account_identity"
            + " WHERE ba_no = '"
            + known
            + "'");
    browser.findElement(By.id("parked-release")).click();
    visible(wait, "confirm-ok").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("parked-outcome"), "Released"));
    await().atMost(Duration.ofSeconds(8)).until(() -> f.service("SRV-T23-UI-PK1") != null);
    assertThat(f.service("SRV-T23-UI-PK1")).containsEntry("ba_no", ba);
    wait.until(
        ExpectedConditions.not(
            ExpectedConditions.textToBePresentInElementLocated(By.id("parked"), ba)));
    screenshot("parked-released");
  }

  /** The number a cell of the overview starts with ("12, oldest 3 min": 12), or -1. */
  static long leadingNumber(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9][0-9,]*)").matcher(text);
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
  }

  /** A cell of an overview row (the page draws the rows anew every few seconds: read again). */
  String overviewCell(By row, String cell) {
    for (int attempt = 1; ; attempt++) {
      try {
        return browser.findElement(row).findElement(By.className(cell)).getText();
      } catch (StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** Publishes the same record {@code times} times, as fast as the broker takes it. */
  static void burst(String topic, String key, String value, int times) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.get().kafkaBootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < times; i++) {
        producer.send(new ProducerRecord<>(topic, key, value));
      }
      producer.flush();
    }
  }

  /**
   * The overview, the first thing after signing in, as operations watch it: billing's dead-letter
   * queue grows (three accounts billing cannot take) and the row says so; then billing falls behind
   * (its consumer stopped while a burst arrives on the customer topic) and turns amber with the lag
   * in words, and green again once it has caught up.
   */
  @Test
  void theOverviewShowsADeadLetterQueueGrowingAndAFlowFallingBehind() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    wait.ignoring(StaleElementReferenceException.class);
    browser.get("http://127.0.0.1:" + port + "/console/");
    signIn(wait, Api.OPERATOR);
    visible(wait, "overview-status");
    By billing = By.cssSelector("#overview-flows tr[data-row='target:billing']");
    wait.until(ExpectedConditions.presenceOfElementLocated(billing));
    wait.until(
        d ->
            d.findElement(billing)
                .findElement(By.tagName("svg"))
                .getAttribute("aria-label")
                .contains("changes in the last hour"));
    long before =
        Api.as(port, Api.SUPPORT)
            .get("/api/v1/overview")
            .json()
            .path("flows")
            .findValues("targets")
            .stream()
            .flatMap(t -> java.util.stream.StreamSupport.stream(t.spliterator(), false))
            .filter(t -> t.path("target").asText().equals("billing"))
            .findFirst()
            .orElseThrow()
            .path("deadLetters")
            .path("open")
            .asLong();

    // billing's dead-letter queue grows: three accounts whose names billing cannot take
    for (int i = 1; i <= 3; i++) {
      String account = "ACC-T23-OV-DL" + i;
      crm.update(
          "INSERT INTO crm.account (account_id, account_type, name, status) VALUES (?, 'B2B', ?,"
              + " 'ACTIVE')",
          account,
          "Österreichische Gesellschaft für angewandte Datenverarbeitung, Netzwerkplanung und"
              + " Systemintegration im Bereich der Telekommunikation Niederösterreich Nummer "
              + i
              + " GmbH");
      crm.contact(account + "-C1", account, true, "Petra", "Novák", "petra@example.at", null);
      crm.address(account + "-A1", account, "BILLING", "Hauptstraße", "1", "1010", "Wien");
    }
    wait.until(d -> leadingNumber(overviewCell(billing, "ov-dead-letters")) >= before + 3);
    long shown = leadingNumber(overviewCell(billing, "ov-dead-letters"));
    assertThat(overviewCell(billing, "ov-dead-letters")).contains("oldest");
    assertThat(overviewCell(billing, "ov-status")).isIn("AMBER", "RED");
    assertThat(overviewCell(billing, "ov-why"))
        .containsPattern("billing: [0-9,]+ open dead letters, oldest [0-9.]+ (s|min|h)");
    assertThat(browser.findElement(By.id("overview-reasons")).getText())
        .contains("billing: " + shown + " open dead letters");
    assertThat(browser.findElement(By.id("overview-status")).getText()).isIn("AMBER", "RED");
    screenshot("overview-dead-letters");

    // billing falls behind: its consumer stops while a burst of 1,500 changes arrives on the
    // customer topic (the same already-applied event again and again: harmless once taken)
    String account = "ACC-T23-OV-LAG";
    crm.person(account, "Lena", "Rückstand", "ACTIVE");
    Crm.awaitPersonSynced(TestServers.get(), account);
    String topic = "canonical.customer.v1";
    List<String> events = new KafkaTopic(TestServers.get(), topic).values(account);
    assertThat(events).isNotEmpty();
    var routes = SharedHub.get().context().getRouteController();
    routes.stopRoute("sink-billing");
    try {
      burst(topic, account, events.get(events.size() - 1), 1500);
      wait.until(
          ExpectedConditions.textMatches(
              By.cssSelector("#overview-flows tr[data-row='target:billing'] .ov-why"),
              java.util.regex.Pattern.compile("billing: lag 1,[0-9]{3} changes, behind")));
      assertThat(overviewCell(billing, "ov-status")).isIn("AMBER", "RED");
      assertThat(leadingNumber(overviewCell(billing, "ov-lag"))).isGreaterThanOrEqualTo(1500);
      assertThat(browser.findElement(By.id("overview-reasons")).getText())
          .containsPattern("billing: lag 1,[0-9]{3} changes, behind");
      // customerdb reads the same topic and keeps up
      By customerdb = By.cssSelector("#overview-flows tr[data-row='target:customerdb']");
      assertThat(overviewCell(customerdb, "ov-why")).doesNotContain("lag");
      screenshot("overview-behind");
    } finally {
      routes.startRoute("sink-billing");
    }
    wait.until(
        ExpectedConditions.not(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#overview-flows tr[data-row='target:billing'] .ov-why"),
                "billing: lag")));
    assertThat(leadingNumber(overviewCell(billing, "ov-lag"))).isLessThan(1000);
  }

  @Test
  void aViewerSeesNoBodyAndNoActions() {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get("http://127.0.0.1:" + port + "/console/");
    signIn(wait, Api.VIEWER);
    assertThat(browser.findElement(By.id("who-name")).getText()).contains("(viewer)");
    // the overview is for every role
    wait.until(
        ExpectedConditions.textMatches(
            By.id("overview-status"), java.util.regex.Pattern.compile("GREEN|AMBER|RED")));
    assertThat(browser.findElement(By.id("replay")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("discard")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("parked-release")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("parked-dead-letter")).isDisplayed()).isFalse();
  }

  @Test
  void anOperatorReconcilesFromTheConsoleAndReadsWhichRecordsDiffer() {
    String account = "ACC-CON-REC1";
    new Crm(TestServers.get()).person(account, "Rosa", "Konsole", "ACTIVE");
    Crm.awaitPersonSynced(TestServers.get(), account);
    TestServers.get()
        .execute(
            "billing",
            "UPDATE billing.customer SET city = 'Linz' WHERE crm_account_id = '" + account + "'");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get("http://127.0.0.1:" + port + "/console/");
    signIn(wait, Api.OPERATOR);
    visible(wait, "reconcile-start").click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("reconcile-info"), "Done."));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-records"), account));
    String row =
        browser.findElements(By.cssSelector("#run-records tbody tr")).stream()
            .map(WebElement::getText)
            .filter(t -> t.contains(account))
            .findFirst()
            .orElseThrow();
    assertThat(row).contains("crm->billing").contains("DIFFERENT").contains("city");
    assertThat(row).doesNotContain("Linz");
    assertThat(browser.findElement(By.id("drift-info")).getText()).contains("fits");
  }
}
