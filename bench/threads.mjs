// Training on every core, measured: the Digits network (784-500-10 ReLU MLP, Adam) trained in
// our threaded worker on 1 thread and on all, in our one-thread worker, and TensorFlow.js wasm
// (XNNPACK, SIMD) with its threads switched on (`setThreadsCount`) at the same thread counts, all
// in one headless Chromium run on a cross-origin isolated page.
//   ours:  `window.__stepwiseProbeWorker(steps, batch, threads)` (app/worker_client.rs): a fresh
//          seeded network trained on the real digits in a new worker, timed inside the steps;
//          the best of two runs.
//   TF.js: bench/tfjs-training.mjs (random inputs, 1 s per batch size), a fresh page per
//          thread count (TF.js reads the count when its backend starts).
// Usage: node bench/threads.mjs   (after scripts/build-site.sh /stepwise/)
// Writes bench/results/threads.md. Measurements only: nothing here is asserted.
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";
import { tfjsTraining } from "./tfjs-training.mjs";

const TFJS = new URL("../node_modules/@tensorflow/", import.meta.url).pathname;
const BATCHES = [64, 256];
const STEPS = { 64: 300, 256: 80 };
const isolated = await serve({ root: DIST, base: "/stepwise/", isolated: true, mounts: { "/tfjs/": TFJS } });
const plain = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });

/// Images per second of our worker on `url`'s page: { batch: rate } and the threads it used.
async function ours(url, threads) {
  const page = await newPage(browser);
  await page.goto(url + "lab");
  const rates = {};
  let used = 0;
  for (const batch of BATCHES) {
    let best = 0;
    for (let run = 0; run < 2; run++) {
      const answer = JSON.parse(await page.evaluate(([s, b, t]) => window.__stepwiseProbeWorker(s, b, t), [STEPS[batch], batch, threads]));
      best = Math.max(best, (STEPS[batch] * batch) / (answer.milliseconds / 1000));
      used = answer.threads;
    }
    rates[batch] = best;
  }
  await page.context().close();
  return { rates, threads: used };
}

/// TF.js wasm on `threads` threads: { batch: rate }, and the count it reports.
async function theirs(threads) {
  const page = await newPage(browser);
  await page.goto(isolated.url + "lab");
  const origin = new URL(isolated.url).origin;
  await page.addScriptTag({ url: `${origin}/tfjs/tfjs/dist/tf.min.js` });
  await page.addScriptTag({ url: `${origin}/tfjs/tfjs-backend-wasm/dist/tf-backend-wasm.min.js` });
  await page.evaluate(([path, n]) => { tf.wasm.setWasmPaths(path); tf.wasm.setThreadsCount(n); }, [`${origin}/tfjs/tfjs-backend-wasm/dist/`, threads]);
  const rates = await tfjsTraining(page, "wasm", BATCHES);
  const used = await page.evaluate(() => tf.wasm.getThreadsCount());
  await page.context().close();
  return { rates, threads: used };
}

const page = await newPage(browser);
await page.goto(isolated.url + "lab");
const cores = await page.evaluate(() => navigator.hardwareConcurrency);
const crossOriginIsolated = await page.evaluate(() => crossOriginIsolated);
await page.context().close();

const oursOne = await ours(isolated.url, 1);
const oursAll = await ours(isolated.url, 0);
const oursPlain = await ours(plain.url, 0);
const theirsOne = await theirs(1);
const theirsAll = await theirs(cores);
await browser.close();
isolated.server.close();
plain.server.close();

const f = (x) => Math.round(x).toLocaleString("en");
const r = (x) => x.toFixed(2);
const lines = [
  "# Training on every core: our worker and TF.js wasm, same browser, same run", "",
  `Headless Chromium (Debian), ${new Date().toISOString()}, ${cpus()[0].model}; the browser reports ${cores} cores; page isolated: ${crossOriginIsolated}.`,
  "784-500-10 ReLU MLP, Adam, one training step repeated; images (samples) per second. Command: `node bench/threads.mjs`.", "",
  `| batch | ours, 1 thread | ours, ${oursAll.threads} threads | ${oursAll.threads} ÷ 1 | ours, one-thread worker | TF.js wasm, ${theirsOne.threads} thread | TF.js wasm, ${theirsAll.threads} threads | TF.js ${theirsAll.threads} ÷ 1 | ours ÷ TF.js, 1 thread | ours ÷ TF.js, ${cores} threads |`,
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const b of BATCHES) {
  lines.push(`| ${b} | ${f(oursOne.rates[b])} | ${f(oursAll.rates[b])} | ${r(oursAll.rates[b] / oursOne.rates[b])} | ${f(oursPlain.rates[b])} | ${f(theirsOne.rates[b])} | ${f(theirsAll.rates[b])} | ${r(theirsAll.rates[b] / theirsOne.rates[b])} | ${r(oursOne.rates[b] / theirsOne.rates[b])} | ${r(oursAll.rates[b] / theirsAll.rates[b])} |`);
}
if (theirsAll.threads !== cores) {
  lines.push("", `TF.js was asked for ${cores} threads (setThreadsCount, before its backend started, on an isolated page; it loaded its threaded SIMD binary) but reports ${theirsAll.threads}: its last column compares against that.`);
}
lines.push("", "Targets (issue: training runtime): ours on 2 threads ≥ 1.8 × ours on 1; ours ≥ 8 × TF.js wasm at an equal thread count.");
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/threads.md", import.meta.url), lines.join("\n") + "\n");
console.log(lines.join("\n"));
