// Classroom mode in a real browser: the presenter toggle (bigger type, side notes hidden,
// remembered, and from ?present=1), the keyboard-shortcut sheet, and working offline after one
// visit: the service worker keeps the app and the MNIST dataset, so with the network cut a
// reload still shows the lesson with its data, and a lesson never visited still opens.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newPage, shot } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";
import { withSite, openPage, until } from "./suite.mjs";

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
    await until(page, async () => {
      const kept = [];
      for (const name of await caches.keys()) kept.push(...(await (await caches.open(name)).keys()).map((r) => r.url));
      return kept.some((u) => u.endsWith(".wasm")) && kept.some((u) => /mnist.*train/.test(u));
    }, null, { what: "the app and the dataset in the cache" });
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

  test("a new deploy takes over: online and offline the learner gets it, and the old build's cache is gone", async () => {
    // Two deploys at one address: A, this build, and B, the same with its page changed, as a
    // rebuild would change it; scripts/stamp-sw.sh names each one's cache, as the build does.
    const root = await mkdtemp(join(tmpdir(), "stepwise-deploy-"));
    const stamp = new URL("../../scripts/stamp-sw.sh", import.meta.url).pathname;
    const deploy = async (name, change) => {
      const dir = join(root, name);
      await cp(DIST, dir, { recursive: true, filter: (src) => !src.startsWith(join(DIST, "data")) });
      await symlink(join(DIST, "data"), join(dir, "data"));
      for (const page of ["index.html", "404.html"]) {
        const file = join(dir, page);
        await writeFile(file, (await readFile(file, "utf8")).replace("<head>", `<head><meta name="deploy" content="${change}">`));
      }
      execFileSync("bash", [stamp, dir]);
      return { dir, cache: `stepwise-app-${(await readFile(join(dir, "sw.js"), "utf8")).match(/^const BUILD = "(\w+)";/m)[1]}` };
    };
    const [a, b] = [await deploy("a", "A"), await deploy("b", "B")];
    assert.notEqual(a.cache, b.cache, "each build names its own cache");
    const cacheNames = (page) => page.evaluate(() => caches.keys());
    const deployed = (page) => page.evaluate(() => document.querySelector('meta[name="deploy"]')?.content);

    let server = await serve({ root: a.dir, base: "/stepwise/" });
    const { port } = server.server.address();
    const page = await newPage(browser, undefined, { serviceWorkers: "allow" });
    await page.goto(server.url + "information");
    await page.evaluate(() => navigator.serviceWorker.ready);
    await until(page, async (name) => (await caches.keys()).includes(name), a.cache, { what: "A's cache" });
    assert.equal(await deployed(page), "A");
    // The single cache of the worker before versioned caches, holding a dataset.
    const legacyData = server.url + "data/kept-by-the-old-worker.bin";
    await page.evaluate(async (url) => (await caches.open("stepwise-v1")).put(url, new Response("{}")), legacyData);

    // B is deployed at the same address: the next online visit gets it, and its worker takes
    // over and deletes A's cache.
    // (Its open keep-alive connections too, or the browser would go on talking to A.)
    server.server.close();
    server.server.closeAllConnections();
    server = await serve({ root: b.dir, base: "/stepwise/", port });
    await page.reload();
    assert.equal(await deployed(page), "B");
    await until(page, async ([gone, kept]) => {
      const names = await caches.keys();
      return !names.includes(gone) && names.includes(kept);
    }, [a.cache, b.cache], { what: "B's cache in place of A's" });
    await page.reload();
    await page.locator("h1").first().waitFor();
    // Offline, both the page visited and one never visited are B.
    await page.context().setOffline(true);
    await page.reload();
    assert.equal(await deployed(page), "B");
    await page.goto(server.url + "functions");
    await page.locator("h1").first().waitFor();
    assert.equal(await deployed(page), "B");
    await page.context().setOffline(false);
    const names = await cacheNames(page);
    assert.ok(names.every((n) => n === b.cache || n === "stepwise-data"), `caches left: ${names} (A: ${a.cache}, B: ${b.cache})`);
    assert.ok(await page.evaluate(async (url) => !!(await (await caches.open("stepwise-data")).match(url)), legacyData), "the old cache's dataset moved to the datasets' cache");
    const errors = page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
    assert.deepEqual(errors, []);
    await page.context().close();
    server.server.close();
    await rm(root, { recursive: true, force: true });
  });
});
