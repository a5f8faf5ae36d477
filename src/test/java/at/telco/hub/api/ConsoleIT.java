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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser, as support uses it at 3 a.m.: sign in, find a dead letter by
 * business key, edit the field billing refused, replay, see it applied. Headless Chromium from
 * Debian's {@code chromium} and {@code chromium-driver} packages (.ci/run installs them); nothing
 * is downloaded at test time.
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

  @Test
  void aViewerSeesNoBodyAndNoActions() {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    browser.get("http://127.0.0.1:" + port + "/console/");
    signIn(wait, Api.VIEWER);
    assertThat(browser.findElement(By.id("who-name")).getText()).contains("(viewer)");
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
