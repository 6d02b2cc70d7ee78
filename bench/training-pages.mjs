// Training speed and responsiveness as the learner sees them, on the Digits, GAN and Text pages
// in headless Chromium with WebGPU off (all three train in the background worker), on a page
// that is cross-origin isolated (all cores) and on one that is not (one thread): images,
// iterations or reviews per second read from the page every 5 s for 15 s, the main thread's
// long tasks over 50 ms and its frames per second meanwhile.
// Reported, never asserted: run it on a quiet machine and compare with
// `node bench/engine-vs-tfjs.mjs --cpu` (the engine alone, no page) from the same run.
// Usage: node bench/training-pages.mjs   (after scripts/build-site.sh /stepwise/)
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const sites = { isolated: await serve({ root: DIST, base: "/stepwise/", isolated: true }), "not isolated": await serve({ root: DIST, base: "/stepwise/" }) };
const browser = await launch({ webgpu: false });
for (const [kind, site] of Object.entries(sites)) {
  for (const [route, train, speed, unit, thread] of [
    ["mnist", "mnist-train", "mnist-speed", "images/s", "mnist-device"],
    ["gan", "gan-train", "gan-speed", "iterations/s", "gan-thread"],
    ["text", "text-train", "text-speed", "reviews/s", "text-thread"],
  ]) {
    const page = await newPage(browser);
    await page.goto(site.url + route);
    await page.waitForSelector(`[data-testid="${train}"]:not([disabled])`, { timeout: 60000 });
    await page.locator(`[data-testid="${train}"]`).click();
    await page.waitForTimeout(3000); // the worker starts and downloads its data
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
      window.__frames = 0;
      const tick = () => { window.__frames++; requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      window.__since = performance.now();
    });
    const speeds = [];
    for (let i = 0; i < 3; i++) {
      await page.waitForTimeout(5000);
      speeds.push(await page.locator(`[data-testid="${speed}"]`).innerText());
    }
    const { tasks, fps } = await page.evaluate(() => ({ tasks: window.__longTasks, fps: window.__frames / ((performance.now() - window.__since) / 1000) }));
    const where = (await page.locator(`[data-testid="${thread}"]`).innerText()).match(/\(([^)]*thread[^)]*)\)/)?.[1] ?? await page.locator(`[data-testid="${thread}"]`).getAttribute("data-thread");
    console.log(`/${route}, ${kind} (${where}): ${speeds.join(", ")} ${unit} at 5, 10, 15 s; ` +
      `${tasks.length} main-thread long tasks over 50 ms in 15 s${tasks.length ? `, the longest ${Math.max(...tasks).toFixed(0)} ms` : ""}; ${fps.toFixed(1)} fps`);
    await page.locator(`[data-testid="${train}"]`).click();
    await page.context().close();
  }
}
await browser.close();
for (const site of Object.values(sites)) site.server.close();
