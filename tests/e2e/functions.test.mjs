// /functions: set activations, losses and worked examples through the UI (selects, typing,
// dragging on the chart, Next / Show all) and compare every number shown with a reference
// computed here in JavaScript, independently of the Rust code.
// Run only with WebGPU disabled: the lesson is plain f64 arithmetic on the CPU and never
// touches the GPU, so the WebGPU mode would test nothing more.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { openPage, withSite } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const BASE = "/stepwise/";
const MODE = "cpu";

// References.
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
// erf by its Maclaurin series (plenty of terms for |x| ≤ 4).
const erf = (x) => {
  let sum = 0, term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
};
const Phi = (x) => 0.5 * (1 + erf(x / Math.SQRT2));
const ACT = {
  sigmoid: [sigmoid, (x) => sigmoid(x) * (1 - sigmoid(x))],
  tanh: [Math.tanh, (x) => 1 / Math.cosh(x) ** 2],
  relu: [(x) => Math.max(0, x), (x) => (x > 0 ? 1 : 0)],
  "leaky-relu": [(x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
  softplus: [(x) => Math.log(1 + Math.exp(x)), sigmoid],
  gelu: [(x) => x * Phi(x), (x) => Phi(x) + (x * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI)],
};
const shown = (x, d) => {
  const t = x.toFixed(d);
  return /^-0\.0*$/.test(t) ? t.slice(1) : t.replace(/^-/, "−");
};
const short = (x) => {
  let t = x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
  if (t === "-0") t = "0";
  return t.replace(/^-/, "−");
};

describe("/functions with WebGPU disabled", () => {
  let browser, site;
  withSite({ webgpu: false, shots: `${SHOTS}${MODE}` }, (b, s) => ([browser, site] = [b, s]));

  const open = (viewport, { dark = false } = {}) =>
    openPage(browser, site.url + "functions", '[data-testid="activation-value"]', { timeout: 30000, viewport, dark });
  const id = (page, testid) => page.locator(`[data-testid="${testid}"]`);
  const value = async (page, testid) => (await id(page, testid).innerText()).trim();
  const checkerValue = async (page, label) =>
    (await page.locator(`[data-testid="checker-value"][data-label="${label}"] .functions-value-number`).innerText()).trim();
  async function noOverflow(page, name) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: page is ${overflow}px wider than the screen`);
  }

  test("activations: reference values, typed x, every function, and dragging on the chart", async () => {
    const page = await open();
    // Default: sigmoid at x = −2.
    assert.equal(await value(page, "activation-x"), "−2.00");
    assert.equal(await value(page, "activation-value"), "0.119203");
    assert.equal(await value(page, "activation-derivative"), shown(ACT.sigmoid[1](-2), 6));
    assert.match(await id(page, "activation-formula-at").innerText(), /0\.119203/);
    assert.equal(await page.locator('[data-testid="activation-formula-at"] math').count(), 1);
    await shot(page, `${SHOTS}${MODE}/functions-default.png`);

    for (const slug of Object.keys(ACT)) {
      await id(page, "activation-select").selectOption(slug);
      for (const x of [-2, -0.35, 1.7]) {
        await id(page, "activation-x-input").fill(String(x).replace("-", "−"));
        assert.equal(await value(page, "activation-value"), shown(ACT[slug][0](x), 6), `${slug}(${x})`);
        assert.equal(await value(page, "activation-derivative"), shown(ACT[slug][1](x), 6), `${slug}'(${x})`);
      }
    }
    await id(page, "activation-select").selectOption("tanh");
    await id(page, "activation-x-input").fill("-2");
    assert.equal(await value(page, "activation-value"), "−0.964028");
    await id(page, "activation-select").selectOption("relu");
    assert.equal(await value(page, "activation-value"), "0.000000");

    // Bad input: a message next to the field, the text kept, the last good x still shown.
    await id(page, "activation-x-input").fill("abc");
    assert.match(await value(page, "activation-x-problem"), /not a number/);
    assert.equal(await id(page, "activation-x-input").inputValue(), "abc");
    assert.equal(await value(page, "activation-x"), "−2.00");
    await id(page, "activation-x-input").fill("12");
    assert.match(await value(page, "activation-x-problem"), /between −5 and 5/);

    // Drag across the chart from the left to the middle of the plot: x follows the pointer.
    await id(page, "activation-select").selectOption("gelu");
    await id(page, "activation-chart").scrollIntoViewIfNeeded();
    const box = await id(page, "activation-chart").boundingBox();
    const left = box.x + 52, inner = box.width - 60; // plotting area (see charts.rs)
    await page.mouse.move(left + inner * 0.1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(left + inner * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const x = Number((await value(page, "activation-x")).replace("−", "-"));
    assert.ok(Math.abs(x) <= 0.1, `dragged to the middle, x = ${x}`);
    assert.equal(await value(page, "activation-value"), shown(ACT.gelu[0](x), 6));
    assert.equal(await value(page, "activation-derivative"), shown(ACT.gelu[1](x), 6));
    assert.equal(await id(page, "activation-x-problem").count(), 0, "dragging clears the message");
    await shot(page, `${SHOTS}${MODE}/functions-gelu-dragged.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("losses: the issue's reference values and gradients", async () => {
    const page = await open();
    const set = async (loss, y, p) => {
      await id(page, "loss-select").selectOption(loss);
      await id(page, "loss-target-input").fill(String(y));
      await id(page, "loss-prediction-input").fill(String(p));
    };
    await set("mse", 1, 0.6);
    assert.equal(await value(page, "loss-value"), "0.160000");
    assert.equal(await value(page, "loss-gradient"), "−0.800000");
    await set("hinge", 1, 0.6);
    assert.equal(await value(page, "loss-value"), "0.400000");
    assert.equal(await value(page, "loss-gradient"), "−1.000000");
    await set("cce", 1, 0.9);
    assert.equal(await value(page, "loss-value"), shown(-Math.log(0.9), 6)); // 0.1054 nats
    assert.equal(Number((await value(page, "loss-value"))).toFixed(4), "0.1054");
    assert.equal(await value(page, "loss-gradient"), shown(-1 / 0.9, 6));
    await set("bce", 0, 0.3);
    assert.equal(await value(page, "loss-value"), shown(-Math.log(0.7), 6));
    assert.equal(await value(page, "loss-gradient"), shown(1 / 0.7, 6));
    await set("huber", 0, 2.5);
    assert.equal(await value(page, "loss-value"), "2.000000");
    assert.equal(await value(page, "loss-gradient"), "1.000000");
    await set("mae", 2, 1.25);
    assert.equal(await value(page, "loss-value"), "0.750000");
    assert.equal(await value(page, "loss-gradient"), "−1.000000");
    // Out of range and non-numbers get a message; hinge snaps the target to ±1 and says so.
    await set("bce", 0, 1.5);
    assert.match(await value(page, "loss-prediction-problem"), /between/);
    await id(page, "loss-target-input").fill("x");
    assert.match(await value(page, "loss-target-problem"), /not a number/);
    await set("hinge", -0.4, 0.5);
    assert.equal(await value(page, "loss-target"), "−1.00");
    assert.match(await value(page, "loss-meaning"), /y = −1 or \+1/);
    assert.equal(await value(page, "loss-value"), "1.500000");
    await shot(page, `${SHOTS}${MODE}/functions-hinge.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("checker: the issue's dead ReLU example, step by step", async () => {
    const page = await open();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    assert.equal(await value(page, "checker-progress"), "Step 1 of 7");
    assert.equal(await checkerValue(page, "z"), "−0.1");
    assert.equal(await id(page, "checker-step-2").count(), 0);
    await id(page, "checker-next").click();
    assert.equal(await checkerValue(page, "a"), "0");
    assert.match(await id(page, "checker-step-2").innerText(), /dead/);
    await id(page, "checker-all").click();
    assert.equal(await value(page, "checker-progress"), "Step 7 of 7");
    assert.equal(await checkerValue(page, "L"), "1");
    assert.equal(await checkerValue(page, "∂L/∂a"), "−2");
    assert.equal(await checkerValue(page, "∂L/∂z"), "0");
    assert.equal(await checkerValue(page, "new w[1]"), "0.5");
    assert.equal(await checkerValue(page, "new w[2]"), "0.7");
    assert.equal(await checkerValue(page, "new b"), "1");
    assert.equal(await page.locator('[data-testid="checker-steps"] math').count(), 7);
    // Copy a value: either it is copied, or a quiet note says copying is not allowed.
    await page.locator('[data-testid="checker-value"][data-label="z"] button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="checker-copy-note"]').innerText.trim() !== "");
    const note = await value(page, "checker-copy-note");
    assert.ok(note === "Copied -0.1" || /not allowed/.test(note), note);
    if (note.startsWith("Copied")) assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "-0.1");
    await shot(page, `${SHOTS}${MODE}/functions-checker-dead-relu.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("checker: a two-layer network against a hand-written backward pass", async () => {
    const page = await open();
    await id(page, "checker-example-two").click();
    await id(page, "checker-all").click();
    const x = [0.5, -1.2, 2], W1 = [[0.1, 0.4, -0.3], [-0.5, 0.2, 0.6]], b1 = [0.05, -0.1], W2 = [0.7, -0.9], b2 = 0.2, lr = 0.5;
    const z1 = W1.map((w, j) => w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + b1[j]);
    const h = z1.map(Math.tanh);
    const z2 = W2[0] * h[0] + W2[1] * h[1] + b2;
    const out = sigmoid(z2);
    const dz2 = out - 1; // BCE after a sigmoid, target 1
    const dz1 = h.map((hj, j) => W2[j] * dz2 * (1 - hj * hj));
    const expect = {
      "z1⁽¹⁾": z1[0], "z2⁽¹⁾": z1[1], "a1⁽¹⁾": h[0], "a2⁽¹⁾": h[1], "z⁽²⁾": z2, "a⁽²⁾": out, L: -Math.log(out),
      "∂L/∂z⁽²⁾": dz2, "∂L/∂w⁽²⁾[1]": dz2 * h[0], "∂L/∂w⁽²⁾[2]": dz2 * h[1], "∂L/∂b⁽²⁾": dz2,
      "∂L/∂z1⁽¹⁾": dz1[0], "∂L/∂z2⁽¹⁾": dz1[1], "∂L/∂w2⁽¹⁾[3]": dz1[1] * x[2], "∂L/∂b1⁽¹⁾": dz1[0],
      "new w⁽²⁾[1]": W2[0] - lr * dz2 * h[0], "new b⁽²⁾": b2 - lr * dz2,
      "new w1⁽¹⁾[2]": W1[0][1] - lr * dz1[0] * x[1], "new w2⁽¹⁾[3]": W1[1][2] - lr * dz1[1] * x[2], "new b2⁽¹⁾": b1[1] - lr * dz1[1],
    };
    for (const [label, v] of Object.entries(expect)) assert.equal(await checkerValue(page, label), short(v), label);
    await shot(page, `${SHOTS}${MODE}/functions-checker-two-layers.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("checker: bad fields get their own message and keep what was typed", async () => {
    const page = await open();
    await id(page, "checker-inputs").fill("[2, −3, 4]");
    assert.match(await value(page, "checker-weights1-problem"), /2 weights but x has 3 values/);
    await id(page, "checker-inputs").fill("2, abc");
    assert.match(await value(page, "checker-inputs-problem"), /“abc” is not a number/);
    assert.equal(await id(page, "checker-inputs").inputValue(), "2, abc");
    await id(page, "checker-target").fill("");
    assert.match(await value(page, "checker-target-problem"), /empty/);
    await id(page, "checker-rate").fill("1e999");
    assert.match(await value(page, "checker-rate-problem"), /finite/);
    await id(page, "checker-biases1").fill("1, 2");
    assert.match(await value(page, "checker-biases1-problem"), /2 biases given/);
    assert.equal(await id(page, "checker-invalid").count(), 1);
    assert.equal(await id(page, "checker-steps").count(), 0);
    await shot(page, `${SHOTS}${MODE}/functions-checker-errors.png`);
    // Fixing the fields brings the steps back.
    await id(page, "checker-inputs").fill("2 −3");
    await id(page, "checker-target").fill("1");
    await id(page, "checker-rate").fill("0.1");
    await id(page, "checker-biases1").fill("1");
    assert.equal(await checkerValue(page, "z"), "−0.1");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("projector, phone and dark theme", async () => {
    for (const [name, viewport, dark] of [
      ["projector", { width: 1920, height: 1080 }, false],
      ["phone", { width: 390, height: 844 }, false],
      ["dark", { width: 1280, height: 800 }, true],
      ["phone-dark", { width: 390, height: 844 }, true],
    ]) {
      const page = await open(viewport, { dark });
      await id(page, "checker-example-two").click();
      await id(page, "checker-all").click();
      await noOverflow(page, name);
      await shot(page, `${SHOTS}${MODE}/functions-${name}.png`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });
});
