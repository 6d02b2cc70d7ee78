// /information: set distributions through the UI (presets, typing, dragging bars, steps, logits)
// and compare every number the page shows with a reference computed here in JavaScript.
// Run only with WebGPU disabled: the lesson computes in plain f64 on the CPU and never touches
// the GPU, so the WebGPU mode would test nothing more.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { openPage, withSite, text } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const BASE = "/stepwise/";
const MODE = "cpu";

// References, written independently of the Rust code.
const log = (units) => (units === "bits" ? Math.log2 : Math.log);
const H = (p, u) => p.reduce((s, x) => (x > 0 ? s - x * log(u)(x) : s), 0);
const CE = (p, q, u) => p.reduce((s, x, i) => (x > 0 ? s - x * log(u)(q[i]) : s), 0);
const KL = (p, q, u) => p.reduce((s, x, i) => (x > 0 ? s + x * log(u)(x / q[i]) : s), 0);
const shown = (x) => (x === Infinity ? "∞" : x.toFixed(4).replace(/^-(?=.*[1-9])/, "−").replace(/^-/, ""));

describe("/information with WebGPU disabled", () => {
  let browser, site;
  withSite({ webgpu: false, shots: `${SHOTS}${MODE}` }, (b, s) => ([browser, site] = [b, s]));

  const open = (viewport, { dark = false } = {}) =>
    openPage(browser, site.url + "information", '[data-testid="value-hp"]', { timeout: 30000, viewport, dark });
    const value = async (page, id) => (await text(page, id)).trim();
  const inputValue = (page, id) => page.locator(`[data-testid="${id}"]`).inputValue();

  async function expectMeasures(page, p, q, u) {
    assert.equal(await value(page, "value-hp"), shown(H(p, u)), "H(P)");
    assert.equal(await value(page, "value-hq"), shown(H(q, u)), "H(Q)");
    assert.equal(await value(page, "value-ce"), shown(CE(p, q, u)), "H(P,Q)");
    assert.equal(await value(page, "value-kl-pq"), shown(KL(p, q, u)), "KL(P||Q)");
    assert.equal(await value(page, "value-kl-qp"), shown(KL(q, p, u)), "KL(Q||P)");
  }

  test("presets show the right entropy, cross-entropy and KL in bits and nats", async () => {
    const page = await open();
    // Default: biased coin (0.9, 0.1) against a fair coin.
    await expectMeasures(page, [0.9, 0.1], [0.5, 0.5], "bits");
    assert.match(await text(page, "asymmetry"), /not symmetric/);
    // The identity with numbers, rendered as MathML.
    const identity = page.locator('[data-testid="identity"] math');
    assert.equal(await identity.count(), 1);
    const numbers = await identity.locator("mn").allTextContents();
    assert.deepEqual(numbers.slice(0, 3), [shown(CE([0.9, 0.1], [0.5, 0.5], "bits")), shown(H([0.9, 0.1], "bits")), shown(KL([0.9, 0.1], [0.5, 0.5], "bits"))]);
    await shot(page, `${SHOTS}${MODE}/information-default.png`);

    await page.locator('[data-testid="preset-fair-coin"]').click();
    assert.equal(await value(page, "value-hp"), "1.0000");
    await expectMeasures(page, [0.5, 0.5], [0.75, 0.25], "bits");

    await page.locator('[data-testid="preset-fair-die"]').click();
    assert.equal(await value(page, "value-hp"), Math.log2(6).toFixed(4)); // 2.5850
    await expectMeasures(page, Array(6).fill(1 / 6), [0.1, 0.1, 0.1, 0.1, 0.1, 0.5], "bits");
    await page.locator('[data-testid="units-nats"]').click();
    assert.equal(await value(page, "value-hp"), Math.log(6).toFixed(4));
    await expectMeasures(page, Array(6).fill(1 / 6), [0.1, 0.1, 0.1, 0.1, 0.1, 0.5], "nats");
    await shot(page, `${SHOTS}${MODE}/information-fair-die-nats.png`);

    // One-hot label vs prediction: the cross-entropy is −ln 0.9 = 0.1054 nats, D_KL(Q‖P) = ∞.
    await page.locator('[data-testid="preset-one-hot"]').click();
    assert.equal(await value(page, "value-ce"), "0.1054");
    assert.equal(await value(page, "value-hp"), "0.0000");
    assert.equal(await value(page, "value-kl-qp"), "∞");
    assert.match(await text(page, "infinite-qp"), /probability 0/);
    await expectMeasures(page, [1, 0, 0], [0.9, 0.05, 0.05], "nats");
    await shot(page, `${SHOTS}${MODE}/information-one-hot-nats.png`);

    await page.locator('[data-testid="preset-nearly-equal"]').click();
    await expectMeasures(page, [0.25, 0.25, 0.25, 0.25], [0.27, 0.23, 0.26, 0.24], "nats");
    await page.locator('[data-testid="preset-loaded-die"]').click();
    await page.locator('[data-testid="units-bits"]').click();
    await expectMeasures(page, [0.1, 0.1, 0.1, 0.1, 0.1, 0.5], Array(6).fill(1 / 6), "bits");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("typed values: bad text is explained and kept, a sum above 1 is flagged, then normalised", async () => {
    const page = await open();
    await page.locator('[data-testid="preset-one-hot"]').click();
    await page.locator('[data-testid="units-nats"]').click();
    const p0 = page.locator('[data-testid="input-p-0"]');
    await p0.fill("abc");
    assert.match(await text(page, "error-p-0"), /not a number/);
    assert.equal(await p0.inputValue(), "abc", "what was typed is kept");
    assert.equal(await value(page, "value-ce"), "0.1054", "the last good value stays in use");
    await p0.fill("1.5");
    assert.match(await text(page, "error-p-0"), /between 0 and 1/);
    // p = (0.9, 0.1, 0.1) sums to 1.1 and is not a distribution; its terms are still right.
    await p0.fill("0.9");
    await page.locator('[data-testid="input-p-1"]').fill("0.1");
    await page.locator('[data-testid="input-p-2"]').fill("0.1");
    assert.equal(await page.locator('[data-testid="error-p-0"]').count(), 0);
    assert.match(await text(page, "sum-flag-p"), /sums to 1\.1000, not 1/);
    assert.equal(await value(page, "sum-p"), "1.1000");
    const p = [0.9, 0.1, 0.1];
    const q = [0.9, 0.05, 0.05];
    assert.equal(await value(page, "term-h-0"), shown(-0.9 * Math.log(0.9))); // −p ln p with −ln 0.9 = 0.105361
    assert.equal(await value(page, "term-ce-0"), shown(0.9 * 0.105360516)); // −p ln q, same q
    assert.equal(await value(page, "term-kl-1"), shown(0.1 * Math.log(0.1 / 0.05)));
    await expectMeasures(page, p, q, "nats");
    assert.match(await text(page, "not-distribution-note"), /not true entropies/);
    await shot(page, `${SHOTS}${MODE}/information-not-a-distribution.png`);

    await page.locator('[data-testid="normalise-p"]').click();
    assert.equal(await page.locator('[data-testid="sum-flag-p"]').count(), 0);
    assert.equal(await page.locator('[data-testid="not-distribution-note"]').count(), 0);
    assert.equal(await value(page, "sum-p"), "1.0000");
    assert.equal(await inputValue(page, "input-p-0"), (9 / 11).toFixed(4));
    await expectMeasures(page, [9 / 11, 1 / 11, 1 / 11], q, "nats");

    // q(x) = 0 where p(x) > 0: D_KL(P‖Q) is infinite, with the reason.
    await page.locator('[data-testid="input-q-1"]').fill("0");
    await page.locator('[data-testid="input-q-0"]').fill("0.95");
    assert.equal(await value(page, "value-kl-pq"), "∞");
    assert.equal(await value(page, "value-ce"), "∞");
    assert.match(await text(page, "infinite-pq"), /outcome 2/);
    assert.equal(await value(page, "term-kl-1"), "∞");
    await shot(page, `${SHOTS}${MODE}/information-infinite.png`);

    // Outcomes can be added and removed (2 to 10).
    await page.locator('[data-testid="add-outcome"]').click();
    assert.equal(await page.locator('[data-testid="input-p-3"]').inputValue(), "0");
    assert.equal(await page.locator('[data-testid="term-row-3"]').count(), 1);
    for (let i = 0; i < 2; i++) await page.locator('[data-testid="remove-outcome"]').click();
    assert.equal(await page.locator('[data-testid="input-p-2"]').count(), 0);
    assert.ok(await page.locator('[data-testid="remove-outcome"]').isDisabled());
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("stepping through the term table builds the sums row by row", async () => {
    const page = await open();
    await page.locator('[data-testid="preset-loaded-die"]').click();
    const p = [0.1, 0.1, 0.1, 0.1, 0.1, 0.5];
    const q = Array(6).fill(1 / 6);
    await page.locator('[data-testid="step-reset"]').click();
    assert.match(await text(page, "step-status"), /^0 of 6/);
    assert.equal(await value(page, "sum-h"), "0.0000");
    assert.equal(await value(page, "term-h-0"), "…");
    for (let n = 1; n <= 3; n++) {
      await page.locator('[data-testid="step-next"]').click();
      assert.match(await text(page, "step-status"), new RegExp(`^${n} of 6`));
      assert.equal(await value(page, "sum-h"), shown(H(p.slice(0, n), "bits")));
      assert.equal(await value(page, "sum-ce"), shown(CE(p.slice(0, n), q, "bits")));
      assert.equal(await value(page, "sum-kl"), shown(KL(p.slice(0, n), q, "bits")));
      assert.equal(await value(page, "sum-p"), shown(0.1 * n));
    }
    assert.match(await page.locator('[data-testid="term-row-2"]').getAttribute("class"), /information-current/);
    assert.match(await text(page, "step-explain"), /^Row 3:/);
    await shot(page, `${SHOTS}${MODE}/information-step.png`);
    await page.locator('[data-testid="step-all"]').click();
    assert.equal(await value(page, "sum-h"), shown(H(p, "bits")));
    assert.equal(await value(page, "sum-kl"), await value(page, "value-kl-pq"));
    assert.ok(await page.locator('[data-testid="step-next"]').isDisabled());
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("dragging a bar sets it and rescales the others", async () => {
    const page = await open();
    await page.locator('[data-testid="preset-loaded-die"]').click();
    const chart = page.locator('[data-testid="information-chart"]');
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    // The plot area starts after the y labels (~50 px) and a 10 px margin at the top; bar P
    // of outcome 6 sits in the 6th sixth of it. Drag it down to about 0.2.
    const left = box.x + 50, width = box.width - 60, top = box.y + 10, height = box.height - 46;
    const x = left + width * (5 + 0.3) / 6;
    await page.mouse.move(x, top + height * 0.5);
    await page.mouse.down();
    await page.mouse.move(x, top + height * 0.7, { steps: 5 });
    await page.mouse.move(x, top + height * 0.8, { steps: 5 });
    await page.mouse.up();
    const p = [];
    for (let i = 0; i < 6; i++) p.push(Number(await inputValue(page, `input-p-${i}`)));
    assert.ok(Math.abs(p[5] - 0.2) < 0.05, `dragged bar is at ${p[5]}`);
    // The other five were equal and stay equal, sharing 1 − p6.
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(p[i] - (1 - p[5]) / 5) < 1e-4, `p${i + 1} = ${p[i]}`);
    assert.equal(await value(page, "sum-p"), "1.0000");
    assert.equal(await page.locator('[data-testid="sum-flag-p"]').count(), 0);
    assert.equal(await inputValue(page, "input-q-0"), "0.1667", "Q is untouched");
    // The numbers follow the dragged values (as typed-back texts are rounded, compare loosely).
    const hp = Number((await value(page, "value-hp")).replace("−", "-"));
    assert.ok(Math.abs(hp - H(p, "bits")) < 1e-3);
    await shot(page, `${SHOTS}${MODE}/information-dragged.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  // Two Gaussians: every number against the closed forms written here, the Monte-Carlo estimate
  // within 4 standard errors of them, bits, a σ of 0 clamped with a note (the huge KL it gives is
  // a number, never NaN), the link, and dragging the top of Q's curve.
  test("two Gaussians: KL both ways, entropies and sampling match a JS recomputation; bad σ; drag", async () => {
    const page = await openPage(browser, site.url + "information?gmp=0.5&gsp=0.8&gmq=-1&gsq=1.5&gu=nats", '[data-testid="gaussians-kl-pq"]', { timeout: 30000 });
    const v = async (id) => Number(await page.locator(`[data-testid="${id}"]`).getAttribute("data-value"));
    const close = (got, want, what) => assert.ok(Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${got} vs ${want}`);
    const klG = (mp, sp, mq, sq) => Math.log(sq / sp) + (sp * sp + (mp - mq) ** 2) / (2 * sq * sq) - 0.5;
    const hG = (s) => 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
    const kl = klG(0.5, 0.8, -1, 1.5);
    close(await v("gaussians-kl-pq"), kl, "KL(P||Q)");
    close(await v("gaussians-kl-qp"), klG(-1, 1.5, 0.5, 0.8), "KL(Q||P)");
    close(await v("gaussians-h-p"), hG(0.8), "h(P)");
    close(await v("gaussians-h-q"), hG(1.5), "h(Q)");
    close(await v("gaussians-cross-pq"), hG(0.8) + kl, "H(P,Q)");
    const [mc, se] = [await v("gaussians-mc"), await v("gaussians-mc-se")];
    assert.ok(se > 0 && Math.abs(mc - kl) <= 4 * se, `Monte-Carlo ${mc} ± ${se} vs ${kl}`);
    assert.equal(await page.locator('[data-testid="gaussians-convergence"] tbody tr').count() > 3, true);
    await page.locator('[data-testid="gaussians"]').screenshot({ path: `${SHOTS}${MODE}/information-gaussians.png` });

    await page.locator('[data-testid="gaussians-bits"]').click();
    await page.waitForFunction((want) => Math.abs(Number(document.querySelector('[data-testid="gaussians-kl-pq"]').dataset.value) - want) < 1e-12, kl / Math.LN2);
    close(await v("gaussians-h-p"), hG(0.8) / Math.LN2, "h(P) in bits");

    // σ_Q = 0: clamped to 10⁻⁶ with a note; KL(P‖Q) ≈ 1.4 × 10¹² nats, shown as a number.
    const sdq = page.locator('[data-testid="gaussians-sd-q"]');
    await sdq.fill("0");
    await sdq.press("Enter");
    await page.locator('[data-testid="gaussians-note"]').waitFor();
    assert.match(await text(page, "gaussians-note"), /σ_Q = 0 is not positive/);
    close(await v("gaussians-kl-pq"), klG(0.5, 0.8, -1, 1e-6) / Math.LN2, "KL(P||Q) at σ_Q = 1e-6");
    assert.match(await text(page, "gaussians-kl-pq"), /× 10¹²/);
    assert.doesNotMatch(await page.locator('[data-testid="gaussians"]').innerText(), /NaN/);
    await page.waitForFunction(() => /gsq=0\.000001/.test(location.search), null, { timeout: 5000 });
    await shot(page, `${SHOTS}${MODE}/information-gaussians-extreme.png`);

    // Back to σ_Q = 1.5, then drag the top of Q's curve 120 px to the right: its mean moves
    // right by 120 px of the x axis, its σ stays.
    await sdq.fill("1.5");
    await sdq.press("Enter");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="gaussians-kl-pq"]').dataset.value) < 10);
    const chart = page.locator('[data-testid="gaussians-chart"]');
    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    // The plot area: a 10 px margin, 52 px of y labels on the left, 30 px of x labels below.
    const [left, right, top, bottom] = [box.x + 62, box.x + box.width - 10, box.y + 10, box.y + box.height - 40];
    const [lo, hi] = [Math.min(0.5 - 3.2, -1 - 6), Math.max(0.5 + 3.2, -1 + 6)];
    const peak = (s) => 1 / (s * Math.sqrt(2 * Math.PI));
    const x = left + ((-1 - lo) / (hi - lo)) * (right - left);
    const y = bottom - (peak(1.5) / (peak(0.8) * 1.12)) * (bottom - top);
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 120, y, { steps: 6 });
    await page.mouse.up();
    const mean = Number(await page.locator('[data-testid="gaussians-mean-q"]').inputValue());
    const want = -1 + (120 / (right - left)) * (hi - lo);
    assert.ok(Math.abs(mean - want) < 0.15, `μ_Q dragged to ${mean}, expected about ${want}`);
    assert.ok(Math.abs(Number(await page.locator('[data-testid="gaussians-sd-q"]').inputValue()) - 1.5) < 0.05, "σ_Q stays");
    await shot(page, `${SHOTS}${MODE}/information-gaussians-dragged.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("softmax demo: q, the loss −ln q(true) and the gradient q − p follow the logits", async () => {
    const page = await open();
    const softmax = (z) => {
      const e = z.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    };
    const check = async (z, t) => {
      const q = softmax(z);
      for (let i = 0; i < z.length; i++) {
        assert.equal(await value(page, `softmax-q-${i}`), shown(q[i]), `q${i}`);
        assert.equal(await value(page, `softmax-grad-${i}`), shown(q[i] - (i === t ? 1 : 0)), `grad${i}`);
      }
      assert.equal(await value(page, "softmax-loss"), shown(-Math.log(q[t])));
    };
    await check([2, 1, 0.1], 0);
    const setLogit = (i, v) =>
      page.locator(`[data-testid="logit-${i}"]`).evaluate((el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }, v);
    await setLogit(1, 3.5);
    await page.locator('[data-testid="true-2"]').check();
    await check([2, 3.5, 0.1], 2);
    await page.locator('[data-testid="add-class"]').click();
    await setLogit(3, -1.2);
    await check([2, 3.5, 0.1, -1.2], 2);
    await page.locator('[data-testid="softmax-table"]').scrollIntoViewIfNeeded();
    await shot(page, `${SHOTS}${MODE}/information-softmax.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("fits a projector, a phone and the dark theme", async () => {
    const sizes = { projector: { width: 1920, height: 1080 }, phone: { width: 390, height: 844 } };
    for (const [name, viewport] of Object.entries(sizes)) {
      const page = await open(viewport);
      await page.locator('[data-testid="preset-fair-die"]').click();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: page is ${overflow}px wider than the screen`);
      assert.equal(await value(page, "value-hp"), "2.5850");
      await shot(page, `${SHOTS}${MODE}/information-${name}.png`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
    const page = await open({ width: 1280, height: 800 }, { dark: true });
    assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-theme")), "dark");
    await shot(page, `${SHOTS}${MODE}/information-dark.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
