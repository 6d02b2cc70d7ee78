// Soak: each training lesson trains for a long while (10 minutes by default) in one headless
// Chromium, and every 10 s we sample
//   - the page's JS heap (the DevTools protocol's JSHeapUsedSize, just after a garbage collection),
//   - the page's wasm memory (the module Trunk starts, from its TrunkApplicationStarted event),
//   - the training worker's wasm memory (its loader keeps the module's exports in `self.__wasm`),
//   - the resident memory of every Chromium process, from /proc,
//   - the lesson's own rate (images, iterations, reviews or characters per second).
// Reported per lesson: the growth of each memory figure from the first minute's end to the last
// sample (target: at most 5%), the rate's first-minute and last values, and any crash or page
// error. Not in CI; measurements only, nothing asserted.
// Usage: node bench/soak.mjs [seconds=600] [lessons=mnist,gan,text,gpt,vae]
//        (after scripts/build-site.sh /stepwise/; nothing else should run meanwhile, since the
//        process memory is summed over every Chromium on the machine)
// Writes bench/results/soak.md and bench/results/soak.json.
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const SECONDS = Number(process.argv[2] ?? 600);
const LESSONS = (process.argv[3] ?? "mnist,gan,text,gpt,vae").split(",");
const EVERY = 10;
// The text lesson stops itself an epoch after its best check; `keep=1` keeps it training.
const ADDRESS = { mnist: "mnist", gan: "gan", text: "text?keep=1", gpt: "gpt", vae: "vae" };
const RATE = { mnist: "mnist-speed", gan: "gan-speed", text: "text-speed", gpt: "gpt-speed", vae: "vae-speed" };
const UNIT = { mnist: "images/s", gan: "iterations/s", text: "reviews/s", gpt: "characters/s", vae: "images/s" };

/// Resident memory (bytes) summed over every process whose command line names chromium.
async function chromiumResident() {
  let total = 0;
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
      if (!/chromium/.test(cmdline.split("\0")[0])) continue;
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      total += Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
    } catch { /* the process ended */ }
  }
  return total;
}

const site = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });
const results = {};

for (const lesson of LESSONS) {
  const page = await newPage(browser);
  await page.addInitScript(() => addEventListener("TrunkApplicationStarted", (e) => { window.__wasm = e.detail.wasm; }));
  let crashed = null;
  page.on("crash", () => { crashed = "the page crashed"; });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.goto(site.url + ADDRESS[lesson]);
  await page.waitForSelector(`[data-testid="${lesson}-train"]:not([disabled])`, { timeout: 120000 });
  await page.locator(`[data-testid="${lesson}-train"]`).click();
  const samples = [];
  const start = Date.now();
  while (!crashed && Date.now() - start < SECONDS * 1000) {
    await page.waitForTimeout(EVERY * 1000);
    if (crashed) break;
    // Garbage first: otherwise the heap figure is mostly where the collector happens to be.
    await cdp.send("HeapProfiler.collectGarbage");
    const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const page_ = await page.evaluate((id) => ({
      wasm: window.__wasm?.memory?.buffer?.byteLength ?? null,
      rate: parseFloat(document.querySelector(`[data-testid="${id}"]`)?.textContent.replace(/[^0-9.]/g, "") ?? "NaN"),
      problem: document.querySelector('[role="alert"]')?.textContent ?? null,
    }), RATE[lesson]).catch((e) => ({ wasm: null, rate: NaN, problem: String(e) }));
    let worker = null;
    for (const w of page.workers()) worker = (await w.evaluate(() => self.__wasm?.memory?.buffer?.byteLength ?? null).catch(() => null)) ?? worker;
    samples.push({ t: Math.round((Date.now() - start) / 1000), heap: metrics.JSHeapUsedSize, wasm: page_.wasm, worker, resident: await chromiumResident(), rate: page_.rate, problem: page_.problem });
    const last = samples.at(-1);
    console.log(`${lesson} ${last.t} s: heap ${(last.heap / 1e6).toFixed(1)} MB, page wasm ${((last.wasm ?? 0) / 1e6).toFixed(1)} MB, worker wasm ${((last.worker ?? 0) / 1e6).toFixed(1)} MB, Chromium resident ${(last.resident / 1e6).toFixed(0)} MB, ${last.rate} ${UNIT[lesson]}${last.problem ? `, says: ${last.problem}` : ""}`);
  }
  const afterMinute = samples.find((s) => s.t >= 60) ?? samples[0];
  const last = samples.at(-1);
  const growth = (key) => (afterMinute?.[key] && last?.[key] ? (last[key] - afterMinute[key]) / afterMinute[key] : null);
  results[lesson] = {
    seconds: last?.t ?? 0,
    growth: { heap: growth("heap"), wasm: growth("wasm"), worker: growth("worker"), resident: growth("resident") },
    peak: { heap: Math.max(...samples.map((s) => s.heap)), resident: Math.max(...samples.map((s) => s.resident)) },
    rate: { afterMinute: afterMinute?.rate, last: last?.rate, min: Math.min(...samples.filter((s) => s.t >= 60).map((s) => s.rate)) },
    crashed, errors: page.errors, problems: [...new Set(samples.map((s) => s.problem).filter(Boolean))], samples,
  };
  await page.context().close().catch(() => {});
}
await browser.close();
site.server.close();

const pct = (x) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);
const lines = [
  `# Soak: ${SECONDS} s of training per lesson, one headless Chromium (\`node bench/soak.mjs ${SECONDS}\`)`,
  "",
  `${new Date().toISOString()}. Growth is from the first minute's end to the last sample; the target is at most 5%. "Chromium resident" sums every Chromium process (the training worker's memory included).`,
  "",
  "| lesson | trained | JS heap growth | page wasm growth | worker wasm growth | Chromium resident growth (peak) | rate after 1 min → last (lowest) | crash, errors |",
  "|---|---|---|---|---|---|---|---|",
  ...Object.entries(results).map(([lesson, r]) => `| ${lesson} | ${r.seconds} s | ${pct(r.growth.heap)} | ${pct(r.growth.wasm)} | ${pct(r.growth.worker)} | ${pct(r.growth.resident)} (${(r.peak.resident / 1e6).toFixed(0)} MB) | ${r.rate.afterMinute} → ${r.rate.last} (${r.rate.min}) ${UNIT[lesson]} | ${r.crashed ?? "none"}; ${r.errors.length + r.problems.length ? [...r.errors, ...r.problems].join("; ") : "none"} |`),
  "",
];
const out = new URL("./results/", import.meta.url).pathname;
await mkdir(out, { recursive: true });
await writeFile(`${out}soak.md`, lines.join("\n"));
await writeFile(`${out}soak.json`, JSON.stringify(results, null, 1));
console.log(lines.join("\n"));
