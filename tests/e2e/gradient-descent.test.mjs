// /gradient-descent in a real browser: a step shown phase by phase with the right numbers
// (recomputed here from the preset data), keyboard control, a learning rate driven into
// divergence, which stops the run with a reason; editing points, CSV with a bad row, time
// travel with a branch, the one-sample example, and the optimiser race. The lesson runs on
// the CPU only (its race uses the engine's CPU backend), so one mode is enough.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
// The "noisy line" preset, written out again: y = 1 + 0.8x + noise at x = 0.5 … 4.0.
const NOISE = [0.31, -0.42, 0.18, 0.55, -0.27, -0.6, 0.36, -0.12];
const POINTS = NOISE.map((n, i) => { const x = 0.5 + 0.5 * i; return [x, 1 + 0.8 * x + n]; });
// Frames the page drew in `ms`, counted by the page itself (reported, never asserted).
const framesPerSecond = (page, ms) => page.evaluate((ms) => new Promise((done) => {
  let frames = 0;
  const start = performance.now();
  const tick = (now) => { frames++; if (now - start < ms) requestAnimationFrame(tick); else done(frames / ((now - start) / 1000)); };
  requestAnimationFrame(tick);
}), ms);
const shown = (x, d) => { const s = x.toFixed(d); return (/^-0\.0*$/.test(s) ? s.slice(1) : s).replace("-", "−"); };

describe("/gradient-descent", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  test("one step, phase by phase, shows the right numbers", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const next = page.locator('[data-testid="gd-next-phase"]');
    await next.waitFor();
    await shot(page, `${SHOTS}gradient-descent-start.png`);
    const m = POINTS.length;
    const residuals = POINTS.map(([, y]) => 0 - y); // θ = (0, 0): h(x) = 0
    const g0 = residuals.reduce((a, r) => a + r, 0) / m;
    const g1 = residuals.reduce((a, r, i) => a + r * POINTS[i][0], 0) / m;
    const loss = residuals.reduce((a, r) => a + r * r, 0) / (2 * m);
    const explanations = [/Predictions/, /Residuals/, /Loss/, /Gradient/, /Update/];
    for (let p = 0; p < 5; p++) {
      await next.click();
      assert.match(await page.locator('[data-testid="gd-explain"]').innerText(), explanations[p]);
      if (p === 1) {
        const cells = await page.locator('[data-testid="gd-table"] tbody tr:first-child td').allInnerTexts();
        assert.equal(cells[4], shown(residuals[0], 3));
      }
      if (p === 2) assert.match(await page.locator('[data-testid="gd-formulas"]').textContent(), new RegExp(loss.toFixed(4)));
      if (p === 3) {
        assert.equal(await page.locator('[data-testid="gd-grad0"]').innerText(), shown(g0, 4));
        assert.equal(await page.locator('[data-testid="gd-grad1"]').innerText(), shown(g1, 4));
        await shot(page, `${SHOTS}gradient-descent-gradient.png`);
      }
    }
    // The update, θ ← θ − α∇J with α = 0.1, in the formula (TeX kept as the MathML annotation).
    const formulas = await page.locator('[data-testid="gd-formulas"] annotation').allTextContents();
    const theta0 = 0 - 0.1 * g0;
    assert.ok(formulas.some((f) => f.includes(`= ${theta0.toFixed(3)}`)), formulas.join("\n"));
    await shot(page, `${SHOTS}gradient-descent-update.png`);
    // The keyboard: N takes a whole step, → starts the next one phase by phase.
    await page.keyboard.press("n");
    assert.match(await page.locator('[data-testid="gd-step"] h2').innerText(), /Step 2/);
    await page.keyboard.press("ArrowRight");
    assert.match(await page.locator('[data-testid="gd-step"] h2').innerText(), /Step 3/);
    assert.match(await page.locator('[data-testid="gd-explain"]').innerText(), /Predictions/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a learning rate that is too large diverges and stops with a reason", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const slider = page.locator('[data-testid="gd-learning-rate"]');
    await slider.waitFor();
    await slider.fill("1"); // α = 10¹
    await page.locator('[data-testid="gd-play"]').click();
    const diverged = page.locator('[data-testid="gd-diverged"]');
    await diverged.waitFor({ timeout: 60000 });
    assert.match(await diverged.innerText(), /learning rate α = 10 is too large/);
    assert.match(await page.locator('[data-testid="gd-play"]').innerText(), /Play/);
    await shot(page, `${SHOTS}gradient-descent-diverged.png`);
    // Reset keeps the data and the setting, and starts again.
    await page.locator('[data-testid="gd-reset"]').click();
    assert.equal(await diverged.count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("layout at projector and phone sizes, and in the dark", async () => {
    for (const [name, viewport] of Object.entries({ projector: { width: 1920, height: 1080 }, phone: { width: 390, height: 844 } })) {
      const page = await newPage(browser, viewport);
      await page.goto(site.url + "gradient-descent");
      await page.locator('[data-testid="gd-next-phase"]').waitFor();
      for (let i = 0; i < 4; i++) await page.locator('[data-testid="gd-next-phase"]').click();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: ${overflow}px too wide`);
      await shot(page, `${SHOTS}gradient-descent-${name}.png`);
      await page.context().close();
    }
    const page = await openPage(browser, site.url + "gradient-descent", null, { dark: true });
    for (let i = 0; i < 12; i++) await page.keyboard.press("n");
    await shot(page, `${SHOTS}gradient-descent-dark.png`);
    await page.context().close();
  });

  test("one sample, two weights shows the hand-computed numbers", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const example = page.locator('[data-testid="gd-one-formulas"]');
    await example.waitFor();
    const tex = (await example.locator("annotation").allTextContents()).join("\n");
    assert.match(tex, /= 6$/m, tex); // ŷ = 1×1 + 2×2 + 1
    assert.match(tex, /= 4\.5$/m, tex); // ½(3 − 6)²
    assert.ok(tex.includes("= [3, 6]"), tex); // ∇θ = (ŷ − y)·x
    assert.ok(tex.includes("= [0.7, 1.4]"), tex); // θ − 0.1·∇θ
    await page.locator('[data-testid="gd-one-formulas"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}gradient-descent-one-sample.png` });
    // The next step starts from θ = [0.7, 1.4], b = 0.7: ŷ = 0.7 + 2.8 + 0.7 = 4.2.
    await page.locator('[data-testid="gd-one-next"]').click();
    assert.match((await example.locator("annotation").allTextContents())[0], /= 4\.2$/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("points are added, dragged and deleted on the plot; CSV with a bad row", async () => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const scatter = page.locator('[data-testid="gd-scatter"]');
    await scatter.waitFor();
    const rows = async () => {
      await page.locator('[data-testid="gd-reset"]').click();
      await page.locator('[data-testid="gd-next-phase"]').click();
      return page.locator('[data-testid="gd-table"] tbody tr').count();
    };
    assert.equal(await rows(), 8);
    // The top-left corner of the plot is empty (the points rise to the right): a click adds one.
    // The axes stay still while points are edited, so a spot on the plot stays the same point.
    const spot = async (dx = 0) => {
      await scatter.scrollIntoViewIfNeeded();
      const box = await scatter.boundingBox();
      return { x: box.x + box.width * 0.2 + dx, y: box.y + box.height * 0.15 };
    };
    let at = await spot();
    await page.mouse.click(at.x, at.y);
    assert.equal(await rows(), 9);
    const added = async () => Number((await page.locator('[data-testid="gd-table"] tbody tr:last-child td').allInnerTexts())[1].replace("−", "-"));
    const before = await added();
    // Drag it to the right: its x grows.
    at = await spot();
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    await page.mouse.move(at.x + 60, at.y, { steps: 5 });
    await page.mouse.up();
    assert.equal(await rows(), 9);
    const after = await added();
    assert.ok(after > before, `${before} → ${after}`);
    await shot(page, `${SHOTS}gradient-descent-point-added.png`);
    // Right-click deletes it again.
    at = await spot(60);
    await page.mouse.click(at.x, at.y, { button: "right" });
    assert.equal(await rows(), 8);
    // CSV with a header and one bad row: three points used, line 3 reported.
    await page.locator('[data-testid="gd-own-data"] summary').click();
    await page.locator('[data-testid="gd-csv"]').fill("x,y\n1,2\n2,oops\n3,4\n4,5.5");
    await page.locator('[data-testid="gd-csv-use"]').click();
    const report = await page.locator('[data-testid="gd-csv-report"]').innerText();
    assert.match(report, /Using 3 points/);
    assert.match(report, /line 3: “2,oops” is not two numbers/);
    await page.locator('[data-testid="gd-csv-report"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}gradient-descent-csv.png` });
    assert.equal(await rows(), 3);
    // The same from a file: two points, line 3 reported.
    await page.locator('[data-testid="gd-csv-file"]').setInputFiles({ name: "points.csv", mimeType: "text/csv", buffer: Buffer.from("0,1\n1,3\n2;x;4\n") });
    await page.waitForFunction(() => /Using 2 points/.test(document.querySelector('[data-testid="gd-csv-report"]')?.innerText ?? ""));
    assert.match(await page.locator('[data-testid="gd-csv-report"]').innerText(), /line 3: expected two numbers x, y, found 3 values/);
    assert.equal(await rows(), 2);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("time travel: scrub back, read the distance to least squares, branch with a new α", async (t) => {
    const page = await openPage(browser, site.url + "gradient-descent");
    await page.locator('[data-testid="gd-next-phase"]').waitFor();
    for (let i = 0; i < 10; i++) await page.keyboard.press("n");
    const scrub = page.locator('[data-testid="gd-scrub"]');
    await scrub.fill("3");
    assert.match(await page.locator('[data-testid="gd-scrub-label"]').innerText(), /looking back at step 3 of 10/);
    // θ after three batch steps of α = 0.1 from (0, 0), and the least-squares θ*, worked out here.
    const m = POINTS.length;
    let theta = [0, 0];
    for (let s = 0; s < 3; s++) {
      const r = POINTS.map(([x, y]) => theta[0] + theta[1] * x - y);
      const g = [r.reduce((a, v) => a + v, 0) / m, r.reduce((a, v, i) => a + v * POINTS[i][0], 0) / m];
      theta = [theta[0] - 0.1 * g[0], theta[1] - 0.1 * g[1]];
    }
    const mx = POINTS.reduce((a, p) => a + p[0], 0) / m, my = POINTS.reduce((a, p) => a + p[1], 0) / m;
    const slope = POINTS.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / POINTS.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
    const best = [my - slope * mx, slope];
    const distance = Math.hypot(theta[0] - best[0], theta[1] - best[1]);
    assert.equal(await page.locator('[data-testid="gd-distance"]').innerText(), `Distance from θ to θ* at step 3: ${shown(distance, 4)}`);
    assert.match(await page.locator('[data-testid="gd-step"] h2').innerText(), /Step 3/);
    // A larger α at step 3 branches: the run is now 3 steps long and goes on with α = 0.32.
    await page.locator('[data-testid="gd-learning-rate"]').fill("-0.5");
    assert.match(await page.locator('[data-testid="gd-scrub-label"]').innerText(), /at step 3, the newest/);
    await page.locator('[data-testid="gd-next-step"]').click();
    assert.match(await page.locator('[data-testid="gd-step"] h2').innerText(), /Step 4/);
    const formulas = await page.locator('[data-testid="gd-formulas"] annotation').allTextContents();
    assert.ok(formulas.some((f) => f.includes("- 0.32 \\times")), formulas.join("\n"));
    await shot(page, `${SHOTS}gradient-descent-branched.png`);
    // Playing at the fastest speed redraws all three charts every step: measure the frame rate.
    await page.locator('select[aria-label="speed"]').selectOption("16");
    await page.locator('[data-testid="gd-play"]').click();
    const fps = await framesPerSecond(page, 2000);
    await page.locator('[data-testid="gd-play"]').click();
    const steps = Number((await page.locator('[data-testid="gd-scrub-label"]').innerText()).match(/step (\d+)/)[1]);
    t.diagnostic(`part 1 playing at the fastest speed: ${fps.toFixed(1)} frames/s, ${steps - 4} steps in 2 s`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the optimiser race: choose the start, play, read each racer's state, one diverges", async (t) => {
    const page = await openPage(browser, site.url + "gradient-descent");
    const race = page.locator('[data-testid="gd-race"]');
    await race.waitFor();
    const card = (name) => page.locator(`[data-testid="gd-racer-${name}"]`);
    const text = async (name, what) => card(name).locator(`[data-testid="gd-racer-${what}"]`).innerText();
    // One step on the bowl ½(x² + 10y²) from (−4, 2): g = (−4, 20).
    await page.locator('[data-testid="gd-race-step"]').click();
    assert.equal(await text("sgd", "position"), "(−3.6000, 0.0000)"); // (−4, 2) − 0.1·(−4, 20)
    assert.equal(await text("momentum", "velocity"), "(−4.0000, 20.0000)"); // v = g
    assert.equal(await text("adam", "position"), "(−3.9000, 1.9000)"); // Adam's first step is α per coordinate
    assert.equal(await text("adam", "first-moment"), "(−0.4000, 2.0000)"); // 0.1·g
    assert.equal(await text("adam", "second-moment"), "(0.0160, 0.4000)"); // 0.001·g²
    // From the keyboard: focus the map, → moves the start a fortieth of the map (10 wide),
    // Shift+↑ a tenth of its height (6); the race starts again from there.
    await page.locator('[data-testid="gd-race-start-keys"]').focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Shift+ArrowUp");
    assert.match(await page.locator('[data-testid="gd-race-start"]').innerText(), /Start \(x, y\) = \(−3\.75, 2\.60\)/);
    assert.equal(await text("adam", "position"), "(−3.7500, 2.6000)");
    assert.match(await page.locator('[data-testid="gd-race-at"]').innerText(), /step 0 of 0/);
    // Click the map to start elsewhere: every racer is back at step 0, at the same new point.
    const map = await page.locator('[data-testid="gd-race-map"]').boundingBox();
    await page.mouse.click(map.x + map.width * 0.75, map.y + map.height * 0.3);
    const start = await text("sgd", "position");
    assert.notEqual(start, "(−4.0000, 2.0000)");
    for (const name of ["momentum", "nesterov", "rmsprop", "adam"]) assert.equal(await text(name, "position"), start);
    // Play; measure the frame rate while it runs (reported, not asserted).
    await page.locator('[data-testid="gd-race-play"]').click();
    const fps = await framesPerSecond(page, 2000);
    t.diagnostic(`race playing: ${fps.toFixed(1)} frames/s`);
    await page.locator('[data-testid="gd-race-play"]').click();
    const at = await page.locator('[data-testid="gd-race-at"]').innerText();
    const steps = Number(at.match(/of (\d+)/)[1]);
    assert.ok(steps > 10, at);
    await race.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}gradient-descent-race.png` });
    // Scrub back to step 1: Adam's state there is still readable.
    await page.locator('[data-testid="gd-race-scrub"]').fill("1");
    assert.match(await card("adam").innerText(), /step t = 1/);
    // A bad number is refused with a message; a huge learning rate makes SGD diverge alone.
    const rate = page.locator('[data-testid="gd-config-sgd-rate"]');
    await rate.fill("abc");
    await rate.press("Enter");
    assert.match(await page.locator('[data-testid="gd-config-sgd"] .field-problem').innerText(), /not a number; kept the old value/);
    await rate.fill("1");
    await rate.press("Enter");
    await page.locator('[data-testid="gd-race-play"]').click();
    const stopped = card("sgd").locator('[data-testid="gd-racer-stopped"]');
    await stopped.waitFor({ timeout: 30000 });
    assert.match(await stopped.innerText(), /SGD diverged at step \d+.*learning rate 1 is too large/);
    assert.equal(await card("adam").locator('[data-testid="gd-racer-stopped"]').count(), 0);
    await page.locator('[data-testid="gd-race-play"]').click();
    await race.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}gradient-descent-race-diverged.png` });
    // Another landscape.
    await page.locator('[data-testid="gd-landscape"]').selectOption("Rosenbrock");
    await page.locator('[data-testid="gd-race-play"]').click();
    await page.waitForTimeout(1500);
    await page.locator('[data-testid="gd-race-play"]').click();
    await race.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}gradient-descent-race-rosenbrock.png` });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
