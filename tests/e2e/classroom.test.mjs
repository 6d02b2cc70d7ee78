// Classroom mode in a real browser: the presenter toggle (bigger type, side notes hidden,
// remembered, and from ?present=1), the keyboard-shortcut sheet, and working offline after one
// visit: the service worker keeps the app and the MNIST dataset, so with the network cut a
// reload still shows the lesson with its data, and a lesson never visited still opens.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const fontSize = (page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));

describe("classroom mode", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  test("presenter mode: larger type, side notes hidden, remembered; P toggles it", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const toggle = page.locator('[data-testid="presenter-toggle"]');
    await toggle.waitFor();
    const normal = await fontSize(page);
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    await toggle.click();
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    assert.ok((await fontSize(page)) > normal * 1.15, "type grows");
    assert.equal(await page.locator(".site-footer").isVisible(), false);
    await shot(page, `${SHOTS}classroom-presenter.png`);
    await page.reload();
    await toggle.waitFor();
    assert.equal(await toggle.getAttribute("aria-pressed"), "true", "remembered after a reload");
    await page.locator("body").press("p");
    assert.equal(await toggle.getAttribute("aria-pressed"), "false");
    assert.equal(await fontSize(page), normal);
    assert.deepEqual(page.errors, []);
  });

  test("a link with ?present=1 opens in presenter mode; the projector layout", async () => {
    const page = await newPage(browser, { width: 1920, height: 1080 });
    await page.goto(site.url + "information?present=1");
    await page.locator('[data-testid="presenter-toggle"][aria-pressed="true"]').waitFor();
    assert.ok((await fontSize(page)) >= 26);
    await shot(page, `${SHOTS}classroom-presenter-projector.png`);
    assert.deepEqual(page.errors, []);
  });

  test("? shows the keyboard shortcuts; Esc closes them; typing in a field does not", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    await page.locator('[data-testid="presenter-toggle"]').waitFor();
    await page.keyboard.press("?");
    const sheet = page.locator('[data-testid="shortcuts"]');
    await sheet.waitFor();
    assert.match(await sheet.innerText(), /presenter mode/);
    await shot(page, `${SHOTS}classroom-shortcuts.png`);
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });
    // Keys typed into a form field are text, not shortcuts.
    await page.goto(site.url + "mnist");
    const field = page.locator(".settings-form input").first();
    await field.waitFor();
    await field.focus();
    await page.keyboard.press("p");
    assert.equal(await page.locator('[data-testid="presenter-toggle"]').getAttribute("aria-pressed"), "false");
    assert.deepEqual(page.errors, []);
  });

  test("after one visit the app and its dataset work with the network off", async () => {
    const page = await newPage(browser, undefined, { serviceWorkers: "allow" });
    await page.goto(site.url + "mnist");
    await page.waitForSelector('[data-testid="mnist-train"]:not([disabled])', { timeout: 60000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // The worker keeps what loaded before it took over; give its copies a moment to land.
    await page.waitForFunction(async () => {
      const cache = await caches.open("stepwise-v1");
      const kept = (await cache.keys()).map((r) => r.url);
      return kept.some((u) => u.endsWith(".wasm")) && kept.some((u) => /mnist.*train/.test(u));
    }, null, { timeout: 30000, polling: 250 });
    await page.context().setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-testid="mnist-train"]:not([disabled])', { timeout: 60000 });
    await shot(page, `${SHOTS}classroom-offline-mnist.png`);
    // A lesson never opened online: the kept app answers its address and routes to it.
    await page.goto(site.url + "information");
    await page.locator("h1").first().waitFor();
    assert.match(await page.locator("h1").first().innerText(), /entropy|information/i);
    await page.context().setOffline(false);
    const errors = page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
    assert.deepEqual(errors, []);
  });
});
