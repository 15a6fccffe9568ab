// The widget in a real browser (Debian's chromium through playwright-core):
// a page on an allowed origin opens it, sends a message, sees the answer
// stream in token by token, reloads and finds the conversation kept; a
// page on another origin gets no answer. Prints one JSON line of what it
// saw; exits non-zero on the first failed expectation.
//
// Environment: PAGE_URL (allowed origin), FOREIGN_URL (not allowed),
// ANSWER (the mock model's full reply), SCREENSHOT (where to save a PNG).
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const { PAGE_URL, FOREIGN_URL, ANSWER, SCREENSHOT } = process.env;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
});
const seen = {};
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && console.error("page:", m.text()));
  await page.goto(PAGE_URL);
  const widget = page.locator("hania-chat");
  const launcher = widget.locator(".launcher");
  await launcher.waitFor();
  assert.equal(await launcher.getAttribute("aria-expanded"), "false");
  await launcher.click();
  assert.equal(await launcher.getAttribute("aria-expanded"), "true");
  await widget.locator("h2", { hasText: "Shop Helper" }).waitFor();
  const greeting = widget.locator(".msg.assistant").first();
  await greeting.waitFor();
  seen.greeting = await greeting.textContent();
  assert.equal(await widget.locator(".log").getAttribute("aria-live"), "polite");

  // Record every text the answer shows while it streams.
  await page.evaluate(() => {
    const log = document.querySelector("hania-chat").shadowRoot.querySelector(".log");
    window.__texts = [];
    new MutationObserver(() => {
      const answers = log.querySelectorAll(".msg.assistant");
      if (answers.length < 2) return;
      const text = answers[answers.length - 1].textContent;
      if (window.__texts[window.__texts.length - 1] !== text) window.__texts.push(text);
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
  const input = widget.locator("textarea");
  assert.equal(await input.evaluate((n) => n.getRootNode().activeElement === n), true, "focus moves into the panel");
  await input.fill("Do you ship to **Norway**?");
  await input.press("Enter");
  await widget.locator(".msg.user strong", { hasText: "Norway" }).waitFor();
  const answer = widget.locator(".msg.assistant").nth(1);
  await answer.filter({ hasText: ANSWER }).waitFor({ timeout: 20000 });
  seen.texts = await page.evaluate(() => window.__texts);
  assert.ok(seen.texts.length >= 3, "streamed in several steps: " + JSON.stringify(seen.texts));
  for (let i = 1; i < seen.texts.length; i++) {
    assert.ok(seen.texts[i].startsWith(seen.texts[i - 1].trimEnd()), "each step extends the last");
  }
  assert.equal(seen.texts[seen.texts.length - 1], ANSWER);
  seen.stored = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(seen.stored.some((k) => k.startsWith("hania-chat:hania_pk_")), "kept per key");

  // A reload keeps the conversation.
  await page.reload();
  await widget.locator(".launcher").click();
  await widget.locator(".msg.assistant", { hasText: ANSWER }).waitFor();
  seen.afterReload = await widget.locator(".msg").allTextContents();
  assert.deepEqual(seen.afterReload.slice(1), ["Do you ship to Norway?", ANSWER]);
  if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });
  await page.keyboard.press("Escape");
  assert.equal(await widget.locator(".panel").isHidden(), true, "Escape closes the panel");

  // Another origin: the same embed code gets no answer.
  const foreign = await context.newPage();
  await foreign.goto(FOREIGN_URL);
  const other = foreign.locator("hania-chat");
  await other.locator(".launcher").click();
  const error = other.locator(".error");
  await error.waitFor({ state: "visible" });
  seen.foreignError = await error.textContent();
  await other.locator("textarea").fill("Hello?");
  await other.locator("textarea").press("Enter");
  await foreign.waitForTimeout(500);
  seen.foreignAnswers = await other.locator(".msg.assistant").count();
  assert.equal(seen.foreignAnswers, 0, "no answer on a foreign origin");
  console.log(JSON.stringify({ ok: true, ...seen }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error && error.stack || error), ...seen }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
