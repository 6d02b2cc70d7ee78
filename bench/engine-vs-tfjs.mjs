// Stepwise's engine against TensorFlow.js 4.22, in the same headless Chromium run and the same
// page: once with WebGPU (SwiftShader here), once without.
//   (a) fp32 matmul n × n, milliseconds and GFLOP/s;
//   (b) one training step of a 784-500-10 ReLU MLP (Adam, softmax cross-entropy) at batch 64
//       and 256, samples per second.
//   ours:  the Lab page's buttons (CPU = wasm simd128, one thread; WebGPU = our WGSL kernels)
//   TF.js: `wasm` (XNNPACK, SIMD; one thread, since the page is not cross-origin isolated) and
//          `cpu` (plain JS) without WebGPU; `webgpu` with WebGPU.
// Both sides wait for the device the same way: one value read back every 4 operations (every
// product from n = 512 on); matmuls repeat for 300 ms, training steps for 1 s.
// Also: numpy (OpenBLAS, one thread) natively, as the practical roof for the CPU figures.
// Usage: node bench/engine-vs-tfjs.mjs [--cpu]   (after scripts/build-site.sh /stepwise/);
// --cpu measures only the run without WebGPU (the CPU rows), a few minutes quicker.
// Writes bench/results/engine-vs-tfjs.md. Ratios > 1 mean Stepwise is faster.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";
import { tfjsTraining } from "./tfjs-training.mjs";

const TFJS = new URL("../node_modules/@tensorflow/", import.meta.url).pathname;
const SIZES = [64, 256, 512, 1024];
const BATCHES = [64, 256];
const site = await serve({ root: DIST, base: "/stepwise/", mounts: { "/tfjs/": TFJS } });
const origin = new URL(site.url).origin;

/// Our timings from the Lab page: { cpu: {n: ms}, webgpu: {n: ms} }.
async function ours(page, webgpu) {
  await page.goto(site.url + "lab");
  await page.waitForSelector('[data-testid="backend"]:not([data-backend="probing"])', { timeout: 60000 });
  await page.locator('[data-testid="measure"]').click();
  const columns = webgpu ? 4 : 2; // filled cells per row: time and GFLOP/s per backend
  await page.waitForFunction(
    ({ sizes, columns }) => sizes.every((n) => {
      const row = document.querySelector(`[data-testid="speed-${n}"]`);
      return row && [...row.querySelectorAll("td")].slice(1).filter((td) => /ms$/.test(td.textContent)).length === columns / 2;
    }),
    { sizes: SIZES, columns }, { timeout: 600000 });
  const result = { cpu: {}, webgpu: {} };
  for (const n of SIZES) {
    const cells = await page.locator(`[data-testid="speed-${n}"] td`).allInnerTexts();
    result.cpu[n] = parseFloat(cells[1]);
    if (webgpu) result.webgpu[n] = parseFloat(cells[3]);
  }
  return result;
}

/// TF.js timings for one backend, in the same page: { n: ms }.
async function tfjs(page, backend, sizes) {
  return page.evaluate(async ({ backend, sizes }) => {
    await tf.setBackend(backend);
    await tf.ready();
    const times = {};
    for (const n of sizes) {
      const a = tf.randomUniform([n, n], -1, 1);
      const b = tf.randomUniform([n, n], -1, 1);
      const one = async (c) => { const v = tf.slice(c, [0, 0], [1, 1]); await v.data(); v.dispose(); };
      let c = tf.matMul(a, b); await one(c); c.dispose(); // warm-up
      let repetitions = 0;
      const start = performance.now();
      for (;;) {
        c = tf.matMul(a, b);
        repetitions += 1;
        if (repetitions % 4 === 0 || n >= 512) {
          await one(c);
          c.dispose();
          if (performance.now() - start >= 300) break;
        } else c.dispose();
      }
      times[n] = (performance.now() - start) / repetitions;
      a.dispose(); b.dispose();
    }
    return times;
  }, { backend, sizes });
}

/// Our training rates from the Lab page: { cpu: {batch: samples/s}, webgpu: {...} }.
async function oursTraining(page, webgpu) {
  await page.locator('[data-testid="measure-training"]').click();
  const filled = webgpu ? 2 : 1;
  await page.waitForFunction((filled) => [64, 256].every((b) =>
    [...(document.querySelector(`[data-testid="training-${b}"]`)?.querySelectorAll("td") ?? [])]
      .filter((td) => / \/s$/.test(td.textContent)).length === filled), filled, { timeout: 600000 });
  const result = { cpu: {}, webgpu: {} };
  for (const batch of BATCHES) {
    const cells = await page.locator(`[data-testid="training-${batch}"] td`).allInnerTexts();
    result.cpu[batch] = parseFloat(cells[1]);
    if (webgpu) result.webgpu[batch] = parseFloat(cells[3]);
  }
  return result;
}


/// numpy on one thread, natively: { n: ms }, or null with the reason.
function numpy() {
  const venv = new URL("../.tools/bench-venv/", import.meta.url).pathname;
  try {
    if (!existsSync(`${venv}bin/python`)) {
      execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
      execFileSync(`${venv}bin/pip`, ["install", "--quiet", "numpy"], { stdio: "inherit" });
    }
    const one = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const out = execFileSync(`${venv}bin/python`, [new URL("./numpy_matmul.py", import.meta.url).pathname, ...SIZES.map(String)],
      { env: { ...process.env, ...one } });
    return JSON.parse(out);
  } catch (error) {
    return { error: String(error.message ?? error).split("\n")[0] };
  }
}

const gflops = (n, ms) => (2 * n ** 3) / (ms * 1e6);
const lines = [
  "# Stepwise vs TensorFlow.js, same browser, same run", "",
  `Headless Chromium (Debian), ${new Date().toISOString()}, ${(await import("node:os")).cpus()[0].model}.`,
  "Ratio = Stepwise ÷ TF.js in GFLOP/s or samples/s (> 1: Stepwise is faster). One thread on both sides.", "",
];
for (const webgpu of process.argv.includes("--cpu") ? [false] : [false, true]) {
  const browser = await launch({ webgpu });
  const page = await newPage(browser);
  const mine = await ours(page, webgpu);
  const mineTraining = await oursTraining(page, webgpu);
  await page.addScriptTag({ url: `${origin}/tfjs/tfjs/dist/tf.min.js` });
  const theirs = {}, theirsTraining = {};
  if (webgpu) {
    await page.addScriptTag({ url: `${origin}/tfjs/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js` });
    theirs.webgpu = await tfjs(page, "webgpu", SIZES);
    theirsTraining.webgpu = await tfjsTraining(page, "webgpu", BATCHES);
  } else {
    await page.addScriptTag({ url: `${origin}/tfjs/tfjs-backend-wasm/dist/tf-backend-wasm.min.js` });
    await page.evaluate((path) => tf.wasm.setWasmPaths(path), `${origin}/tfjs/tfjs-backend-wasm/dist/`);
    theirs.wasm = await tfjs(page, "wasm", SIZES);
    theirsTraining.wasm = await tfjsTraining(page, "wasm", BATCHES);
    theirs.cpu = await tfjs(page, "cpu", SIZES.filter((n) => n <= 512)); // plain JS: 1024 takes too long
  }
  const adapter = (await page.locator('[data-testid="backend"]').innerText()).trim();
  if (page.errors.length) console.error("page errors:", page.errors);
  await browser.close();

  const ourName = webgpu ? "WebGPU" : "CPU (wasm SIMD)";
  const our = webgpu ? "webgpu" : "cpu";
  lines.push(`## ${webgpu ? `With WebGPU (${adapter})` : "Without WebGPU"}`, "",
    "### Matrix multiplication", "",
    "| n | Stepwise | GFLOP/s | TF.js | GFLOP/s | ratio |", "| ---: | --- | ---: | --- | ---: | ---: |");
  for (const their of webgpu ? ["webgpu"] : ["wasm", "cpu"]) {
    for (const n of SIZES) {
      const a = mine[our][n], b = theirs[their][n];
      if (a === undefined || b === undefined) continue;
      lines.push(`| ${n} | ${ourName} | ${gflops(n, a).toFixed(1)} | ${their} | ${gflops(n, b).toFixed(1)} | ${(b / a).toFixed(2)} |`);
    }
  }
  const their = webgpu ? "webgpu" : "wasm";
  lines.push("", "### Training step, 784-500-10 MLP, Adam", "",
    "| batch | Stepwise | samples/s | TF.js | samples/s | ratio | Stepwise: one MNIST epoch |", "| ---: | --- | ---: | --- | ---: | ---: | ---: |");
  for (const batch of BATCHES) {
    const a = mineTraining[our][batch], b = theirsTraining[their][batch];
    lines.push(`| ${batch} | ${ourName} | ${a.toFixed(0)} | ${their} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} | ${(60000 / a).toFixed(1)} s |`);
  }
  lines.push("");
}
const roof = numpy();
lines.push("## Native roof: numpy (OpenBLAS), one thread", "");
if (roof.error) lines.push(`Not measured: ${roof.error}`);
else lines.push("| n | GFLOP/s |", "| ---: | ---: |", ...SIZES.map((n) => `| ${n} | ${gflops(n, roof[n]).toFixed(1)} |`));
lines.push("", "SwiftShader emulates a GPU on the CPU: WebGPU figures here compare kernels on the same emulated adapter, not real GPU speed.");
site.server.close();
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/engine-vs-tfjs.md", import.meta.url), lines.join("\n") + "\n");
console.log(lines.join("\n"));
