// Matrix multiplication, Stepwise's engine against TensorFlow.js 4.22, in the same headless
// Chromium run and the same page: once with WebGPU (SwiftShader here), once without.
//   ours:  the Lab page's "Measure" button (CPU = wasm simd128; WebGPU = our WGSL kernels)
//   TF.js: its `wasm` backend (XNNPACK, simd) and its `cpu` backend (plain JS) without WebGPU;
//          its `webgpu` backend with WebGPU.
// Each product repeats until 300 ms have passed; both sides wait for the device the same way
// (reading one value back every 4 products, every product from n = 512 on).
// Usage: node bench/matmul-vs-tfjs.mjs   (after scripts/build-site.sh /stepwise/).
// Writes bench/results/matmul-vs-tfjs.md. Ratios > 1 mean Stepwise is faster.
import { mkdir, writeFile } from "node:fs/promises";
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const TFJS = new URL("../node_modules/@tensorflow/", import.meta.url).pathname;
const SIZES = [64, 256, 512, 1024];
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

const lines = [
  "# Matrix multiplication: Stepwise vs TensorFlow.js", "",
  `Headless Chromium (Debian), ${new Date().toISOString()}. Milliseconds per n × n product; ratio = TF.js time ÷ Stepwise time (> 1: Stepwise is faster).`, "",
];
for (const webgpu of [false, true]) {
  const browser = await launch({ webgpu });
  const page = await newPage(browser);
  const mine = await ours(page, webgpu);
  await page.addScriptTag({ url: `${origin}/tfjs/tfjs/dist/tf.min.js` });
  const theirs = {};
  if (webgpu) {
    await page.addScriptTag({ url: `${origin}/tfjs/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js` });
    theirs.webgpu = await tfjs(page, "webgpu", SIZES);
  } else {
    await page.addScriptTag({ url: `${origin}/tfjs/tfjs-backend-wasm/dist/tf-backend-wasm.min.js` });
    await page.evaluate((path) => tf.wasm.setWasmPaths(path), `${origin}/tfjs/tfjs-backend-wasm/dist/`);
    theirs.wasm = await tfjs(page, "wasm", SIZES);
    theirs.cpu = await tfjs(page, "cpu", SIZES.filter((n) => n <= 512)); // plain JS: 1024 takes too long
  }
  const adapter = await page.locator('[data-testid="backend"]').innerText();
  await browser.close();

  const pairs = webgpu ? [["webgpu", "webgpu"]] : [["cpu", "wasm"], ["cpu", "cpu"]];
  lines.push(`## ${webgpu ? `With WebGPU (${adapter.trim()})` : "Without WebGPU"}`, "",
    "| n | Stepwise | ms | TF.js | ms | ratio |", "| ---: | --- | ---: | --- | ---: | ---: |");
  for (const [our, their] of pairs) {
    for (const n of SIZES) {
      const a = mine[our][n], b = theirs[their][n];
      if (a === undefined || b === undefined) continue;
      lines.push(`| ${n} | ${our === "cpu" ? "CPU (wasm SIMD)" : "WebGPU"} | ${a.toFixed(2)} | ${their} | ${b.toFixed(2)} | ${(b / a).toFixed(2)} |`);
    }
  }
  lines.push("");
}
lines.push("SwiftShader emulates a GPU on the CPU: WebGPU figures here compare kernels on the same emulated adapter, not real GPU speed.");
site.server.close();
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/matmul-vs-tfjs.md", import.meta.url), lines.join("\n") + "\n");
console.log(lines.join("\n"));
