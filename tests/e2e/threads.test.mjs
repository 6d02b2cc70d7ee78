// Training on every core. A cross-origin isolated page (served with COOP/COEP, as `trunk serve`
// does) trains in the threaded worker (scripts/build-threads.sh), one helper thread per core; a
// page that is not isolated (a static host, an embed) trains in the one-thread worker. The same
// seed gives the same losses, bit for bit, on either, and each lesson says where it trains.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { launch, newPage, shot } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";
import { openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/threads/", import.meta.url).pathname;

/// A fresh worker on `page` trains a seeded Digits network for `steps` steps (see
/// `install_probe` in app/worker_client.rs) and answers its losses, time and threads.
async function probe(page, steps, threads) {
  // The app installs the hook once its wasm has started.
  await page.waitForFunction(() => typeof window.__stepwiseProbeWorker === "function", null, { timeout: 60000 });
  const answer = JSON.parse(await page.evaluate(([s, t]) => window.__stepwiseProbeWorker(s, 64, t), [steps, threads]));
  answer.imagesPerSecond = (steps * 64) / (answer.milliseconds / 1000);
  return answer;
}

describe("training on every core", () => {
  let browser, plain, isolated;
  before(async () => {
    plain = await serve({ root: DIST, base: "/stepwise/" });
    isolated = await serve({ root: DIST, base: "/stepwise/", isolated: true });
    browser = await launch({ webgpu: false });
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    plain?.server.close();
    isolated?.server.close();
  });

  test("50 seeded steps give the same losses bit for bit on all threads, on one, and in the one-thread worker", async () => {
    const page = await openPage(browser, isolated.url + "mnist");
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, "served with COOP and COEP, the page is isolated");
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const all = await probe(page, 50, 0);
    const one = await probe(page, 50, 1);
    assert.equal(all.threads, cores, "one helper thread per core");
    assert.equal(one.threads, 1);
    if (cores < 2) console.log("# this machine reports one core: the threaded worker ran on one thread, so threads were not compared");
    const other = await newPage(browser);
    await other.goto(plain.url + "mnist");
    assert.equal(await other.evaluate(() => crossOriginIsolated), false);
    const single = await probe(other, 50, 0);
    assert.equal(single.threads, 1, "a page that is not isolated trains on one thread");
    assert.equal(all.bits.length, 50);
    assert.deepEqual(one.bits, all.bits, `1 and ${cores} threads`);
    assert.deepEqual(single.bits, all.bits, "the one-thread worker and the threaded one");
    const f = (x) => Math.round(x).toLocaleString("en");
    console.log(`# 50 steps of 64 (measured, not asserted): ${f(all.imagesPerSecond)} images/s on ${cores} threads, ${f(one.imagesPerSecond)} on 1 (same module), ${f(single.imagesPerSecond)} in the one-thread worker`);
    assert.deepEqual([...page.errors, ...other.errors], []);
    await page.context().close();
    await other.context().close();
  });

  test("the Digits, GAN and Text lessons and the Lab say how many threads they train on", async () => {
    const page = await newPage(browser);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const want = cores === 1 ? /\(1 thread\)/ : new RegExp(`\\(${cores} threads\\)`);
    await page.goto(isolated.url + "mnist");
    await page.waitForSelector('[data-testid="mnist-train"]:not([disabled])', { timeout: 60000 });
    await page.locator('[data-testid="mnist-train"]').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="mnist-steps"]').textContent) >= 300, null, { timeout: 60000 });
    const device = page.locator('[data-testid="mnist-device"]');
    assert.equal(await device.getAttribute("data-thread"), "worker");
    assert.match(await device.innerText(), want);
    await page.locator('[data-testid="mnist-train"]').click(); // pause
    await page.waitForSelector('[data-testid="mnist-train"]:not([disabled])');
    await shot(page, `${SHOTS}mnist-isolated.png`);

    await page.goto(isolated.url + "gan");
    await page.waitForSelector('[data-testid="gan-train"]:not([disabled])', { timeout: 60000 });
    await page.locator('[data-testid="gan-train"]').click();
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="gan-thread"]').textContent), want.source, { timeout: 60000 });
    await page.locator('[data-testid="gan-train"]').click(); // pause

    await page.goto(isolated.url + "text");
    await page.waitForSelector('[data-testid="text-train"]:not([disabled])', { timeout: 60000 });
    await page.locator('[data-testid="text-train"]').click();
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="text-thread"]').textContent), want.source, { timeout: 60000 });
    assert.equal(await page.locator('[data-testid="text-thread"]').getAttribute("data-thread"), "worker");
    await page.locator('[data-testid="text-train"]').click(); // pause

    await page.goto(isolated.url + "lab");
    const lab = page.locator('[data-testid="lab-threads"]');
    assert.equal(await lab.getAttribute("data-isolated"), "true");
    assert.match(await lab.innerText(), /is cross-origin isolated/);
    // The Lab's worker table: one thread against all, and the same losses bit for bit.
    await page.locator('[data-testid="measure-threads"]').click();
    for (const row of ["64", "256", "matmul-256", "matmul-512"]) {
      await page.waitForSelector(`[data-testid="threads-same-${row}"]`, { timeout: 120000 });
      assert.equal(await page.locator(`[data-testid="threads-same-${row}"]`).getAttribute("data-same"), "true");
      console.log(`# Lab, worker (measured, not asserted): ${(await page.locator(`[data-testid="threads-${row}"]`).innerText()).replace(/\s+/g, " ")}`);
    }
    await page.locator('[data-testid="worker-threads"]').screenshot({ path: `${SHOTS}lab-worker-threads.png` });
    assert.deepEqual(page.errors, []);
    await page.context().close();

    const other = await newPage(browser);
    await other.goto(plain.url + "mnist");
    await other.waitForSelector('[data-testid="mnist-train"]:not([disabled])', { timeout: 60000 });
    await other.locator('[data-testid="mnist-train"]').click();
    await other.waitForFunction(() => document.querySelector('[data-testid="mnist-device"]').textContent.includes("thread"), null, { timeout: 60000 });
    assert.match(await other.locator('[data-testid="mnist-device"]').innerText(), /1 thread: this page is not cross-origin isolated/);
    await other.locator('[data-testid="mnist-train"]').click();
    await other.goto(plain.url + "lab");
    assert.equal(await other.locator('[data-testid="lab-threads"]').getAttribute("data-isolated"), "false");
    await other.locator('[data-testid="measure-threads"]').click();
    await other.waitForFunction(() => /GFLOP/.test(document.querySelector('[data-testid="threads-matmul-512"] td:nth-child(2)')?.textContent ?? ""), null, { timeout: 120000 });
    assert.match(await other.locator('[data-testid="worker-threads"]').innerText(), /not cross-origin isolated, so the worker has one thread/);
    assert.deepEqual(other.errors, []);
    await other.context().close();
  });

  test("pause, resume and reset in the middle of training on all cores: nothing lost, nothing stale", async () => {
    const page = await newPage(browser);
    const count = (name) => page.evaluate((n) => Number(document.querySelector(`[data-testid="${n}"]`).textContent.replace(/[^0-9]/g, "")), name);
    for (const [route, counter] of [["mnist", "mnist-steps"], ["gan", "gan-iterations"], ["text", "text-steps"]]) {
      const train = page.locator(`[data-testid="${route}-train"]`);
      const over = (n) => page.waitForFunction(([c, n]) => Number(document.querySelector(`[data-testid="${c}"]`).textContent.replace(/[^0-9]/g, "")) >= n, [counter, n], { timeout: 60000 });
      await page.goto(isolated.url + route);
      await page.waitForSelector(`[data-testid="${route}-train"]:not([disabled])`, { timeout: 60000 });
      await train.click();
      await over(30);
      // Pause mid-slice: the worker's last report lands, and then nothing more.
      await train.click();
      await page.waitForFunction((r) => { const b = document.querySelector(`[data-testid="${r}-train"]`); return b.textContent === "Resume" && !b.disabled; }, route, { timeout: 20000 });
      const paused = await count(counter);
      await page.waitForTimeout(1000);
      assert.equal(await count(counter), paused, `${route}: nothing arrives after the pause`);
      // Resume: it goes on from there, never back.
      await page.evaluate((c) => {
        const el = document.querySelector(`[data-testid="${c}"]`);
        window.__seen = [];
        new MutationObserver(() => window.__seen.push(Number(el.textContent.replace(/[^0-9]/g, "")))).observe(el, { childList: true, characterData: true, subtree: true });
      }, counter);
      await train.click();
      await over(paused + 30);
      const seen = await page.evaluate(() => window.__seen);
      assert.ok(seen.length > 0 && Math.min(...seen) >= paused, `${route}: resumed from ${paused}, showed ${seen.slice(0, 5).join(", ")}…`);
      // Reset while it trains: the run's reports still on their way write nothing.
      await page.locator(`[data-testid="${route}-reset"]`).click();
      await page.waitForTimeout(1500);
      assert.equal(await count(counter), 0, `${route}: reset mid-run stays reset`);
      await page.waitForFunction((r) => document.querySelector(`[data-testid="${r}-train"]`).textContent === "Train" && !document.querySelector(`[data-testid="${r}-train"]`).disabled, route, { timeout: 20000 });
      // And a new run starts from scratch.
      await train.click();
      await over(20);
      await train.click();
      console.log(`# ${route}: paused at ${paused}, resumed without going back, reset mid-run to 0, trained again`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("on a static host that sends no headers, the offline helper makes the page isolated from the first reload on", async () => {
    const page = await newPage(browser, { width: 1280, height: 800 }, { serviceWorkers: "allow" });
    await page.goto(plain.url + "lab");
    assert.equal(await page.evaluate(() => crossOriginIsolated), false, "the host sends no COOP/COEP");
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, "the service worker added them");
    assert.equal(await page.locator('[data-testid="lab-threads"]').getAttribute("data-isolated"), "true");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("an isolated page whose threaded worker cannot load trains in the one-thread worker instead", async () => {
    const page = await newPage(browser);
    await page.context().route(/threads\/loader\.js$/, (route) => route.fulfill({ status: 404, body: "not here" }));
    await page.goto(isolated.url + "mnist");
    await page.waitForSelector('[data-testid="mnist-train"]:not([disabled])', { timeout: 60000 });
    await page.locator('[data-testid="mnist-train"]').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="mnist-steps"]').textContent) >= 100, null, { timeout: 60000 });
    const device = page.locator('[data-testid="mnist-device"]');
    assert.equal(await device.getAttribute("data-thread"), "worker", "still in a background worker");
    assert.match(await device.innerText(), /\(1 thread\)/);
    await page.locator('[data-testid="mnist-train"]').click(); // pause
    // The failed script is expected in the log (a 404 and the page's warning); nothing else is.
    assert.deepEqual(page.errors.filter((e) => !/404|loader\.js/.test(e)), []);
    await page.context().close();
  });
});
