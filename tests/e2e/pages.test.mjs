// Every route renders, without console errors, in both compute modes; each page is
// screenshotted into tests/e2e/screenshots/<mode>/ for a person to look at.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const BASE = "/stepwise/"; // built with --public-url /stepwise/ by scripts/test.sh
const LESSONS = ["gradient-descent", "information", "functions", "mnist", "cnn", "gan", "text", "gpt", "vae", "lab"];

for (const mode of ["webgpu", "cpu"]) {
  describe(`pages with ${mode === "webgpu" ? "WebGPU" : "WebGPU disabled"}`, () => {
    let browser, site;
    withSite({ webgpu: mode === "webgpu", shots: `${SHOTS}${mode}` }, (b, s) => ([browser, site] = [b, s]));

    /// Opens a path, waits for the app and the backend probe, returns the page.
    async function open(path, viewport) {
      const page = await newPage(browser, viewport);
      await page.goto(site.url + path);
      await page.waitForSelector('[data-testid="backend"]:not([data-backend="probing"])', { timeout: 30000 });
      return page;
    }

    test("the header names the compute backend", async () => {
      const page = await open("");
      const badge = page.locator('[data-testid="backend"]');
      assert.equal(await badge.getAttribute("data-backend"), mode);
      const label = await badge.innerText();
      if (mode === "webgpu") assert.match(label, /^WebGPU · /);
      else {
        assert.equal(label.trim(), "CPU (SIMD)");
        const why = await page.locator('[data-testid="backend-explanation"]').innerText();
        assert.match(why, /does not offer WebGPU/);
      }
      // At 1280 px, with this badge, every lesson link still shows in the one-line header.
      const hidden = await page.evaluate(() => { const nav = document.querySelector(".lesson-nav"); return nav.scrollWidth - nav.clientWidth; });
      assert.ok(hidden <= 1, `${hidden} px of the lesson links are cut off`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    test("home page lists every lesson, at laptop, projector and phone sizes", async () => {
      const sizes = { laptop: { width: 1280, height: 800 }, projector: { width: 1920, height: 1080 }, phone: { width: 390, height: 844 } };
      for (const [name, viewport] of Object.entries(sizes)) {
        const page = await open("", viewport);
        for (const slug of LESSONS) assert.equal(await page.locator(`[data-testid="card-${slug}"]`).count(), 1, slug);
        // Nothing may stick out sideways, on a phone least of all.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name}: page is ${overflow}px wider than the screen`);
        await shot(page, `${SHOTS}${mode}/home-${name}.png`);
        assert.deepEqual(page.errors, []);
        await page.context().close();
      }
    });

    test("dark theme toggles and is remembered", async () => {
      const page = await open("");
      const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
      const before = await theme();
      await page.locator(".theme-toggle").click();
      const flipped = before === "dark" ? "light" : "dark";
      assert.equal(await theme(), flipped);
      await page.reload();
      await page.waitForSelector('[data-testid="backend"]');
      assert.equal(await theme(), flipped);
      await page.screenshot({ path: `${SHOTS}${mode}/home-${flipped}.png` });
      await page.context().close();
    });

    for (const slug of LESSONS) {
      test(`/${slug} opens directly and from the home page`, async () => {
        // Directly, as a shared link would (deep link through the static host's 404 page).
        const page = await open(slug);
        assert.ok(await page.locator("main h1").count() > 0, "the page has a heading");
        await shot(page, `${SHOTS}${mode}/${slug}.png`);
        // And by clicking its card on the home page (client-side routing under the sub-path).
        await page.goto(site.url);
        await page.locator(`[data-testid="card-${slug}"]`).click();
        await page.waitForURL(site.url + slug);
        assert.ok(await page.locator("main h1").count() > 0);
        assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), []);
        await page.context().close();
      });
    }

    test("an unknown path shows a friendly not-found page", async () => {
      const page = await open("no-such-lesson");
      assert.equal(await page.locator('[data-testid="not-found"]').count(), 1);
      await page.context().close();
    });
  });
}
