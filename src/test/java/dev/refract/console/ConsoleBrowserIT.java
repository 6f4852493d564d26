package dev.refract.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.Keycloak;
import dev.refract.support.PostgresResource;
import dev.refract.support.PspStandIn;
import dev.refract.support.Reconciling;
import dev.refract.support.StripeStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: headless Chromium, driven through chromedriver, against the packaged application
 * on the real database with its background workers live. An operator signs in, finds a refund by filter, opens it,
 * resolves a MANUAL_REVIEW refund from the Needs attention page and sees the decision in its timeline; every page
 * is photographed at 1280 px and at 390 px. Operators also sign in as themselves, through a real Keycloak's own
 * login page ({@link Keycloak}; skipped where Keycloak cannot run, unless {@code REFRACT_KEYCLOAK=required}).
 *
 * <p>Chromium and chromedriver come from Debian's packages ({@code apt-get install chromium chromium-driver});
 * {@code refract.browser.chromium} and {@code refract.browser.chromedriver} point elsewhere. Without them the test
 * is skipped, unless {@code REFRACT_BROWSER=required} (or {@code -Drefract.browser=required}; CI sets it), where a
 * missing browser fails it. Screenshots go
 * to {@code target/console-screenshots}, or to {@code -Drefract.console.screenshots=docs/console} to refresh the
 * documentation's.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(PspStandIn.class)
@WithTestResource(Keycloak.class)
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("refract.browser.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("refract.browser.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SHOTS =
            Path.of(System.getProperty("refract.console.screenshots", "target/console-screenshots"));
    private static final List<Integer> WIDTHS = List.of(1280, 390);
    private static final int MAX_SHOT_HEIGHT = 2200;

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void startBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"required".equals(System.getProperty("refract.browser", System.getenv("REFRACT_BROWSER")))) {
            Assumptions.assumeTrue(present, "no " + CHROMIUM + " or " + CHROMEDRIVER + ": browser tests skipped");
        }
        assertTrue(present, "the browser tests are required here, and need " + CHROMIUM + " and " + CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,900",
                "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Each test starts signed out, whichever test ran before it and however it ended. */
    @BeforeEach
    void signedOut() {
        open("console/sign-in");
        browser.manage().deleteAllCookies();
    }

    @Test
    void anOperatorFindsARefundAndResolvesAManualReview() throws IOException {
        Api.TestMerchant m = Api.newMerchant();
        // the merchant's receiver is down: its notifications fail and wait in the outbox
        Api.admin()
                .body("{\"webhook_url\":\"http://127.0.0.1:9/refunds\",\"webhook_secret\":\"whsec_console\"}")
                .put("/admin/v1/merchants/" + m.id())
                .then()
                .statusCode(200);
        String yen = Api.refundId();
        String yenPayment = Api.payment(1_000, "JPY");
        m.create(Api.body(yen, yenPayment, 500L, "JPY", null)).then().statusCode(200);
        String dinar = Api.refundId();
        m.create(Api.body(dinar, Api.payment(10_000, "KWD"), 5_120L, "KWD", null))
                .then()
                .statusCode(200);
        String stuck = Api.refundId();
        m.create(Api.body(
                        stuck,
                        Api.payment(10_000, "USD"),
                        1_000L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200);
        // the live janitor retries it until it gives up to MANUAL_REVIEW
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> m.get(stuck).then().body("status", equalTo("MANUAL_REVIEW")));

        Api.TestMerchant shop = stripeTraffic();

        // signing in: any console page sends the browser to the form first
        open("console/refunds");
        assertTrue(browser.getCurrentUrl().contains("/console/sign-in"), browser.getCurrentUrl());
        shoot("sign-in");
        browser.findElement(By.id("token")).sendKeys(Api.ADMIN_TOKEN);
        follow(browser.findElement(By.id("sign-in-button")));
        assertEquals("Refunds", heading());
        assertFalse(browser.getCurrentUrl().contains(Api.ADMIN_TOKEN));

        // finding a refund by filter
        new Select(browser.findElement(By.id("f-merchant"))).selectByValue(m.id());
        follow(browser.findElement(By.id("f-apply")));
        assertEquals(List.of(stuck, dinar, yen), listedRefunds(), "the merchant's refunds, newest first");
        assertTrue(table().contains("¥500"), table());
        assertTrue(table().contains("5.120 KWD"), table());
        shoot("refunds");
        browser.findElement(By.id("f-transaction")).sendKeys(yenPayment);
        new Select(browser.findElement(By.id("f-status"))).selectByValue("SUCCEEDED");
        follow(browser.findElement(By.id("f-apply")));
        assertEquals(List.of(yen), listedRefunds());

        // opening it
        follow(browser.findElement(By.linkText(yen)));
        assertTrue(heading().startsWith("Refund " + yen), heading());
        String fields = browser.findElement(By.id("fields")).getText();
        assertTrue(fields.contains(yenPayment), fields);
        assertTrue(fields.contains("¥500"), fields);
        assertTrue(browser.findElement(By.id("timeline")).getText().contains("SUCCEEDED"));

        // resolving the MANUAL_REVIEW one from Needs attention
        open("console/attention");
        assertEquals("Needs attention", heading());
        shoot("attention");
        follow(browser.findElement(By.linkText(stuck)));
        assertTrue(heading().contains("MANUAL_REVIEW"), heading());
        new Select(browser.findElement(By.id("resolve-status"))).selectByValue("SUCCEEDED");
        browser.findElement(By.id("resolve-reason")).sendKeys("refund found settled in the PSP's dashboard");
        follow(browser.findElement(By.id("resolve")));
        assertTrue(heading().contains("SUCCEEDED"), heading());
        assertTrue(
                browser.findElement(By.cssSelector("[role=status]")).getText().contains("resolved"));
        String timeline = browser.findElement(By.id("timeline")).getText();
        assertTrue(timeline.contains("operator: refund found settled in the PSP's dashboard"), timeline);
        assertTrue(timeline.contains("MANUAL_REVIEW"), timeline);
        shoot("refund");
        m.get(stuck).then().body("status", equalTo("SUCCEEDED"));
        open("console/attention");
        assertFalse(listedRefunds().contains(stuck), "no longer needs attention");

        // the other pages
        open("console/psps");
        assertEquals("PSPs", heading());
        String stripe = browser.findElement(By.id("psp-stripe")).getText();
        // three refunds made at one attempt each, one that failed twice; the live janitor may have added its syncs
        // and resends since
        Matcher calls = Pattern.compile("(\\d+) attempts · (\\d+) failed").matcher(stripe);
        assertTrue(calls.find(), stripe);
        assertTrue(Integer.parseInt(calls.group(1)) >= 5, stripe);
        assertTrue(Integer.parseInt(calls.group(2)) >= 2, stripe);
        assertFalse(
                browser.findElements(By.cssSelector("#psp-stripe svg.chart rect"))
                        .isEmpty(),
                "bars drawn");
        // the replica reports them for the fleet's view, on its own schedule
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> Db.count("select count(*) from psp_call_slots where connector = 'stripe' and attempts > 0")
                        > 0);
        assertEquals(
                6,
                Db.count(
                        "select count(distinct connector) from psp_breakers where reported_at > now() - interval '1 minute'"));
        shoot("psps");
        open("console/merchants");
        assertEquals("Merchants", heading());
        shoot("merchants");
        open("console/merchants/" + shop.id());
        assertTrue(heading().contains(shop.id()), heading());
        String accounts = browser.findElement(By.id("accounts")).getText();
        assertTrue(accounts.contains("stripe"), accounts);
        assertTrue(accounts.contains("api_key"), accounts);
        assertFalse(browser.getPageSource().contains("sk_test_console"), "an account's secret is never shown");
        shoot("merchant");
        open("console/outbox");
        assertEquals("Outbox", heading());
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .pollingEvery(Duration.ofMillis(500))
                .until(d -> {
                    d.navigate().refresh();
                    return !d.findElements(By.linkText(yen)).isEmpty();
                });
        String failing = browser.findElement(By.id("failing")).getText();
        assertTrue(failing.contains("refund.pending"), failing);
        assertTrue(failing.contains("Connection refused") || failing.contains("connection refused"), failing);
        shoot("outbox");
        WebElement row = browser.findElement(By.linkText(yen)).findElement(By.xpath("./ancestor::tr"));
        follow(row.findElement(By.cssSelector("button[id^=retry-]")));
        assertTrue(
                browser.findElement(By.cssSelector("[role=status]")).getText().contains("due now"),
                browser.getPageSource());

        // signing out ends the session
        follow(browser.findElement(By.id("sign-out")));
        assertTrue(browser.getCurrentUrl().contains("/console/sign-in"), browser.getCurrentUrl());
        open("console/refunds");
        assertTrue(browser.getCurrentUrl().contains("/console/sign-in"), browser.getCurrentUrl());
    }

    /**
     * A day of a Stripe account reconciled: the operator finds the run on the Reconciliation page, opens it, and
     * follows its mismatched exception to the refund, which waits in MANUAL_REVIEW with both sides' amounts named.
     */
    @Test
    void anOperatorFollowsAReconciliationsExceptionToItsRefund() throws IOException {
        Api.TestMerchant m = Reconciling.stripeMerchant();
        Instant from = Instant.now().minusSeconds(5);
        String agrees = "settled_" + m.id();
        String differs = "differs_" + m.id();
        String missing = "missing_" + m.id();
        Reconciling.stripeRefund(m, agrees, "pi_agrees_" + m.id(), 2_500, "EUR", "re_agrees_" + m.id(), "succeeded");
        Reconciling.stripeRefund(m, differs, "pi_differs_" + m.id(), 1_000, "EUR", "re_differs_" + m.id(), "succeeded");
        Reconciling.stripeRefund(m, missing, "pi_missing_" + m.id(), 700, "EUR", "re_missing_" + m.id(), "succeeded");
        PspStandIn.server()
                .stubFor(Reconciling.stripeListing(null)
                        .willReturn(Reconciling.ok(Reconciling.stripePage(
                                List.of(
                                        Reconciling.stripeRefundJson(
                                                "re_agrees_" + m.id(),
                                                "pi_agrees_" + m.id(),
                                                2_500,
                                                "EUR",
                                                "succeeded",
                                                agrees),
                                        Reconciling.stripeRefundJson(
                                                "re_differs_" + m.id(),
                                                "pi_differs_" + m.id(),
                                                950,
                                                "EUR",
                                                "succeeded",
                                                differs),
                                        Reconciling.stripeRefundJson(
                                                "re_dashboard_" + m.id(),
                                                "pi_dashboard_" + m.id(),
                                                1_200,
                                                "EUR",
                                                "succeeded",
                                                null)),
                                false))));
        String runId = Reconciling.start(m.id(), "stripe", from, Instant.now());
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "completed".equals(Reconciling.read(runId).getString("status")));

        open("console/reconciliation");
        if (browser.getCurrentUrl().contains("/console/sign-in")) {
            browser.findElement(By.id("token")).sendKeys(Api.ADMIN_TOKEN);
            follow(browser.findElement(By.id("sign-in-button")));
            open("console/reconciliation");
        }
        assertEquals("Reconciliation", heading());
        new Select(browser.findElement(By.id("r-merchant"))).selectByValue(m.id());
        follow(browser.findElement(By.id("r-apply")));
        String runs = browser.findElement(By.id("runs")).getText();
        assertTrue(runs.contains(runId) && runs.contains("completed"), runs);
        shoot("reconciliation");

        follow(browser.findElement(By.linkText(runId)));
        assertEquals("1", browser.findElement(By.id("count-matched")).getText());
        assertEquals("1", browser.findElement(By.id("count-adopted")).getText());
        assertEquals("1", browser.findElement(By.id("count-mismatched")).getText());
        assertEquals("1", browser.findElement(By.id("count-missing")).getText());
        String exceptions = browser.findElement(By.id("exceptions")).getText();
        assertTrue(
                exceptions.contains("the PSP reported 950") && exceptions.contains("the refund is 1000"), exceptions);
        shoot("reconciliation-run");

        follow(browser.findElement(By.linkText(differs)));
        assertTrue(heading().contains("MANUAL_REVIEW"), heading());
        String fields = browser.findElement(By.id("fields")).getText();
        assertTrue(fields.contains("connector_mismatch"), fields);
        assertTrue(browser.findElement(By.id("timeline")).getText().contains("RECONCILIATION"));

        open("console/attention");
        String attention =
                browser.findElement(By.id("reconciliation-exceptions")).getText();
        assertTrue(attention.contains(differs) && attention.contains(missing), attention);
        follow(browser.findElement(By.id("sign-out")));
    }

    /**
     * Operators sign in as themselves through Keycloak's own login page, as they would at work: a viewer sees no
     * action and is refused when posting one anyway; an operator's resolution names them in the refund's timeline
     * and on the Audit page.
     */
    @Test
    void operatorsSignInThroughKeycloakAndAreNamedForWhatTheyDo() throws IOException {
        Keycloak.assumeAvailable();
        Api.TestMerchant m = Api.newMerchant();
        String stuck = Api.refundId();
        m.create(Api.body(
                        stuck,
                        Api.payment(10_000, "USD"),
                        1_500L,
                        "USD",
                        "\"connector_options\":{\"sandbox_outcome\":\"error\",\"sandbox_failures\":100}"))
                .then()
                .statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> m.get(stuck).then().body("status", equalTo("MANUAL_REVIEW")));
        String refund = "console/refunds/" + m.id() + "/" + stuck;

        // a viewer: Keycloak's login page, then the console with their name and no action
        signInThroughKeycloak(Keycloak.VIEWER);
        assertTrue(browser.findElement(By.id("who")).getText().contains("Vera Viewer"));
        open(refund);
        assertTrue(heading().contains("MANUAL_REVIEW"), heading());
        assertTrue(browser.findElements(By.id("resolve-form")).isEmpty(), "a viewer sees no resolve form");
        assertTrue(browser.findElements(By.id("sync")).isEmpty(), "a viewer sees no sync button");
        // posting the form anyway, with the session's own CSRF token: refused, and nothing changes
        String csrf = browser.findElement(By.cssSelector("input[name=csrf]")).getAttribute("value");
        ((JavascriptExecutor) browser)
                .executeScript(
                        "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                                + " for (const [k, v] of Object.entries(arguments[1])) {"
                                + " const i = document.createElement('input'); i.type = 'hidden'; i.name = k;"
                                + " i.value = v; f.appendChild(i); }"
                                + " document.body.appendChild(f); f.submit();",
                        "/" + refund + "/resolve",
                        java.util.Map.of("csrf", csrf, "status", "SUCCEEDED", "reason", "a viewer tries"));
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.getPageSource().contains("Your role (viewer) cannot do this"));
        m.get(stuck).then().body("status", equalTo("MANUAL_REVIEW"));
        open(refund);
        follow(browser.findElement(By.id("sign-out")));
        forgetKeycloaksSession();

        // an operator resolves it, and is named for it
        signInThroughKeycloak(Keycloak.OPERATOR);
        open(refund);
        new Select(browser.findElement(By.id("resolve-status"))).selectByValue("FAILED");
        browser.findElement(By.id("resolve-reason")).sendKeys("no trace of it at the PSP");
        follow(browser.findElement(By.id("resolve")));
        assertTrue(heading().contains("FAILED"), heading());
        String timeline = browser.findElement(By.id("timeline")).getText();
        assertTrue(timeline.contains("Otto Operator"), timeline);
        assertTrue(timeline.contains("operator: no trace of it at the PSP"), timeline);
        m.get(stuck).then().body("status", equalTo("FAILED"));
        open("console/audit?merchant=" + m.id());
        assertEquals("Audit", heading());
        String audit = browser.findElement(By.id("audit")).getText();
        assertTrue(audit.contains("Otto Operator"), audit);
        assertTrue(audit.contains("refund.resolve"), audit);
        assertTrue(audit.contains("merchants/" + m.id() + "/refunds/" + stuck), audit);
        shoot("audit");
        follow(browser.findElement(By.id("sign-out")));
        forgetKeycloaksSession();
    }

    /** "Sign in with SSO", Keycloak's own form, and back to the console's first page. */
    private void signInThroughKeycloak(Keycloak.User user) {
        open("console/sign-in");
        follow(browser.findElement(By.id("sso")));
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(d -> !d.findElements(By.id("kc-form-login")).isEmpty());
        assertTrue(browser.getCurrentUrl().startsWith(Keycloak.issuer()), browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys(user.username());
        browser.findElement(By.id("password")).sendKeys(user.password());
        browser.findElement(By.id("kc-login")).click();
        // the console's own page after the provider's redirects, then on to the refunds
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(d -> d.getCurrentUrl().contains("/console/refunds")
                        && !d.findElements(By.id("who")).isEmpty());
        assertEquals("Refunds", heading());
        assertFalse(browser.getCurrentUrl().contains("code="), browser.getCurrentUrl());
    }

    /** Keycloak's own session would sign the next user in as the last one: the browser forgets it. */
    private void forgetKeycloaksSession() {
        browser.get(Keycloak.issuer() + "/account");
        browser.manage().deleteAllCookies();
        open("console/sign-in");
        browser.manage().deleteAllCookies();
    }

    /**
     * Calls for the PSP page to chart: another merchant's four refunds through the Stripe stand-in, one of which
     * meets a Stripe that answers 500 to both attempts (the refund waits for the janitor).
     */
    private static Api.TestMerchant stripeTraffic() {
        Api.TestMerchant shop = Api.newMerchant();
        shop.useConnector("stripe", "{\"credentials\":{\"api_key\":\"sk_test_console\"}}");
        String failing = "pi_console_failing_" + System.nanoTime();
        PspStandIn.server()
                .stubFor(post(urlEqualTo("/stripe/v1/refunds"))
                        .withRequestBody(containing(failing))
                        .atPriority(1)
                        .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"type\":\"api_error\"}}")));
        for (int i = 0; i < 4; i++) {
            String payment = i == 3 ? failing : "pi_console_" + i + "_" + System.nanoTime();
            StripeStandIn.capture(payment, 2_000);
            shop.create(Api.body(
                            Api.refundId(),
                            payment,
                            1_250L,
                            "USD",
                            "\"payment_amount\":{\"minor_amount\":2000,\"currency\":\"USD\"}"))
                    .then()
                    .statusCode(200);
        }
        return shop;
    }

    /**
     * Clicks a link or a form's button and waits for the page it leads to: a mark left on the old page's window is
     * gone once the browser shows a new document. Asking an element of the old page whether it is stale instead
     * races the navigation: while the old document is torn down, chromedriver may answer with an inspector error
     * ("Node with given id does not belong to the document") rather than a stale-element one.
     */
    private static void follow(WebElement element) {
        JavascriptExecutor page = (JavascriptExecutor) browser;
        page.executeScript("window.refractLeftPage = true");
        element.click();
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d)
                        .executeScript(
                                "return window.refractLeftPage === undefined && document.readyState === 'complete'")));
    }

    private void open(String path) {
        browser.get(root.toString() + path);
    }

    private static String heading() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    private static String table() {
        return browser.findElement(By.cssSelector("main table")).getText();
    }

    private static List<String> listedRefunds() {
        return browser.findElements(By.cssSelector("main table tbody td.id a")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** The whole page at each width, as a PNG named after it. */
    private static void shoot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        Dimension before = browser.manage().window().getSize();
        for (int width : WIDTHS) {
            browser.manage().window().setSize(new Dimension(width, 900));
            JavascriptExecutor page = (JavascriptExecutor) browser;
            // the window is taller than the page's viewport by the browser's own frame
            long frame = 900 - (Long) page.executeScript("return window.innerHeight");
            long height = (Long) page.executeScript("return document.documentElement.scrollHeight");
            browser.manage().window().setSize(new Dimension(width, (int) (Math.min(height, MAX_SHOT_HEIGHT) + frame)));
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve(name + "-" + width + ".png"), png);
        }
        browser.manage().window().setSize(before);
    }
}
