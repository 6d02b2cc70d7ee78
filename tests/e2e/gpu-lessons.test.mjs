// The GAN, Text and GPT lessons on WebGPU (the Digits lesson has its own in mnist.test.mjs): each
// trains on the GPU when the browser offers it, the learner can choose the CPU instead, and
// when the GPU is really lost mid-training (destroy() on the real device, through a test
// hook; the device-lost callback does the rest) training goes on in the CPU worker from the
// last copy, and the page says what happened.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { withSite, number, text, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/webgpu/", import.meta.url).pathname;
const id = (name) => `[data-testid="${name}"]`;

// Each lesson: its route, what counts its steps, the word for one ("step", "iteration"), and
// the faults it is tested with (the GPT, slower per step, only with the device lost: the
// error path is the shared code the other two test).
const LESSONS = [
  { slug: "gan", route: "gan", counter: "gan-iterations", unit: "iteration", first: 20, faults: 2 },
  // The conditional GAN (labels into G, D's first layer and its projection) on the GPU too.
  { slug: "gan", name: "gan?preset=pick-the-digit", route: "gan?preset=pick-the-digit&digit=4", counter: "gan-iterations", unit: "iteration", first: 20, faults: 1, choice: false },
  { slug: "text", route: "text", counter: "text-steps", unit: "step", first: 60, faults: 2 },
  // A small GPT (as in gpt.test.mjs), so a step is short on a software GPU.
  { slug: "gpt", route: "gpt?ly=2&w=64&ctx=32&bs=16&lr=0.003", counter: "gpt-steps", unit: "step", first: 12, faults: 1 },
];

const until = (page, counter, n) =>
  page.waitForFunction(([c, n]) => Number(document.querySelector(`[data-testid="${c}"]`).textContent.replace(/[^0-9]/g, "")) >= n, [counter, n], { timeout: 180000 });

describe("GAN, Text and GPT lessons on WebGPU", () => {
  let browser, site;
  withSite({ webgpu: true, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  // A real loss (destroy() on the device), and a real validation error nobody catches.
  const FAULTS = [
    { hook: "__stepwiseLoseGpu", what: "the GPU is lost", shot: "gpu-lost" },
    { hook: "__stepwiseGpuError", what: "a GPU error nobody caught happens", said: /a GPU error/, shot: "gpu-error" },
  ];
  for (const { slug, name = slug, route, counter, unit, first, faults } of LESSONS) for (const fault of FAULTS.slice(0, faults)) {
    test(`/${name} trains on the GPU; when ${fault.what} mid-training it goes on in the CPU worker from its last copy`, async () => {
      const page = await openPage(browser, site.url + route);
      const train = page.locator(id(`${slug}-train`));
      await page.waitForSelector(`${id(`${slug}-train`)}:not([disabled])`, { timeout: 90000 });
      const where = page.locator(id(`${slug}-thread`));
      assert.match(await where.innerText(), /Trains on the GPU through WebGPU · \S/);
      assert.equal(await page.locator(id(`${slug}-engine`)).inputValue(), "gpu");
      await train.click();
      await until(page, counter, first);
      assert.equal(await where.getAttribute("data-thread"), "gpu");
      assert.match(await where.innerText(), /Training on the GPU through WebGPU/);
      const lostAt = await number(page, counter);
      console.log(`# /${name} on WebGPU: ${lostAt} ${unit}s at ${await text(page, `${slug}-speed`)} a second (the speed figure)`);
      await page.evaluate((hook) => window[hook](), fault.hook);
      const notice = page.locator(id(`${slug}-gpu-lost`));
      await notice.waitFor({ timeout: 30000 });
      const said = await notice.innerText();
      if (fault.said) assert.match(said, fault.said);
      const [, gpuAt, cpuFrom] = said.match(new RegExp(`stopped responding at ${unit} (\\d+).*continues on the CPU from ${unit} (\\d+)`, "s")).map(Number);
      assert.ok(gpuAt >= lostAt, `lost at ${gpuAt}, asked at ${lostAt}`);
      // The copy is at most 2 s of training old: some steps are taken again, none skipped.
      assert.ok(cpuFrom <= gpuAt, said);
      await page.waitForFunction((s) => document.querySelector(`[data-testid="${s}-thread"]`).dataset.thread === "worker", slug, { timeout: 30000 });
      assert.match(await page.locator('[data-testid="backend"]').innerText(), /CPU/, "the header says so too");
      await until(page, counter, gpuAt + 10);
      assert.equal(await train.innerText(), "Pause", "still training");
      assert.equal(await page.locator(id(`${slug}-problem`)).count(), 0, "not mistaken for a diverging loss");
      await train.click();
      await shot(page, `${SHOTS}${name === slug ? slug : `${slug}-conditional`}-${fault.shot}.png`);
      assert.deepEqual(page.errors.filter((e) => !/WebGPU|GPU|device|destroyed|lost|usage|buffer|invalid/i.test(e)), []);
      await page.context().close();
    });

  }
  for (const { slug, route, counter, first } of LESSONS.filter((l) => l.choice !== false)) {
    test(`/${slug}: the learner can choose the CPU instead, and back; the run carries over`, async () => {
      const page = await openPage(browser, site.url + route);
      const train = page.locator(id(`${slug}-train`));
      await page.waitForSelector(`${id(`${slug}-train`)}:not([disabled])`, { timeout: 90000 });
      const where = page.locator(id(`${slug}-thread`));
      const engine = page.locator(id(`${slug}-engine`));
      await engine.selectOption("cpu");
      assert.match(await where.innerText(), /Trains on your CPU/);
      await train.click();
      assert.ok(await engine.isDisabled(), "not switched mid-run");
      await until(page, counter, first);
      assert.equal(await where.getAttribute("data-thread"), "worker");
      await train.click();
      await page.waitForSelector(`${id(`${slug}-train`)}:not([disabled])`);
      const paused = await number(page, counter);
      await engine.selectOption("gpu");
      await train.click();
      await until(page, counter, paused + 5);
      assert.equal(await where.getAttribute("data-thread"), "gpu");
      await train.click();
      await page.waitForSelector(`${id(`${slug}-train`)}:not([disabled])`);
      await shot(page, `${SHOTS}${slug}-gpu-trained.png`);
      assert.ok((await number(page, counter)) >= paused + 5, "the run went on from where the CPU left it");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});
