// A learning rate far too large, from a link, on every training lesson, in the CPU worker and
// on WebGPU: the weights blow up within a few steps, the page stops with a plain message that
// names the step, the settings stay as they were (in the fields and in the link), and Reset
// gives a fresh run.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { withSite, number, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const id = (name) => `[data-testid="${name}"]`;

// Each lesson: its link with the largest learning rates it allows, its step counter, and what
// its message says.
const LESSONS = [
  { slug: "mnist", query: "lr=10", counter: "mnist-steps", said: /The loss became [\d,]+(\.\d+)? at step \d+: the learning rate is too large/ },
  { slug: "gan", query: "glr=1&dlr=1", counter: "gan-iterations", said: /loss became −?-?[\d,]+(\.\d+)? at iteration \d+: the weights blew up/ },
  { slug: "text", query: "lr=10", counter: "text-steps", said: /The loss became \d+ at step \d+: the learning rate is too large/ },
  // The CNN lesson runs the Digits lesson's training, and its controls keep their names.
  { slug: "cnn", ids: "mnist", query: "lr=10", counter: "mnist-steps", said: /The loss became [\d,]+(\.\d+)? at step \d+: the learning rate is too large/ },
  // The VAE trains in the CPU worker in both modes (it has no GPU path yet).
  { slug: "vae", query: "lr=1", counter: "vae-steps", said: /The loss became [\d,]+(\.\d+)? at step \d+: the learning rate is too large/ },
];

for (const mode of ["cpu", "webgpu"]) {
  describe(`a learning rate far too large, ${mode === "webgpu" ? "on WebGPU" : "in the CPU worker"}`, () => {
    let browser, site;
    withSite({ webgpu: mode === "webgpu", shots: `${SHOTS}${mode}` }, (b, s) => ([browser, site] = [b, s]));

    for (const { slug, ids = slug, query, counter, said } of LESSONS) {
      test(`/${slug}?${query}: stops with a message naming the step, keeps the settings, and resets`, async () => {
        const page = await openPage(browser, `${site.url}${slug}?${query}`);
        const train = page.locator(id(`${ids}-train`));
        await page.waitForSelector(`${id(`${ids}-train`)}:not([disabled])`, { timeout: 90000 });
        await train.click();
        const problem = page.locator(id(`${ids}-problem`));
        await problem.waitFor({ timeout: 120000 });
        const message = await problem.innerText();
        assert.match(message, said);
        console.log(`# ${mode} /${slug}?${query}: ${message.slice(0, 120)}`);
        // Stopped, not paused mid-run: the button offers to resume, and nothing moves.
        await page.waitForFunction((s) => !/Pause/.test(document.querySelector(`[data-testid="${s}-train"]`).textContent), ids, { timeout: 30000 });
        const stoppedAt = await number(page, counter);
        await page.waitForTimeout(500);
        assert.equal(await number(page, counter), stoppedAt, "training has stopped");
        assert.ok(new URL(page.url()).search.includes(query.split("&")[0]), `the link keeps ${query}: ${page.url()}`);
        await shot(page, `${SHOTS}${mode}/${slug}-blown-up.png`);
        await page.locator(id(`${ids}-reset`)).click();
        await page.waitForFunction((s) => !document.querySelector(`[data-testid="${s}-problem"]`), ids, { timeout: 30000 });
        assert.equal(await number(page, counter), 0, "a fresh run");
        assert.ok(new URL(page.url()).search.includes(query.split("&")[0]), "the settings survive the reset");
        assert.deepEqual(page.errors, []);
        await page.context().close();
      });
    }
  });
}
