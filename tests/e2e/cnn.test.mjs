// /cnn in a real browser, CPU mode: the step-through of one convolution recomputed here from
// the numbers the page shows (before and after training, at a position picked by clicking a
// feature map); LeNet trained live in the background worker until its test accuracy is read;
// receptive fields on hover; an impossible network refused in the form, naming the layer;
// screenshots of the filters and the feature maps.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { withSite, text, number, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const READY = '[data-testid="mnist-train"]:not([disabled])';

/// Σ window × kernel + bias, through ReLU, from the page's own numbers; checked against what
/// the page says and against the engine's number for the same place.
async function checkStep(page) {
  await page.locator('[data-testid="cnn-output"]').waitFor();
  const values = (id) => page.locator(`[data-testid="${id}"] .cnn-cell`).evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
  const one = async (id) => Number(await page.locator(`[data-testid="${id}"]`).getAttribute("data-value"));
  const [window, kernel, products] = [await values("cnn-window"), await values("cnn-kernel"), await values("cnn-products")];
  assert.equal(window.length, 25, "a 5×5 window");
  const sum = window.reduce((s, w, i) => s + w * kernel[i], 0);
  window.forEach((w, i) => assert.ok(Math.abs(w * kernel[i] - products[i]) < 1e-12, `product ${i}`));
  const bias = await one("cnn-bias");
  const output = Math.max(0, sum + bias);
  assert.ok(Math.abs(sum - (await one("cnn-sum"))) < 1e-9, `sum: page ${await one("cnn-sum")}, here ${sum}`);
  assert.ok(Math.abs(output - (await one("cnn-output"))) < 1e-9, `output: page ${await one("cnn-output")}, here ${output}`);
  // The engine's convolution (one matrix product over every window) gives the same number.
  const engine = await one("cnn-engine");
  assert.ok(Math.abs(output - engine) < 1e-5 * (1 + output), `engine ${engine}, recomputed ${output}`);
  return { window, output };
}

describe("/cnn with WebGPU disabled", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  test("LeNet trains in the worker; the step-through is recomputed from its numbers; receptive fields grow with depth", async () => {
    const page = await openPage(browser, site.url + "cnn", READY);
    assert.match(await text(page, "mnist-architecture"), /^Shape: 28×28 → 24×24×8 → 12×12×8 → 8×8×16 → 4×4×16 → 10\. 5,994 weights/);
    assert.equal(await text(page, "cnn-parameters"), "5,994");
    assert.equal(await text(page, "cnn-mlp-parameters"), "397,510");
    // Untrained: the step-through at its opening place (filter 1, row 5, column 10).
    await page.locator('[data-testid="cnn-layers"] canvas').first().waitFor();
    await checkStep(page);

    await page.locator('[data-testid="mnist-train"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="mnist-device"]')?.dataset.thread === "worker");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="mnist-steps"]').textContent) >= 450, null, { timeout: 240000 });
    await page.locator('[data-testid="mnist-train"]').click(); // pause
    await page.waitForSelector(READY);
    const accuracy = await number(page, "mnist-accuracy");
    console.log(`# LeNet after ${await number(page, "mnist-steps")} steps in the worker: ${accuracy}% of the test digits checked, ${await text(page, "mnist-speed")} images/s`);
    assert.ok(accuracy >= 85, `test accuracy ${accuracy}%`);

    // Click a unit of the first layer's fifth map: the step-through moves there.
    const maps = page.locator('[data-testid="cnn-maps-0"]');
    // In the middle of the screen: the site's header stays over the top of the page.
    const centre = (locator) => locator.evaluate((e) => e.scrollIntoView({ block: "center" }));
    await centre(maps);
    const box = await maps.boundingBox();
    const canvas = await maps.evaluate((c) => ({ width: c.width, height: c.height }));
    // Map 5 (index 4) of eight in a row, 2× scale, 52 px apart: its pixel (row 12, column 6).
    const [cx, cy] = [4 * 52 + 6 * 2 + 1, 12 * 2 + 1];
    await page.mouse.click(box.x + (cx * box.width) / canvas.width, box.y + (cy * box.height) / canvas.height);
    await page.waitForFunction(() => document.querySelector('[data-testid="cnn-filter"]').value === "5");
    assert.equal(await page.locator('[data-testid="cnn-row"]').inputValue(), "12");
    assert.equal(await page.locator('[data-testid="cnn-col"]').inputValue(), "6");
    const trained = await checkStep(page);
    // Another place by the inputs: near the middle of the digit, where the strokes are.
    await page.locator('[data-testid="cnn-row"]').fill("9");
    await page.locator('[data-testid="cnn-row"]').press("Tab");
    await page.waitForFunction(() => document.querySelector('[data-testid="cnn-row"]').value === "9");
    await page.waitForTimeout(200);
    const moved = await checkStep(page);
    assert.notDeepEqual(moved.window, trained.window, "the window moved");

    // Receptive fields: a first-layer unit sees 5×5 pixels, a unit after the second pooling 16×16.
    const last = page.locator('[data-testid="cnn-maps-3"]');
    await centre(last);
    const lastBox = await last.boundingBox();
    await page.mouse.move(lastBox.x + 5, lastBox.y + 5);
    await page.waitForFunction(() => /16×16 of the 28×28/.test(document.querySelector('[data-testid="cnn-field"]').textContent));
    await centre(maps);
    const firstBox = await maps.boundingBox();
    await page.mouse.move(firstBox.x + 3, firstBox.y + 3);
    await page.waitForFunction(() => /5×5 of the 28×28/.test(document.querySelector('[data-testid="cnn-field"]').textContent));

    await page.locator('[data-testid="mnist-weights"]').scrollIntoViewIfNeeded();
    await page.locator(".cnn-filters").screenshot({ path: `${SHOTS}cnn-filters.png` });
    await page.locator(".cnn-maps").screenshot({ path: `${SHOTS}cnn-maps.png` });
    await page.locator(".cnn-step").screenshot({ path: `${SHOTS}cnn-step.png` });
    await shot(page, `${SHOTS}cnn-trained.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("an impossible network is refused in the form and in a link, naming the layer and its sizes", async () => {
    const page = await openPage(browser, site.url + "cnn?conv=5x8+pool+2,13x8", READY);
    await page.locator('[data-testid="link-notes"]').waitFor();
    assert.match(await page.locator('[data-testid="link-notes"]').innerText(), /convolution 2 \(13×13 kernels\): a 13×13 window does not fit in a 12×12 image/);
    assert.match(await text(page, "mnist-architecture"), /24×24×8/, "the default network is used instead");
    const blocks = page.locator('[data-testid="mnist-convolutions"]');
    assert.equal(await blocks.inputValue(), "5x8 pool 2, 5x16 pool 2");
    await blocks.fill("5x8 pool 2, 5x16 pool 9");
    await page.waitForSelector(".field-problem");
    assert.match(await page.locator(".field-problem").first().innerText(), /the pooling after convolution 2: a 9×9 window does not fit in an? 8×8 image/);
    assert.ok(await page.locator('[data-testid="mnist-apply"]').isDisabled());
    await blocks.fill("3x4");
    await page.locator('[data-testid="mnist-apply"]').click();
    assert.match(await text(page, "mnist-architecture"), /^Shape: 28×28 → 26×26×4 → 10\./);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
