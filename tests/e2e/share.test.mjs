// State in the link, in a real browser: a link opens the exact state it holds, the address
// follows every change (so reloading or copying it keeps the state), malformed links open with
// a note and nothing broken, the Share panel's link restores the state in a new tab, and the
// embed route runs inside a host page's iframe, which it tells its height.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { launch, newPage, shot } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const value = (page, id) => page.locator(`[data-testid="${id}"]`).innerText();

describe("state in the link (/information)", () => {
  let browser, site;
  before(async () => {
    site = await serve({ root: DIST, base: "/stepwise/" });
    browser = await launch({ webgpu: false });
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    site?.server.close();
  });

  async function open(page, query) {
    await page.goto(site.url + "information" + query);
    await page.waitForSelector('[data-testid="value-hp"]', { timeout: 30000 });
  }

  test("a link opens the state it holds, and the address follows changes", async () => {
    const page = await newPage(browser);
    await open(page, "?p=0.7,0.2,0.1&q=0.25,0.25,0.5&u=nats&z=1,2,3,4&t=3");
    assert.equal(await page.locator('[data-testid="input-p-0"]').inputValue(), "0.7");
    assert.equal(await page.locator('[data-testid="input-q-2"]').inputValue(), "0.5");
    // H(P) in nats, computed here: −Σ p ln p.
    const h = -[0.7, 0.2, 0.1].reduce((a, p) => a + p * Math.log(p), 0);
    assert.equal(await value(page, "value-hp"), h.toFixed(4));
    assert.equal(await page.locator('[data-testid="logit-3"]').count(), 1, "four classes");
    assert.equal(await page.locator('[data-testid="link-notes"]').count(), 0);
    await page.locator('[data-testid="preset-fair-die"]').click();
    await page.waitForFunction(() => location.search.includes("preset=fair-die"));
    await page.reload();
    await page.waitForSelector('[data-testid="value-hp"]');
    assert.equal(await value(page, "value-hp"), (Math.log(6)).toFixed(4), "fair die in nats after reload");
    assert.deepEqual(page.errors, []);
  });

  test("malformed links open with a note, never broken", async () => {
    const links = [
      "?p=abc&q=1e999,NaN&u=<script>alert(1)</script>",
      "?p=0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5&row=-3&t=99",
      "?preset=%E2%9C%93&z=,,,&p=%%%",
      "?p=" + "0.1,".repeat(1500),
    ];
    for (const [i, link] of links.entries()) {
      const page = await newPage(browser);
      await open(page, link);
      const notes = page.locator('[data-testid="link-notes"]');
      await notes.waitFor();
      assert.ok((await notes.locator("li").count()) >= 1, link);
      if (i === 0) await shot(page, `${SHOTS}share-bad-link.png`);
      assert.match(await value(page, "value-hp"), /^\d+\.\d{4}$/);
      assert.deepEqual(page.errors, [], link);
      await page.context().close();
    }
  });

  test("the Share panel's link restores the state in a new tab", async () => {
    const page = await newPage(browser);
    await open(page, "");
    await page.locator('[data-testid="preset-loaded-die"]').click();
    await page.locator('[data-testid="units-nats"]').click();
    await page.locator('[data-testid="share"]').click();
    const shared = page.locator('[data-testid="share-link"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-link"]')?.value.includes("u=nats"));
    const href = await shared.inputValue();
    assert.match(href, /\/stepwise\/information\?/);
    assert.match(await page.locator('[data-testid="share-embed"]').inputValue(), /^<iframe src="[^"]*\/stepwise\/embed\/information\?/);
    await shot(page, `${SHOTS}share-panel.png`);
    const expected = await value(page, "value-kl-pq");
    const other = await newPage(browser);
    await other.goto(href);
    await other.waitForSelector('[data-testid="value-kl-pq"]');
    assert.equal(await value(other, "value-kl-pq"), expected);
    assert.deepEqual([...page.errors, ...other.errors], []);
  });

  test("an embed in a host page: the lesson alone, sized to its content", async () => {
    const page = await newPage(browser);
    await page.goto(site.url + "examples/blog.html");
    const frame = page.frameLocator('[data-testid="embed"]');
    await frame.locator('[data-testid="value-hp"]').waitFor({ timeout: 30000 });
    assert.equal(await frame.locator(".site-header").count(), 0, "no site header in an embed");
    // H(P) of the loaded die in the example's link, in bits.
    const h = -[0.5, 0.1, 0.1, 0.1, 0.1, 0.1].reduce((a, p) => a + p * Math.log2(p), 0);
    assert.equal(await frame.locator('[data-testid="value-hp"]').innerText(), h.toFixed(4));
    await page.waitForFunction(() => parseInt(document.querySelector('[data-testid="embed"]').style.height) > 1000);
    await shot(page, `${SHOTS}share-embed-blog.png`);
    assert.deepEqual(page.errors, []);
  });

  test("/gradient-descent: a link replays the run it holds, and follows new steps", async () => {
    const page = await newPage(browser);
    const points = [[1, 2], [2, 4], [3, 6]];
    await page.goto(site.url + "gradient-descent?x=1,2,3&y=2,4,6&t0=0&t1=0&a=0.05&m=batch&n=2");
    const now = page.locator('[data-testid="gd-loss-now"]');
    await now.waitFor({ timeout: 30000 });
    // Two batch steps from θ = (0, 0) with α = 0.05, worked here.
    let t = [0, 0];
    const J = ([a, b]) => points.reduce((s, [x, y]) => s + (a + b * x - y) ** 2, 0) / (2 * points.length);
    for (let i = 0; i < 2; i++) {
      const r = points.map(([x, y]) => t[0] + t[1] * x - y);
      const g = [r.reduce((s, v) => s + v, 0) / 3, r.reduce((s, v, j) => s + v * points[j][0], 0) / 3];
      t = [t[0] - 0.05 * g[0], t[1] - 0.05 * g[1]];
    }
    assert.equal(await now.innerText(), `After 2 steps, J(θ) on all points = ${J(t).toFixed(4)}.`);
    await page.locator('[data-testid="gd-next-step"]').click();
    await page.waitForFunction(() => location.search.includes("n=3"));
    await page.reload();
    await now.waitFor();
    assert.match(await now.innerText(), /^After 3 steps/);
    await page.goto(site.url + "gradient-descent?x=1,2&y=1&a=1e9&m=newton");
    await page.locator('[data-testid="link-notes"]').waitFor();
    assert.equal(await page.locator('[data-testid="link-notes"] li').count(), 3);
    assert.deepEqual(page.errors, []);
  });

  test("a host page drives an embed through postMessage: set, step, getState, bad messages", async () => {
    const page = await newPage(browser);
    // A bare host page that collects the embed's events from the start.
    await page.setContent(`<script>
      window.events = [];
      addEventListener("message", (e) => { if (e.data?.stepwise) window.events.push(e.data); });
    </script><iframe id="gd" style="width:900px;height:900px" src="${site.url}embed/gradient-descent?a=0.05"></iframe>`);
    await page.waitForFunction(() => window.events.some((e) => e.stepwise === "ready"), null, { timeout: 30000 });
    const send = (message) => page.evaluate((m) => document.getElementById("gd").contentWindow.postMessage(m, "*"), message);
    const lastState = () => page.evaluate(() => window.events.filter((e) => e.stepwise === "state").at(-1));
    await send({ stepwise: "reset" });
    await send({ stepwise: "set", state: { a: 0.2 } });
    await send({ stepwise: "step" });
    await send({ stepwise: "step" });
    await page.waitForFunction(() => window.events.some((e) => e.stepwise === "state" && e.metrics.step === 2));
    await send({ stepwise: "getState" });
    await page.waitForTimeout(300);
    const state = await lastState();
    assert.equal(state.lesson, "gradient-descent");
    assert.equal(state.state.a, "0.2");
    // Two batch steps of α = 0.2 on the "noisy line" preset from θ = (0, 0), worked here.
    const NOISE = [0.31, -0.42, 0.18, 0.55, -0.27, -0.6, 0.36, -0.12];
    const P = NOISE.map((n, i) => { const x = 0.5 + 0.5 * i; return [x, 1 + 0.8 * x + n]; });
    let t = [0, 0];
    for (let i = 0; i < 2; i++) {
      const r = P.map(([x, y]) => t[0] + t[1] * x - y);
      t = [t[0] - 0.2 * r.reduce((s, v) => s + v, 0) / P.length, t[1] - 0.2 * r.reduce((s, v, j) => s + v * P[j][0], 0) / P.length];
    }
    const J = P.reduce((s, [x, y]) => s + (t[0] + t[1] * x - y) ** 2, 0) / (2 * P.length);
    assert.ok(Math.abs(state.metrics.loss - J) < 1e-9, `${state.metrics.loss} vs ${J}`);
    assert.ok(Math.abs(state.metrics.theta[1] - t[1]) < 1e-9);
    // Bad messages change nothing and are reported.
    await send({ stepwise: "fly" });
    await send({ stepwise: "set", state: { a: { deep: 1 } } });
    await send({ stepwise: "set", state: { a: 99 } });
    await page.waitForFunction(() => window.events.filter((e) => e.stepwise === "error").length >= 3);
    const errors = await page.evaluate(() => window.events.filter((e) => e.stepwise === "error").map((e) => e.message));
    assert.match(errors[0], /unknown command/);
    assert.match(errors[1], /must be a number/);
    assert.match(errors[2], /outside/);
    // A message from anywhere but the parent (here the embed itself) is ignored.
    const frame = page.frames().find((f) => f.url().includes("/embed/"));
    await frame.evaluate(() => window.postMessage({ stepwise: "reset" }, "*"));
    await page.waitForTimeout(300);
    await send({ stepwise: "getState" });
    await page.waitForTimeout(300);
    assert.equal((await lastState()).metrics.step, 2, "the embed's own message did not reset it");
    assert.deepEqual(page.errors, []);
  });

  test("the example blog page tells a story by scrolling: the host sets α and steps", async () => {
    const page = await newPage(browser);
    await page.goto(site.url + "examples/blog.html");
    const readout = page.locator('[data-testid="readout"]');
    await page.frameLocator('[data-testid="embed-gd"]').locator('[data-testid="gd-loss-now"]').waitFor({ timeout: 30000 });
    for (const beat of await page.locator(".beat").all()) {
      await beat.scrollIntoViewIfNeeded();
      await page.waitForTimeout(400);
    }
    await page.waitForFunction(() => /step 15, α = 1,/.test(document.querySelector('[data-testid="readout"]').textContent), null, { timeout: 20000 });
    await shot(page, `${SHOTS}share-blog-story.png`);
    assert.match(await readout.innerText(), /loss J\(θ\) = /);
    assert.deepEqual(page.errors, []);
  });
});
