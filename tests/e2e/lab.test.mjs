// /lab in a real browser: the engine's conformance suite (every kernel, gradient and optimiser
// step against an f64 reference) must pass on the CPU backend in both modes and on the WebGPU
// backend when WebGPU is on; the speed table fills in when asked. No timing is asserted.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { withSite, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

for (const mode of ["webgpu", "cpu"]) {
  describe(`/lab with ${mode === "webgpu" ? "WebGPU" : "WebGPU disabled"}`, () => {
    let browser, site;
    withSite({ webgpu: mode === "webgpu", shots: `${SHOTS}${mode}` }, (b, s) => ([browser, site] = [b, s]));

    test("both engines agree with the reference arithmetic, in this browser", async () => {
      const page = await openPage(browser, site.url + "lab");
      const cpu = page.locator('[data-testid="agreement-cpu"]');
      const gpu = page.locator('[data-testid="agreement-webgpu"]');
      await page.waitForFunction(() => /checks pass|not available/.test(document.querySelector('[data-testid="agreement-cpu"]')?.textContent ?? ""), null, { timeout: 120000 });
      const cpuText = await cpu.innerText();
      const [, passedCpu, totalCpu] = cpuText.match(/(\d+) of (\d+) checks pass/);
      assert.equal(passedCpu, totalCpu, cpuText);
      assert.ok(Number(totalCpu) >= 25, cpuText);
      if (mode === "webgpu") {
        await page.waitForFunction(() => /checks pass|not available/.test(document.querySelector('[data-testid="agreement-webgpu"]')?.textContent ?? ""), null, { timeout: 300000 });
        const gpuText = await gpu.innerText();
        const match = gpuText.match(/(\d+) of (\d+) checks pass/);
        assert.ok(match, `WebGPU did not run: ${gpuText}`);
        assert.equal(match[1], match[2], gpuText);
      } else {
        assert.match(await gpu.innerText(), /not available here/);
      }
      await shot(page, `${SHOTS}${mode}/lab-agreement.png`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    test("the speed tables fill in for each available engine", async () => {
      const page = await openPage(browser, site.url + "lab", '[data-testid="backend"]:not([data-backend="probing"])', 30000);
      await page.locator('[data-testid="measure"]').click();
      const filled = mode === "webgpu" ? 2 : 1; // time cells per row: CPU, and WebGPU if on
      await page.waitForFunction((filled) => [64, 256, 512, 1024].every((n) =>
        [...(document.querySelector(`[data-testid="speed-${n}"]`)?.querySelectorAll("td") ?? [])]
          .filter((td) => / ms$/.test(td.textContent)).length === filled), filled, { timeout: 300000 });
      for (const n of [64, 256, 512, 1024]) {
        const cells = await page.locator(`[data-testid="speed-${n}"] td`).allInnerTexts();
        const ms = parseFloat(cells[1]);
        assert.ok(ms > 0 && Number.isFinite(ms), `n=${n}: ${cells}`);
      }
      // And a whole training step (784-500-10 MLP, Adam) at batch 64 and 256.
      await page.locator('[data-testid="measure-training"]').click();
      await page.waitForFunction((filled) => [64, 256].every((b) =>
        [...(document.querySelector(`[data-testid="training-${b}"]`)?.querySelectorAll("td") ?? [])]
          .filter((td) => / \/s$/.test(td.textContent)).length === filled), filled, { timeout: 300000 });
      for (const batch of [64, 256]) {
        const cells = await page.locator(`[data-testid="training-${batch}"] td`).allInnerTexts();
        assert.ok(parseFloat(cells[1]) > 0, `batch ${batch}: ${cells}`);
      }
      // One iteration of the GAN lesson's game on each backend (the issue asks for both figures).
      await page.waitForFunction((filled) =>
        [...(document.querySelector('[data-testid="training-gan"]')?.querySelectorAll("td") ?? [])]
          .filter((td) => / \/s$/.test(td.textContent)).length === filled, filled, { timeout: 300000 });
      const gan = await page.locator('[data-testid="training-gan"] td').allInnerTexts();
      assert.ok(parseFloat(gan[1]) > 0, `${gan}`);
      console.log(`# GAN iterations per second (${mode}): CPU ${gan[1]}, WebGPU ${gan[2]}`);
      await shot(page, `${SHOTS}${mode}/lab-speed.png`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  });
}
