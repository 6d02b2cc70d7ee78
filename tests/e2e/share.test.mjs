// State in the link, in a real browser: a link opens the exact state it holds, the address
// follows every change (so reloading or copying it keeps the state), malformed links open with
// a note and nothing broken, the Share panel's link restores the state in a new tab, and the
// embed route runs inside a host page's iframe, which it tells its height.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite, openPage } from "./suite.mjs";
import { serve } from "./serve.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;

// Host pages come from a second origin (another port), as a blog's would: tests/e2e/host-page.html
// with ?src= the embed and &width= its frame's width. (An embed answers only its host's origin,
// so a page without one, such as setContent's about:blank, cannot drive it.)
let blog;
before(async () => {
  blog = await serve({ root: new URL(".", import.meta.url).pathname, base: "/" });
});
after(() => blog?.server.close());
const hostPage = (src, width = 960) => `${blog.url}host-page.html?width=${width}&src=${encodeURIComponent(src)}`;
const value = (page, id) => page.locator(`[data-testid="${id}"]`).innerText();

describe("state in the link (/information)", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

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
    const page = await openPage(browser, site.url + "examples/blog.html");
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
    // A bare host page, from another origin, that collects the embed's events from the start.
    await page.goto(hostPage(`${site.url}embed/gradient-descent?a=0.05`, 900));
    await page.waitForFunction(() => window.events.some((e) => e.stepwise === "ready"), null, { timeout: 30000 });
    const send = (message) => page.evaluate((m) => document.getElementById("w").contentWindow.postMessage(m, "*"), message);
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
    const page = await openPage(browser, site.url + "examples/blog.html");
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

// Every widget alone at /embed/<widget> (src/catalog.rs), inside a bare host page that sizes
// the frame from its height messages and records its events; and the links of the lessons that
// gained state in the link: functions, the optimiser race, MNIST, text and GAN.
describe("widget embeds and links for every lesson", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  /// A host page (tests/e2e/host-page.html, from the second origin) with one iframe of `route`
  /// (e.g. "embed/optimiser-race?rl=saddle"); it records every event with the origin it came from.
  async function host(route, width = 960, { ready = true, speak = ready } = {}) {
    const page = await newPage(browser, { width: width + 40, height: 900 });
    await page.goto(hostPage(site.url + route, width));
    const frame = page.frameLocator("#w");
    const send = (message) => page.evaluate((m) => document.getElementById("w").contentWindow.postMessage(m, "*"), message);
    const events = () => page.evaluate(() => window.events);
    // The state after everything sent so far: ask, then read the newest answer.
    const state = async (until = () => true) => {
      const count = (await events()).length;
      await send({ stepwise: "getState" });
      await page.waitForFunction((n) => window.events.length > n, count);
      const last = (await events()).filter((e) => e.stepwise === "state").at(-1);
      return until(last) ? last : null;
    };
    /// Waits until the newest state event satisfies `check` (a function of { state, metrics }).
    const waitState = (check, timeout = 60000) =>
      page.waitForFunction(
        (source) => {
          const last = window.events.filter((e) => e.stepwise === "state").at(-1);
          return last && new Function("e", `return (${source})(e)`)(last);
        },
        check.toString(),
        { timeout },
      );
    if (ready) await page.waitForFunction(() => window.events.some((e) => e.stepwise === "ready"), null, { timeout: 30000 });
    // A host speaks first (here, asking for the state): until then the embed sends only "ready".
    if (speak) await send({ stepwise: "getState" });
    return { page, frame, send, events, state, waitState };
  }

  // An embed's state can hold what a learner typed, so it goes only to its host: before the host
  // speaks only "ready"; then answers to the host's origin alone. A sibling frame is not obeyed,
  // and a host pinned in the link (host=) refuses any other page, saying so in the embed.
  test("host API: only ready before the host speaks; a sibling frame is ignored; a pinned host refuses others, visibly", async () => {
    const a = await host("embed/softmax", 960, { speak: false });
    await a.page.waitForTimeout(800);
    assert.deepEqual((await a.events()).map((e) => e.stepwise), ["ready"], "nothing but ready before the host speaks");
    assert.equal((await a.events())[0].state, undefined);
    const first = await a.state();
    assert.equal(first.from, new URL(site.url).origin);
    // A sandboxed sibling (no origin) posts a command to the widget: not its parent, ignored.
    await a.page.evaluate(() => {
      const f = document.createElement("iframe");
      f.sandbox = "allow-scripts";
      f.srcdoc = `<script>parent.frames[0].postMessage({ stepwise: "set", state: { t: 2 } }, "*")<\/script>`;
      document.body.append(f);
    });
    await a.page.waitForTimeout(800);
    assert.equal((await a.state()).state.t ?? "0", first.state.t ?? "0", "the sibling's set changed nothing");
    await a.send({ stepwise: "set", state: { t: 2 } });
    await a.waitState((e) => e.state.t === "2");
    await a.page.context().close();

    // Pinned to a blog the test does not serve: this host page is refused, visibly, and hears nothing.
    const b = await host("embed/softmax?host=https://blog.example.org", 960, { ready: false });
    await b.frame.locator('[data-testid="softmax-table"]').waitFor({ timeout: 30000 });
    await b.send({ stepwise: "set", state: { t: 1 } });
    const refused = b.frame.locator('[data-testid="host-refused"]');
    await refused.waitFor({ timeout: 10000 });
    assert.match(await refused.innerText(), /answers only https:\/\/blog\.example\.org .*ignored a command from http:\/\/127\.0\.0\.1:\d+/);
    await b.page.waitForTimeout(500);
    assert.deepEqual(await b.events(), [], "not even ready goes to a page that is not the pinned host");
    await shot(b.page, `${SHOTS}embed-host-refused.png`);
    await b.page.context().close();

    // Pinned to this host page's origin: obeyed and answered.
    const c = await host(`embed/softmax?host=${encodeURIComponent(blog.url)}`);
    await c.send({ stepwise: "set", state: { t: 1 } });
    await c.waitState((e) => e.state.t === "1");
    assert.equal(await c.frame.locator('[data-testid="host-refused"]').count(), 0);
    assert.deepEqual([...a.page.errors, ...b.page.errors, ...c.page.errors], []);
    await c.page.context().close();
  });

  const WIDGETS = [
    ["stepper", "gd-loss-now"],
    ["optimiser-race", "gd-race-map"],
    ["entropy", "value-hp"],
    ["softmax", "softmax-table"],
    ["gaussians", "gaussians-chart"],
    ["activations", "activation-value"],
    ["losses", "loss-explorer"],
    ["checker", "checker-steps"],
    ["mnist-trainer", "mnist-train"],
    ["draw-digit", "mnist-pad"],
    ["gan-trainer", "gan-grid"],
    ["text-classifier", "text-review"],
    ["gpt-trainer", "gpt-train"],
    ["attention", "gpt-attention-maps"],
  ];

  test("every widget embed renders that widget alone, answers ready and fits its frame", async () => {
    for (const [id, testid] of WIDGETS) {
      const { page, frame, events } = await host(`embed/${id}`);
      await frame.locator(`[data-testid="widget-${id}"]`).waitFor({ timeout: 30000 });
      await frame.locator(`[data-testid="${testid}"]`).first().waitFor({ timeout: 30000 });
      assert.equal(await frame.locator(".site-header").count(), 0, id);
      const ready = (await events()).find((e) => e.stepwise === "ready");
      assert.equal(ready.widget, id);
      // Nothing wider than the frame: no sideways scrolling inside it.
      const overflow = await frame.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
      assert.ok(overflow <= 0, `${id} overflows its frame by ${overflow}px`);
      await page.waitForTimeout(400);
      await shot(page, `${SHOTS}embed-${id}.png`);
      assert.deepEqual(page.errors, [], id);
      await page.context().close();
    }
    // In a phone-wide column too.
    for (const id of ["optimiser-race", "checker", "stepper"]) {
      const { page, frame } = await host(`embed/${id}`, 360);
      await frame.locator(`[data-testid="widget-${id}"]`).waitFor({ timeout: 30000 });
      const overflow = await frame.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
      assert.ok(overflow <= 0, `${id} overflows a 360-px frame by ${overflow}px`);
      if (id === "optimiser-race") await shot(page, `${SHOTS}embed-optimiser-race-phone.png`);
      await page.context().close();
    }
  });

  // scripts/build-site.sh writes embed/<id>/index.html for the small widgets: the light build
  // (no MNIST, GAN, text, Lab or WebGPU code), a different and smaller wasm than the full site's.
  test("a light widget embed loads a smaller wasm than the full site, and points elsewhere to it", async () => {
    const wasm = async (route) => {
      const page = await openPage(browser, site.url + route);
      await page.waitForFunction(() => performance.getEntriesByType("resource").some((e) => /\.wasm$/.test(e.name) && e.responseEnd > 0));
      const [entry] = await page.evaluate(() =>
        performance.getEntriesByType("resource").filter((e) => /\.wasm$/.test(e.name)).map((e) => ({ name: e.name, size: e.decodedBodySize })));
      return { page, ...entry };
    };
    const full = await wasm("");
    const light = await wasm("embed/entropy");
    await light.page.locator('[data-testid="widget-entropy"]').waitFor({ timeout: 30000 });
    assert.notEqual(light.name, full.name);
    assert.ok(light.size < full.size * 0.8, `light wasm ${light.size} B vs full ${full.size} B`);
    console.log(`wasm: full ${full.size} B, light embed ${light.size} B`);
    // A route the light build lacks, reached inside it, says where the full site has it.
    await light.page.evaluate(() => { history.pushState(null, "", "/stepwise/mnist"); dispatchEvent(new PopStateEvent("popstate")); });
    const note = light.page.locator('[data-testid="full-site-only"]');
    await note.waitFor({ timeout: 10000 });
    assert.equal(await note.locator("a").getAttribute("href"), "/stepwise/mnist");
    await shot(light.page, `${SHOTS}embed-light-full-site-only.png`);
    assert.deepEqual([...full.page.errors, ...light.page.errors], []);
    await full.page.context().close();
    await light.page.context().close();
  });

  test("optimiser race embed: set a race, step it, read every racer's position", async () => {
    const { page, send, state, waitState } = await host("embed/optimiser-race");
    // SGD alone on the bowl ½(x² + 4y²) from (2, 1), α = 0.1: x ← 0.9x, y ← 0.6y each step.
    await send({ stepwise: "set", state: { rl: "bowl", rk: 4, rs: [2, 1], ra: [0.1, 0.01, 0.01, 0.01, 0.01], ron: [1, 0, 0, 0, 0] } });
    for (let i = 0; i < 3; i++) await send({ stepwise: "step" });
    await waitState((e) => e.metrics.step === 3);
    const s = await state();
    assert.equal(s.widget, "optimiser-race");
    assert.equal(s.state.rn, "3");
    assert.equal(s.metrics.racers.length, 1);
    const [x, y] = s.metrics.racers[0].position;
    assert.ok(Math.abs(x - 2 * 0.9 ** 3) < 1e-5 && Math.abs(y - 0.6 ** 3) < 1e-5, `${x}, ${y}`);
    await send({ stepwise: "set", state: { rl: "volcano" } });
    await page.waitForFunction(() => window.events.some((e) => e.stepwise === "error" && /rl/.test(e.message)));
    await send({ stepwise: "reset" });
    await waitState((e) => e.metrics.step === 0);
    assert.deepEqual(page.errors, []);
  });

  test("softmax embed: set logits and the true class, read q, the loss and its gradient", async () => {
    const { page, frame, send, state, waitState } = await host("embed/softmax");
    await send({ stepwise: "set", state: { z: [2, 1, 0.1, -1], t: 1 } });
    await waitState((e) => e.metrics.true_class === 1 && e.metrics.logits.length === 4);
    const s = await state();
    // Worked here: q = softmax(z), L = −ln q₁ (the true class), ∂L/∂z = q − one-hot.
    const z = [2, 1, 0.1, -1];
    const sum = z.reduce((a, v) => a + Math.exp(v), 0);
    const q = z.map((v) => Math.exp(v) / sum);
    q.forEach((v, i) => assert.ok(Math.abs(s.metrics.q[i] - v) < 1e-12));
    assert.ok(Math.abs(s.metrics.loss + Math.log(q[1])) < 1e-12);
    assert.ok(Math.abs(s.metrics.gradient[1] - (q[1] - 1)) < 1e-12);
    assert.equal(await frame.locator('[data-testid="softmax-loss"]').innerText(), (-Math.log(q[1])).toFixed(4));
    assert.equal(await frame.locator('[data-testid="term-table"]').count(), 0, "the entropy panels stay on the lesson page");
    assert.deepEqual(page.errors, []);
  });

  test("functions embeds: set the activation, the loss and a worked example; step the checker", async () => {
    const a = await host("embed/activations");
    await a.send({ stepwise: "set", state: { fa: "tanh", fx: 0.5 } });
    await a.waitState((e) => e.metrics.activation.name === "tanh" && e.metrics.activation.x === 0.5);
    const act = (await a.state()).metrics.activation;
    assert.ok(Math.abs(act.value - Math.tanh(0.5)) < 1e-12);
    assert.ok(Math.abs(act.derivative - (1 - Math.tanh(0.5) ** 2)) < 1e-12);
    assert.equal(await a.frame.locator('[data-testid="activation-x-input"]').inputValue(), "0.5", "the box follows the host");
    assert.equal(await a.frame.locator('[data-testid="activation-value"]').innerText(), Math.tanh(0.5).toFixed(6));
    await a.page.context().close();

    const l = await host("embed/losses");
    await l.send({ stepwise: "set", state: { fl: "mae", fy: 1, fp: -0.5 } });
    await l.waitState((e) => e.metrics.loss.name === "mae" && e.metrics.loss.prediction === -0.5);
    const loss = (await l.state()).metrics.loss;
    assert.equal(loss.value, 1.5);
    assert.equal(loss.gradient, -1);
    await l.page.context().close();

    const c = await host("embed/checker");
    // One sigmoid neuron: z = 0.5·1 + (−1)·2 + 0 = −1.5, a = σ(z), MSE against 1.
    await c.send({ stepwise: "set", state: { cx: "1, 2", cw1: "0.5, -1", cb1: "0", ca1: "sigmoid", cy: "1", ce: "0.1" } });
    await c.waitState((e) => e.metrics.checker.valid && e.state.cw1 === "0.5, -1");
    const sigma = 1 / (1 + Math.exp(1.5));
    let s = await c.state();
    assert.ok(Math.abs(s.metrics.checker.loss - (sigma - 1) ** 2) < 1e-12);
    const grad = 2 * (sigma - 1) * sigma * (1 - sigma);
    assert.ok(Math.abs(s.metrics.checker.new_weights[0][0][1] - (-1 - 0.1 * grad * 2)) < 1e-12);
    await c.send({ stepwise: "step" });
    await c.send({ stepwise: "step" });
    await c.waitState((e) => e.metrics.checker.shown === 3);
    assert.equal(await c.frame.locator('[data-testid="checker-steps"] > li').count(), 3);
    await c.send({ stepwise: "play" });
    await c.page.waitForFunction(() => window.events.some((e) => e.stepwise === "error" && /nothing to play/.test(e.message)));
    assert.deepEqual([...c.page.errors], []);
  });

  test("MNIST, text and GAN embeds: set the settings, train, pause, and read the metrics", async () => {
    const m = await host("embed/mnist-trainer");
    await m.waitState((e) => e.metrics.ready, 60000);
    await m.send({ stepwise: "set", state: { h: "32", lr: 0.01, bs: 128, seed: 3 } });
    await m.waitState((e) => e.state.h === "32" && e.state.bs === "128");
    assert.match(await m.frame.locator('[data-testid="mnist-architecture"]').innerText(), /^Shape: 784 → 32 → 10\./);
    await m.send({ stepwise: "step" });
    await m.waitState((e) => e.metrics.step === 1);
    await m.send({ stepwise: "play" });
    await m.waitState((e) => e.metrics.step >= 40 && e.metrics.loss !== null, 60000);
    await m.send({ stepwise: "pause" });
    await m.waitState((e) => e.metrics.running === false);
    const ms = await m.state();
    assert.ok(ms.metrics.loss > 0 && ms.metrics.loss < 2.4, `loss ${ms.metrics.loss}`);
    await shot(m.page, `${SHOTS}embed-mnist-trainer-trained.png`);
    assert.deepEqual(m.page.errors, []);
    await m.page.context().close();

    const g = await host("embed/gan-trainer");
    await g.waitState((e) => e.metrics.ready, 60000);
    await g.send({ stepwise: "set", state: { preset: "tiny-batch", seed: 3 } });
    await g.waitState((e) => e.state.bs === "4" && e.state.seed === "3");
    for (let i = 0; i < 3; i++) await g.send({ stepwise: "step" });
    await g.waitState((e) => e.metrics.step === 1, 30000);
    await g.send({ stepwise: "play" });
    await g.waitState((e) => e.metrics.step >= 15 && e.metrics.d_loss !== null, 60000);
    await g.send({ stepwise: "pause" });
    await g.waitState((e) => e.metrics.running === false);
    assert.equal(await g.frame.locator('[data-testid="gan-batch"]').inputValue(), "4", "the settings panel shows the host's settings");
    assert.deepEqual(g.page.errors, []);
    await g.page.context().close();

    const t = await host("embed/text-classifier");
    await t.waitState((e) => e.metrics.ready, 90000);
    await t.send({ stepwise: "set", state: { review: "Dull, boring and far too long. A waste of time." } });
    await t.waitState((e) => /^Dull/.test(e.state.review ?? ""));
    assert.equal(await t.frame.locator('[data-testid="text-review"]').inputValue(), "Dull, boring and far too long. A waste of time.");
    await t.send({ stepwise: "play" });
    await t.waitState((e) => e.metrics.accuracy !== null && e.metrics.step >= 150, 90000);
    await t.send({ stepwise: "pause" });
    await t.waitState((e) => e.metrics.running === false);
    const ts = await t.state();
    assert.ok(ts.metrics.accuracy > 0.6, `accuracy ${ts.metrics.accuracy}`);
    assert.ok(ts.metrics.review_positive < 0.5, `the dull review reads as negative: ${ts.metrics.review_positive}`);
    await shot(t.page, `${SHOTS}embed-text-classifier-trained.png`);
    assert.deepEqual(t.page.errors, []);
  });

  // The attention widget ships no weights: it trains its small GPT at load (300 steps in the
  // worker), then stops; the host reads the chosen head's attention and picks another head.
  test("attention embed: trains its small GPT at load; the host sets the text and head and reads the attention", async () => {
    const a = await host("embed/attention?head=1");
    await a.frame.locator('[data-testid="gpt-widget-progress"]').waitFor({ timeout: 30000 });
    await a.waitState((e) => e.metrics.steps >= 300 && e.metrics.training === false && e.metrics.attention !== null, 240000);
    const trained = await a.state();
    const unigram = 3.1176; // the lesson's counting-characters line (gpt.test.mjs checks it)
    assert.ok(trained.metrics.validation_loss < unigram, `validation loss ${trained.metrics.validation_loss}`);
    console.log(`# attention widget: ${trained.metrics.steps} steps, validation loss ${trained.metrics.validation_loss}`);
    assert.match(await a.frame.locator('[data-testid="gpt-widget-progress"]').innerText(), /^Trained 3\d\d steps · validation loss/);
    await a.send({ stepwise: "set", state: { layer: 1, head: 2, look: "(a) [b]" } });
    await a.waitState((e) => e.state.layer === "1" && e.state.head === "2" && e.metrics.characters === "(a) [b]");
    const { metrics } = await a.state();
    // The chosen head's attention: position t shares 100% over positions 0..t, nothing later.
    assert.equal(metrics.attention.length, 7);
    metrics.attention.forEach((row, t) => {
      assert.equal(row.length, t + 1, `row ${t}`);
      assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5, `row ${t} sums to ${row.reduce((x, y) => x + y, 0)}`);
    });
    assert.match(await a.frame.locator('[data-testid="gpt-step-what"]').innerText(), /Layer 2, head 3 .*reading “\(a\)␣\[b\]”/ /* spaces show as ␣ */);
    await a.send({ stepwise: "set", state: { head: 9 } });
    await a.page.waitForFunction(() => window.events.some((e) => e.stepwise === "error" && /head = 9 is outside 0 … 3/.test(e.message)));
    await a.send({ stepwise: "step" });
    await a.page.waitForFunction(() => window.events.some((e) => e.stepwise === "error" && /use play and pause/.test(e.message)));
    await shot(a.page, `${SHOTS}embed-attention-trained.png`);
    assert.deepEqual(a.page.errors, []);
    await a.page.context().close();
  });

  test("links of functions, the race, MNIST, text and GAN restore their state", async () => {
    const page = await newPage(browser);
    const input = (id) => page.locator(`[data-testid="${id}"]`).inputValue();
    await page.goto(site.url + "functions?fa=gelu&fx=1.5&fl=huber&fy=0&fp=2.5&cn=2&cl=bce");
    await page.locator('[data-testid="activation-value"]').waitFor({ timeout: 30000 });
    assert.equal(await input("activation-select"), "gelu");
    assert.equal(await input("activation-x-input"), "1.50");
    assert.equal(await input("loss-select"), "huber");
    assert.equal(await input("loss-prediction-input"), "2.5");
    assert.equal(await input("checker-layers"), "2");
    assert.equal(await input("checker-loss"), "bce");
    // Huber (δ = 1) at r = 2.5: |r| − ½.
    assert.equal(await value(page, "loss-value"), "2.000000");
    await page.locator('[data-testid="activation-select"]').selectOption("relu");
    await page.waitForFunction(() => location.search.includes("fa=relu") && location.search.includes("fl=huber"));

    await page.goto(site.url + "gradient-descent?a=0.05&rl=rosenbrock&rn=12");
    await page.locator('[data-testid="gd-race-at"]').waitFor({ timeout: 30000 });
    assert.equal(await value(page, "gd-race-at"), "looking at step 12 of 12");
    assert.equal(await input("gd-landscape"), "Rosenbrock");
    await page.locator('[data-testid="gd-race-step"]').click();
    await page.waitForFunction(() => location.search.includes("rn=13") && location.search.includes("a=0.05"));
    await page.locator('[data-testid="gd-next-step"]').click();
    await page.waitForFunction(() => /[?&]n=1(&|$)/.test(location.search) && location.search.includes("rn=13"), null, { timeout: 5000 });

    await page.goto(site.url + "mnist?h=64&act=tanh&opt=sgd&lr=0.05&bs=256&seed=7");
    await page.locator('[data-testid="mnist-architecture"]').waitFor({ timeout: 30000 });
    assert.equal(await input("mnist-hidden"), "64");
    assert.equal(await input("mnist-learning-rate"), "0.05");
    assert.equal(await input("mnist-batch"), "256");
    assert.match(await value(page, "mnist-architecture"), /^Shape: 784 → 64 → 10\./);
    await page.locator('[data-testid="share-mnist-trainer"]').click();
    assert.match(await input("share-link"), /\/stepwise\/mnist\?h=64&act=tanh&opt=sgd&lr=0\.05&bs=256&seed=7$/);
    assert.match(await input("share-embed"), /src="[^"]*\/stepwise\/embed\/mnist-trainer\?h=64&/);
    await shot(page, `${SHOTS}share-mnist-link.png`);

    const review = "Not my cup of tea, but the music is lovely.";
    await page.goto(site.url + "text?ed=8&hu=4&bs=64&review=" + encodeURIComponent(review));
    await page.locator('[data-testid="text-architecture"]').waitFor({ timeout: 30000 });
    assert.match(await value(page, "text-architecture"), /8-number vectors → average → 4 ReLU units/);
    assert.equal(await input("text-review"), review);
    assert.equal(await input("text-batch"), "64");

    await page.goto(site.url + "gan?preset=discriminator-too-strong&seed=11&gl=minimax");
    await page.locator('[data-testid="gan-settings"]').waitFor({ timeout: 30000 });
    assert.equal(await input("gan-batch"), "64");
    assert.equal(await input("gan-loss"), "minimax");
    await page.waitForFunction(() => location.search.includes("dlr=0.004") && location.search.includes("seed=11"));
    // The stabilisers travel in the link too.
    await page.goto(site.url + "gan?rl=0.9&avg=0.999&pack=2&drop=0.1&spread=off");
    await page.locator('[data-testid="gan-settings"]').waitFor({ timeout: 30000 });
    assert.equal(await input("gan-real-label"), "0.9");
    assert.equal(await input("gan-average-decay"), "0.999");
    assert.equal(await input("gan-pack"), "2");
    assert.equal(await input("gan-dropout"), "0.1");
    assert.equal(await page.locator('[data-testid="gan-spread"]').isChecked(), false);
    assert.deepEqual(page.errors, []);
  });

  // Tabs through the page from the top; returns what it reached and what it missed.
  async function tabWalk(page) {
    await page.locator("body").click({ position: { x: 2, y: 300 } });
    const seen = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press("Tab");
      const info = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        if (e.dataset.tabbed) return { again: true };
        e.dataset.tabbed = "1";
        const labelled = e.getAttribute("aria-labelledby");
        const name = (
          e.getAttribute("aria-label") ||
          (labelled ? labelled.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" ") : "") ||
          [...(e.labels ?? [])].map((l) => l.textContent).join(" ") ||
          (["BUTTON", "A", "SUMMARY"].includes(e.tagName) ? e.textContent : "") ||
          e.title || ""
        ).trim();
        const ringOf = (el) => { const s = getComputedStyle(el); return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0; };
        const ring = ringOf(e) || (e.closest(".file-button") ? ringOf(e.closest(".file-button")) : false);
        return { tag: e.tagName, testid: e.dataset.testid ?? "", name, ring, html: e.outerHTML.slice(0, 120) };
      });
      if (!info || info.again) break;
      seen.push(info);
    }
    // A radio group is one Tab stop (arrow keys move within it), so one reached radio covers its group.
    const missed = await page.evaluate(() => {
      const reachedGroups = new Set([...document.querySelectorAll("input[type=radio][data-tabbed]")].map((r) => r.name));
      return [...document.querySelectorAll("main button, main input, main select, main textarea, main a[href]")]
        .filter((e) => !e.disabled && e.checkVisibility() && !e.dataset.tabbed)
        .filter((e) => !(e.type === "radio" && reachedGroups.has(e.name)))
        .map((e) => e.outerHTML.slice(0, 120));
    });
    return { seen, missed };
  }

  function checkWalk({ seen, missed }, where) {
    assert.deepEqual(seen.filter((c) => !c.name).map((c) => c.html), [], `${where}: every control has an accessible name`);
    assert.deepEqual(seen.filter((c) => !c.ring).map((c) => c.html), [], `${where}: every control shows a focus ring`);
    assert.deepEqual(missed, [], `${where}: Tab reaches every enabled control on the page`);
  }

  test("keyboard: Tab reaches every control of /gradient-descent, each with a name and a visible focus ring", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    await page.locator('[data-testid="gd-race-map"]').waitFor({ timeout: 30000 });
    await page.locator('[data-testid="share-stepper"]').click(); // its panel's controls count too
    await page.locator('[data-testid="gd-own-data"] summary').click(); // and the CSV panel's
    const walk = await tabWalk(page);
    checkWalk(walk, "/gradient-descent");
    assert.ok(walk.seen.length > 40, `${walk.seen.length} controls`);
    assert.deepEqual(page.errors, []);
  });

  test("keyboard: the same on every other page", async () => {
    for (const [path, ready] of [["", "nav"], ["information", "main button"], ["functions", "main select"], ["mnist", '[data-testid="mnist-train"]:not([disabled])'],
      ["gan", '[data-testid="gan-train"]:not([disabled])'], ["text", '[data-testid="text-train"]:not([disabled])'], ["lab", "main button"]]) {
      const page = await openPage(browser, site.url + path);
      await page.locator(ready).first().waitFor({ timeout: 60000 });
      const walk = await tabWalk(page);
      checkWalk(walk, `/${path}`);
      assert.ok(walk.seen.length > 0, `/${path}: ${walk.seen.length} controls`);
      assert.deepEqual(page.errors, [], `/${path}`);
      await page.context().close();
    }
  });

  test("malformed links of every lesson and widget open with a note, never broken", async () => {
    const links = [
      ["functions?fa=swish&fx=1e999&fl=%%&cn=9&cx=" + "9,".repeat(400), "activation-value"],
      ["embed/checker?cw1=<b>x</b>&ca1=<script>&ce=-", "checker"],
      ["gradient-descent?rl=moon&rs=NaN,1&ra=1,2,3&rn=99999999", "gd-race-at"],
      ["embed/optimiser-race?rk=-5&reps=0,0&ron=2,2,2,2,2", "gd-race-at"],
      ["mnist?h=1,2,3,4,5&act=%E2%9C%93&lr=1e9&bs=3&seed=-2", "mnist-architecture"],
      ["embed/draw-digit?h=0.5&opt=lion", "mnist-pad"],
      ["text?ed=1&hu=99999&lr=NaN&bs=1e9&review=" + "x".repeat(3000), "text-architecture"],
      ["gan?preset=%00&glr=Infinity&bs=0&ds=sometimes&seed=abc", "gan-settings"],
      ["embed/gan-trainer?b1=2&gl=", "gan-grid"],
    ];
    for (const [link, testid] of links) {
      const page = await openPage(browser, site.url + link);
      const notes = page.locator('[data-testid="link-notes"]');
      await notes.waitFor({ timeout: 30000 });
      assert.ok((await notes.locator("li").count()) >= 1, link);
      await page.locator(`[data-testid="${testid}"]`).first().waitFor({ timeout: 30000 });
      if (link.startsWith("mnist")) await shot(page, `${SHOTS}share-bad-mnist-link.png`);
      assert.deepEqual(page.errors, [], link);
      await page.context().close();
    }
  });
});
