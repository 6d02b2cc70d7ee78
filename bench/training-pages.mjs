// Training speed as the learner sees it, on the Digits and GAN pages in headless Chromium with
// WebGPU off (both train in the background worker): images per second and GAN iterations per
// second, read from the pages every 20 s for a minute, with the main thread's long tasks.
// Reported, never asserted: run it on a quiet machine and compare with
// `node bench/engine-vs-tfjs.mjs --cpu` (the engine alone, no page) from the same run.
// Usage: node bench/training-pages.mjs   (after scripts/build-site.sh /stepwise/)
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const site = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });
for (const [route, train, speed, unit, thread] of [
  ["mnist", "mnist-train", "mnist-speed", "images/s", "mnist-device"],
  ["gan", "gan-train", "gan-speed", "iterations/s", "gan-thread"],
]) {
  const page = await newPage(browser);
  await page.goto(site.url + route);
  await page.waitForSelector(`[data-testid="${train}"]:not([disabled])`, { timeout: 60000 });
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
  });
  await page.locator(`[data-testid="${train}"]`).click();
  for (const seconds of [20, 40, 60]) {
    await page.waitForTimeout(20000);
    const where = await page.locator(`[data-testid="${thread}"]`).getAttribute("data-thread");
    const tasks = await page.evaluate(() => window.__longTasks);
    console.log(`/${route} after ${seconds} s (${where}): ${await page.locator(`[data-testid="${speed}"]`).innerText()} ${unit}; ` +
      `${tasks.length} main-thread long tasks over 50 ms so far${tasks.length ? `, the longest ${Math.max(...tasks).toFixed(0)} ms` : ""}`);
  }
  await page.context().close();
}
await browser.close();
site.server.close();
