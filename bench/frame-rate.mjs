// Frames per second of /gradient-descent while it plays, at each speed, in headless Chromium
// (the "≥ 50 fps while playing"). Reported, never asserted: run it on a quiet machine.
// Usage: node bench/frame-rate.mjs   (after scripts/build-site.sh /stepwise/)
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const site = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });
const page = await newPage(browser);
await page.goto(site.url + "gradient-descent?a=0.01");
await page.locator('[data-testid="gd-play"]').waitFor();
for (const [value, name] of [["400", "medium"], ["100", "fast"], ["16", "fastest (a step a frame)"]]) {
  await page.locator('select[aria-label="speed"]').selectOption(value);
  await page.locator('[data-testid="gd-play"]').click();
  await page.waitForTimeout(500);
  const fps = await page.evaluate(() => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = () => { frames++; if (performance.now() - start < 3000) requestAnimationFrame(tick); else resolve(frames / ((performance.now() - start) / 1000)); };
    requestAnimationFrame(tick);
  }));
  console.log(`gradient descent, ${name}: ${fps.toFixed(1)} fps while playing (${await page.locator('[data-testid="gd-loss-now"]').innerText()})`);
  await page.locator('[data-testid="gd-play"]').click();
}
await browser.close();
site.server.close();
