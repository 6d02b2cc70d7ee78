// /gradient-descent in a real browser: a step shown phase by phase with the right numbers
// (recomputed here from the preset data), keyboard control, and a learning rate driven into
// divergence, which stops the run with a reason. The lesson runs on the CPU only (no engine
// backend is involved), so one mode is enough.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { launch, newPage, shot } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
// The "noisy line" preset, written out again: y = 1 + 0.8x + noise at x = 0.5 … 4.0.
const NOISE = [0.31, -0.42, 0.18, 0.55, -0.27, -0.6, 0.36, -0.12];
const POINTS = NOISE.map((n, i) => { const x = 0.5 + 0.5 * i; return [x, 1 + 0.8 * x + n]; });
const shown = (x, d) => { const s = x.toFixed(d); return (/^-0\.0*$/.test(s) ? s.slice(1) : s).replace("-", "−"); };

describe("/gradient-descent", () => {
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

  test("one step, phase by phase, shows the right numbers", async () => {
    const page = await newPage(browser);
    await page.goto(site.url + "gradient-descent");
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
    const page = await newPage(browser);
    await page.goto(site.url + "gradient-descent");
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
    const page = await newPage(browser);
    await page.addInitScript(() => localStorage.setItem("stepwise-theme", "dark"));
    await page.goto(site.url + "gradient-descent");
    for (let i = 0; i < 12; i++) await page.keyboard.press("n");
    await shot(page, `${SHOTS}gradient-descent-dark.png`);
    await page.context().close();
  });
});
