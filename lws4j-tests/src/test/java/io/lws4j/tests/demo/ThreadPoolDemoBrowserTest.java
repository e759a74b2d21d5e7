package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.examples.threadpool.DemoOptions;
import io.lws4j.examples.threadpool.ThreadPoolDemo;
import io.lws4j.tests.support.ExternalTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The threadpool demo's page in headless Chromium: every admitted connection's bar reaches
 * 100 % with every position exactly once, connections beyond threads + queue show
 * "refused", and the pool panel shows the pool's numbers. Saves screenshots under
 * {@code target/screenshots/}.
 */
class ThreadPoolDemoBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /**
     * 3 workers, queue 8; each task sleeps 30 x 400 ms (12 s at the least) and sends 11
     * positions. The first wave must still run while the browser opens all 16 connections:
     * 12 s leaves a loaded machine room for that, and 4 waves keep the test under a minute.
     * The last queued task starts after 3 waves (36 s at the least), past the demo's default
     * 30 s start timeout: the test gives it 180 s, so only the pool's queue decides.
     */
    private static final String[] FAST_FLAGS = {"--port", "0", "--bind", "127.0.0.1",
        "--threads", "3", "--queue", "8", "--end", "3000000", "--step", "100000",
        "--sleep-ms", "400", "--sync-every", "300000", "--start-timeout", "180", "--quiet"};

    /**
     * Selenium warns on every start that it has no CDP bindings for this Chromium version;
     * the test uses WebDriver only, so the warning is noise. Held here so the levels stick.
     */
    private static final List<java.util.logging.Logger> QUIET_LOGGERS = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium"));

    static {
        QUIET_LOGGERS.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
    }

    @TempDir
    Path profile;

    private ThreadPoolDemo demo;
    private WebDriver browser;
    private final ByteArrayOutputStream demoOut = new ByteArrayOutputStream();

    @BeforeEach
    void startDemoAndBrowser() throws Exception {
        Path chromium = ExternalTools.requireChromium();
        Path chromedriver = ExternalTools.requireChromedriver();
        demo = ThreadPoolDemo.start(DemoOptions.parse(FAST_FLAGS),
                new PrintStream(demoOut, true, StandardCharsets.UTF_8));
        browser = startChromium(chromium, chromedriver, profile);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (demo != null) {
            demo.shutdown("test end");
        }
    }

    @Test
    void admittedBarsReachTheEndWithEveryPositionOnceAndSurplusIsRefused() throws Exception {
        // --end 3,000,000 in steps of 100,000, a position every 300,000: the start and ten more.
        List<Long> expected = List.of(0L, 300_000L, 600_000L, 900_000L, 1_200_000L, 1_500_000L,
                1_800_000L, 2_100_000L, 2_400_000L, 2_700_000L, 3_000_000L);
        browser.get("http://127.0.0.1:" + demo.port() + "/");

        // The page opens 8 at once; open 8 more while the first tasks still run (each takes
        // 12 s at the least), so 3 run + 8 wait and the 5 beyond that are refused.
        waitUntil(Duration.ofSeconds(20), "the first 8 connections to open",
                () -> count("return lws4jDemo.connections.length") == 8
                        && countStates("connecting") == 0);
        assertThat(countStates("queued", "running"))
                .as("the first 8 are all open and none has finished yet").isEqualTo(8);
        browser.findElement(By.id("open-more")).click();
        waitUntil(Duration.ofSeconds(20), "all 16 connections to open or be refused",
                () -> count("return lws4jDemo.connections.length") == 16
                        && countStates("connecting") == 0);
        // While the first wave runs, the panel shows a full pool: 3 of 3 busy, 8 of 8 waiting.
        waitUntil(Duration.ofSeconds(20), "the pool panel to show 3 busy and 8 waiting",
                () -> text("pool-ongoing").equals("3") && text("pool-queue").equals("8"));
        assertThat(text("pool-possible")).isEqualTo("3");
        assertThat(text("pool-max-queue")).isEqualTo("8");
        assertThat(countStates("running")).isEqualTo(3);
        assertThat(countStates("queued")).isEqualTo(8);
        assertThat(countStates("refused")).isEqualTo(5);
        screenshot("threadpool-demo-running.png");

        waitUntil(Duration.ofSeconds(240), "every connection to settle",
                () -> Boolean.TRUE.equals(js("return lws4jDemo.allSettled()")));

        List<Map<String, Object>> conns = connections();
        assertThat(conns).hasSize(16);
        List<Long> finishedIndexes = new ArrayList<>();
        for (Map<String, Object> c : conns) {
            long index = (Long) c.get("index");
            String state = (String) c.get("state");
            if (index <= 8) {
                assertThat(state).as("connection %d of the first 8", index).isEqualTo("finished");
            }
            if (state.equals("finished")) {
                finishedIndexes.add(index);
                assertThat(c.get("closeCode")).as("close code of %d", index).isEqualTo(1000L);
                assertThat(c.get("positions")).as("positions of %d", index).isEqualTo(expected);
                assertThat(c.get("anomalies")).isEqualTo(0L);
                WebElement row = browser.findElement(By.id("conn-" + index));
                assertThat(row.getDomAttribute("data-percent")).isEqualTo("100");
                assertThat(row.getDomAttribute("data-messages")).isEqualTo(
                        String.valueOf(expected.size()));
                assertThat(row.findElement(By.className("conn-msgs")).getText())
                        .isEqualTo(expected.size() + " / " + expected.size());
            } else {
                assertThat(state).as("connection %d", index).isEqualTo("refused");
                assertThat(c.get("closeCode")).isEqualTo(1013L);
                assertThat(c.get("closeReason")).isEqualTo("threadpool queue full");
                assertThat((List<?>) c.get("positions")).isEmpty();
                WebElement row = browser.findElement(By.id("conn-" + index));
                assertThat(row.findElement(By.className("badge")).getText())
                        .isEqualToIgnoringCase("refused");
            }
        }
        assertThat(finishedIndexes).hasSize(11);

        // The panel, once the pool is idle again: its numbers and the demo's counters.
        waitUntil(Duration.ofSeconds(30), "the pool panel to show the idle pool",
                () -> text("pool-ongoing").equals("0") && text("stat-finished").equals("11"));
        assertThat(browser.findElement(By.id("pool")).getDomAttribute("data-live")).isEqualTo("true");
        assertThat(text("pool-possible")).isEqualTo("3");
        assertThat(text("pool-queue")).isEqualTo("0");
        assertThat(text("pool-max-queue")).isEqualTo("8");
        assertThat(text("pool-peak-ongoing")).isEqualTo("3");
        assertThat(text("pool-peak-queue")).isEqualTo("8");
        assertThat(text("stat-admitted")).isEqualTo("11");
        assertThat(text("stat-refused")).isEqualTo("5");
        assertThat(text("stat-duplicates")).isEqualTo("0");
        assertThat(text("stat-messages")).isEqualTo(String.valueOf(11 * expected.size()));
        screenshot("threadpool-demo-done.png");
    }

    private static WebDriver startChromium(Path chromium, Path chromedriver, Path userDataDir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--window-size=1280,1000");
        // An explicit driver executable keeps Selenium Manager from looking for (or
        // downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private long count(String script, Object... args) {
        Object o = js(script, args);
        return o instanceof Number n ? n.longValue() : -1;
    }

    private long countStates(String... states) {
        return count("var wanted = Array.prototype.slice.call(arguments);"
                + " return lws4jDemo.connections.filter(function (c) {"
                + " return wanted.indexOf(c.state) >= 0; }).length;", (Object[]) states);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> connections() {
        return (List<Map<String, Object>>) js("return lws4jDemo.connections.map(function (c) {"
                + " return {index: c.index, state: c.state, positions: c.positions,"
                + " messages: c.messages, anomalies: c.anomalies, closeCode: c.closeCode,"
                + " closeReason: c.closeReason}; });");
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    private void waitUntil(Duration limit, String what, java.util.function.BooleanSupplier cond)
            throws IOException {
        try {
            new WebDriverWait(browser, limit, Duration.ofMillis(100))
                    .withMessage(() -> "waiting for " + what + "; demo said:\n" + demoOut)
                    .until(d -> cond.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("threadpool-demo-failure.png");
            throw e;
        }
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
    }
}
