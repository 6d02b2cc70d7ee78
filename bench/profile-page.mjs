// Where a training page spends its main thread: opens a route in headless Chromium (WebGPU off),
// presses Train, records 8 s with the Chrome DevTools profiler (CDP `Profiler`) and prints the
// main thread's long tasks over 50 ms and the self time per function, biggest first. Wasm
// functions appear by index (the release build has no names); calls into the browser (layout
// reads such as offsetHeight, canvas text) appear by name. How the chart fixes of 2026-12-06
// were found. Reported, never asserted.
// Usage: node bench/profile-page.mjs [mnist|gan|text|gpt] [seconds=8]   (after scripts/build-site.sh /stepwise/)
// The GPT checks every 50 steps (7–10 s): record 16 s to catch one. The busiest 150 ms and its
// call chains are printed last (where a long task spent its time).
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";
const route = process.argv[2] ?? "text";
const seconds = Number(process.argv[3] ?? 8);
const site = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });
const page = await newPage(browser);
await page.goto(site.url + route);
await page.waitForSelector(`[data-testid="${route}-train"]:not([disabled])`, { timeout: 60000 });
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await page.locator(`[data-testid="${route}-train"]`).click();
await page.waitForTimeout(3000);
await page.evaluate(() => { window.__lt = []; new PerformanceObserver((l) => window.__lt.push(...l.getEntries().map((e) => Math.round(e.duration)))).observe({ type: "longtask" }); });
await cdp.send("Profiler.start");
await page.waitForTimeout(seconds * 1000);
const { profile } = await cdp.send("Profiler.stop");
console.log("long tasks", await page.evaluate(() => window.__lt));
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; let total = 0;
profile.samples.forEach((id, i) => { const n = byId.get(id); const key = n.callFrame.functionName || `(${n.callFrame.url.split("/").pop()})`; self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0)); total += dt[i] ?? 0; });
console.log("total ms", (total / 1000).toFixed(0));
[...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / 1000).toFixed(1).padStart(8), k.slice(0, 120)));
await browser.close(); site.server.close();
// The busiest 150 ms window: its top functions.
{
  let t = profile.startTime; const times = profile.samples.map((id, i) => (t += dt[i] ?? 0));
  let best = [0, 0];
  for (let i = 0; i < times.length; i++) {
    let busy = 0;
    for (let j = i; j < times.length && times[j] - times[i] < 150000; j++) { const n = byId.get(profile.samples[j]); if (n.callFrame.functionName !== "(idle)") busy += dt[j] ?? 0; }
    if (busy > best[0]) best = [busy, i];
  }
  const window = new Map(); const stacks = new Map();
  const parent = new Map(); profile.nodes.forEach((n) => (n.children ?? []).forEach((c) => parent.set(c, n.id)));
  for (let j = best[1]; j < times.length && times[j] - times[best[1]] < 150000; j++) {
    const n = byId.get(profile.samples[j]); const key = n.callFrame.functionName || "(anon)";
    window.set(key, (window.get(key) ?? 0) + (dt[j] ?? 0));
    let chain = []; let id = n.id; for (let k = 0; k < 8 && id; k++) { chain.push(byId.get(id).callFrame.functionName || "?"); id = parent.get(id); }
    const c = chain.join(" < "); stacks.set(c, (stacks.get(c) ?? 0) + (dt[j] ?? 0));
  }
  console.log("busiest 150 ms:", (best[0] / 1000).toFixed(0), "ms busy");
  [...window].sort((a, b) => b[1] - a[1]).slice(0, 10).forEach(([k, v]) => console.log("  ", (v / 1000).toFixed(1), k));
  [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8).forEach(([k, v]) => console.log("  ", (v / 1000).toFixed(1), k));
}
