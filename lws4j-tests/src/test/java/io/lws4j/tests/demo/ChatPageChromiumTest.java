package io.lws4j.tests.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.examples.chat.ChatServer;
import io.lws4j.tests.support.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
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
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat example's page in headless Chromium, one window per person: two people in the
 * same room each see both messages (their own and the other's) in the order the room relayed
 * them, a person in another room sees neither (and they never see hers), and a wrong token
 * shows the refusal on the page, also when tokens are looked up on a worker thread and the
 * handshake decided from there; switching rooms leaves the first and keeps the page usable.
 * The server runs in this JVM on an ephemeral port with two service loops, so the members of
 * a room may be on different loops. Saves screenshots under {@code target/screenshots/}.
 */
class ChatPageChromiumTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String TOKEN = "s3cret-token";
    /** Liveness bound for anything the page waits on; generous for a loaded 2-core machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The simulated duration of a token lookup in the deferred-decision test. */
    private static final long LOOKUP_DELAY_MILLIS = 300;

    /** Selenium warns on every start that it has no CDP bindings for this Chromium version. */
    private static final List<java.util.logging.Logger> QUIET_LOGGERS = List.of(
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium"));

    static {
        QUIET_LOGGERS.forEach(l -> l.setLevel(java.util.logging.Level.SEVERE));
    }

    @TempDir
    Path profile;

    private ChatServer server;
    private WebDriver browser;

    @BeforeEach
    void startServerAndBrowser() {
        Path chromium = ExternalTools.requireChromium();
        Path chromedriver = ExternalTools.requireChromedriver();
        server = ChatServer.start("127.0.0.1", 0, Set.of(TOKEN), 2, 0);
        browser = startChromium(chromium, chromedriver, profile);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoWindowsInARoomSeeEachOthersMessagesAndNobodyElseDoes() throws IOException {
        Window alice = Window.first(this, "alice");
        Window bob = Window.open(this, "bob");
        Window carol = Window.open(this, "carol");
        alice.join("lobby", TOKEN);
        bob.join("lobby", TOKEN);
        carol.join("kitchen", TOKEN);
        waitUntil("the server to count 2 in lobby and 1 in kitchen",
                () -> server.members("lobby") == 2 && server.members("kitchen") == 1);

        // One at a time, so the room's order is the sending order for everyone.
        alice.say("hello from alice");
        alice.awaitMessages("alice: hello from alice");
        bob.awaitMessages("alice: hello from alice");
        bob.say("hi alice, bob here");
        bob.awaitMessages("alice: hello from alice", "bob: hi alice, bob here");
        alice.awaitMessages("alice: hello from alice", "bob: hi alice, bob here");

        // Carol's room got neither. Any stray lobby write to her connection was queued before
        // the echo of her own message, so once she sees that echo she would have seen it.
        carol.say("anyone in the kitchen?");
        carol.awaitMessages("carol: anyone in the kitchen?");
        // And the lobby never gets hers: alice's next message comes after carol's relay.
        alice.say("still here");
        List<String> lobby = List.of("alice: hello from alice", "bob: hi alice, bob here",
                "alice: still here");
        alice.awaitMessages(lobby.toArray(String[]::new));
        bob.awaitMessages(lobby.toArray(String[]::new));
        carol.activate();
        assertThat(carol.messages()).containsExactly("carol: anyone in the kitchen?");

        alice.activate();
        assertThat(browser.findElements(By.cssSelector("#log .msg.mine")))
                .extracting(WebElement::getText)
                .as("alice's own messages are marked as hers")
                .containsExactly("alice: hello from alice", "alice: still here");
        screenshot("chat-alice.png");
        bob.activate();
        screenshot("chat-bob.png");
        carol.activate();
        screenshot("chat-carol.png");
    }

    @Test
    void wrongTokenShowsTheRefusalAndJoinsNothing() throws IOException {
        Window alice = Window.first(this, "alice");
        alice.join("lobby", TOKEN);
        waitUntil("alice to be in lobby", () -> server.members("lobby") == 1);

        Window mallory = Window.open(this, "mallory");
        mallory.fill("room", "lobby");
        mallory.fill("token", "not-the-token");
        browser.findElement(By.id("join-button")).click();
        waitUntil("the page to show the refusal",
                () -> mallory.status().contains("refused"));
        assertThat(mallory.status()).isEqualTo(
                "could not join room lobby: connection refused by server (wrong token?)");
        assertThat(browser.findElement(By.id("status")).getDomAttribute("class"))
                .contains("error");
        assertThat(browser.findElement(By.id("text")).isEnabled()).as("send box").isFalse();
        assertThat(browser.findElement(By.id("send")).isEnabled()).as("send button").isFalse();
        screenshot("chat-refused.png");

        alice.say("only alice here");
        alice.awaitMessages("alice: only alice here");
        mallory.activate();
        assertThat(mallory.messages()).isEmpty();
        assertThat(server.members("lobby")).isEqualTo(1);

        // With the right token the same window joins.
        mallory.join("lobby", TOKEN);
        waitUntil("the server to count 2 in lobby", () -> server.members("lobby") == 2);
        mallory.say("let me in");
        mallory.awaitMessages("mallory: let me in");
        alice.awaitMessages("alice: only alice here", "mallory: let me in");
    }

    @Test
    void joiningAnotherRoomLeavesTheFirstAndKeepsTheNewOneUsable() {
        Window alice = Window.first(this, "alice");
        // Counts the close events of every socket the page opens from now on. The counter
        // listener is added before the page sets onclose, so it runs first in the same
        // dispatch: once the count shows, the page's own handler has run too.
        js("window.closedSockets = 0; const Native = window.WebSocket;"
                + " window.WebSocket = class extends Native { constructor(url) { super(url);"
                + " this.addEventListener('close', () => { window.closedSockets++; }); } };");
        alice.join("hall", TOKEN);
        waitUntil("alice to be in hall", () -> server.members("hall") == 1);
        alice.join("garden", TOKEN);
        waitUntil("alice to have left hall for garden",
                () -> server.members("hall") == 0 && server.members("garden") == 1);
        // The first room's socket reports its close after the second one opened; the page
        // must not let that close touch the new room.
        waitUntil("the first room's close to reach the page",
                () -> Long.valueOf(1).equals(js("return window.closedSockets;")));
        assertThat(alice.status()).isEqualTo("in room garden as alice");
        assertThat(browser.findElement(By.id("send")).isEnabled()).isTrue();
        alice.say("in the garden");
        alice.awaitMessages("alice: in the garden");
        assertThat(browser.findElements(By.cssSelector("#log .notice"))).extracting(WebElement::getText)
                .containsExactly("joined room hall", "left room hall", "joined room garden");
    }

    @Test
    void withTokensLookedUpOnAWorkerThePageJoinsAndShowsRefusalsAlike() {
        // Decisions completed later from the lookup thread, while the loops serve the rest.
        server.close();
        server = ChatServer.start("127.0.0.1", 0, Set.of(TOKEN), 2, LOOKUP_DELAY_MILLIS);
        Window alice = Window.first(this, "alice");
        Window mallory = Window.open(this, "mallory");
        alice.join("lobby", TOKEN);
        mallory.fill("room", "lobby");
        mallory.fill("token", "not-the-token");
        browser.findElement(By.id("join-button")).click();
        waitUntil("the page to show the refusal", () -> mallory.status().equals(
                "could not join room lobby: connection refused by server (wrong token?)"));
        alice.say("looked up");
        alice.awaitMessages("alice: looked up");
        assertThat(mallory.messages()).isEmpty();
        assertThat(server.members("lobby")).isEqualTo(1);
    }

    /** One person's window on the chat page. */
    private record Window(ChatPageChromiumTest test, String handle, String name) {
        static Window first(ChatPageChromiumTest test, String name) {
            return load(test, test.browser.getWindowHandle(), name);
        }

        static Window open(ChatPageChromiumTest test, String name) {
            WebDriver w = test.browser.switchTo().newWindow(WindowType.WINDOW);
            return load(test, w.getWindowHandle(), name);
        }

        private static Window load(ChatPageChromiumTest test, String handle, String name) {
            Window window = new Window(test, handle, name);
            test.browser.get("http://127.0.0.1:" + test.server.port() + "/");
            window.fill("name", name);
            return window;
        }

        void activate() {
            if (!test.browser.getWindowHandle().equals(handle)) {
                test.browser.switchTo().window(handle);
            }
        }

        void fill(String id, String value) {
            activate();
            WebElement input = test.browser.findElement(By.id(id));
            input.clear();
            input.sendKeys(value);
        }

        void join(String room, String token) {
            fill("room", room);
            fill("token", token);
            test.browser.findElement(By.id("join-button")).click();
            String joined = "in room " + room + " as " + name;
            test.waitUntil(name + "'s page to show \"" + joined + "\"",
                    () -> status().equals(joined));
            assertThat(test.browser.findElement(By.id("send")).isEnabled()).isTrue();
        }

        void say(String text) {
            fill("text", text);
            test.browser.findElement(By.id("send")).click();
            test.waitUntil(name + "'s send box to empty",
                    () -> test.browser.findElement(By.id("text")).getDomProperty("value").isEmpty());
        }

        /** Waits until the window shows exactly these chat lines, in this order. */
        void awaitMessages(String... expected) {
            List<String> wanted = List.of(expected);
            test.waitUntil(name + "'s page to show " + wanted, () -> {
                activate();
                List<String> shown = messages();
                // More lines than wanted, or other ones, can never become right: fail fast.
                if (shown.size() >= wanted.size()) {
                    assertThat(shown).as(name + "'s chat lines").isEqualTo(wanted);
                }
                return shown.equals(wanted);
            });
        }

        List<String> messages() {
            activate();
            return test.browser.findElements(By.cssSelector("#log .msg")).stream()
                    .map(WebElement::getText).toList();
        }

        String status() {
            activate();
            return test.browser.findElement(By.id("status")).getText().trim();
        }
    }

    private static WebDriver startChromium(Path chromium, Path chromedriver, Path userDataDir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--window-size=900,700");
        // An explicit driver executable keeps Selenium Manager from looking for (or
        // downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void waitUntil(String what, BooleanSupplier condition) {
        try {
            new WebDriverWait(browser, PATIENCE, Duration.ofMillis(100))
                    .withMessage(() -> "waiting for " + what)
                    .until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            try {
                screenshot("chat-failure.png");
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
    }
}
