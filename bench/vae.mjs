// The VAE lesson's targets, measured in headless Chromium on this machine (not asserted):
//   - the test negative ELBO the page shows (the first 1,000 test digits) after 30, 60, 90 and
//     120 s of training, 2-D latent (target ≤ 150 nats within 120 s on the CPU path);
//   - with `z=16`, the figure at 180 s (target ≤ 105 nats);
//   - the page's frame rate while training (target ≥ 58 fps) and how often the map redraws.
// Both on a plain page (one thread) and on a cross-origin isolated one (every core).
// Usage: node bench/vae.mjs [seconds=120] [query=] (after scripts/build-site.sh /stepwise/)
//        node bench/vae.mjs 180 z=16
import { launch, newPage } from "../tests/e2e/browser.mjs";
import { DIST, serve } from "../tests/e2e/serve.mjs";

const SECONDS = Number(process.argv[2] ?? 120);
const QUERY = process.argv[3] ?? "";
const browser = await launch({ webgpu: false });

for (const isolated of [false, true]) {
  const site = await serve({ root: DIST, base: "/stepwise/", isolated });
  const page = await newPage(browser);
  await page.goto(`${site.url}vae${QUERY ? "?" + QUERY : ""}`);
  await page.waitForSelector('[data-testid="vae-train"]:not([disabled])', { timeout: 120000 });
  // Count the map's redraws: each is a new canvas picture.
  await page.evaluate(() => {
    window.__mapDraws = 0;
    let last = "";
    setInterval(() => {
      const now = document.querySelector('[data-testid="vae-map-chart"]')?.toDataURL() ?? "";
      if (now !== last) { window.__mapDraws++; last = now; }
    }, 100);
  });
  await page.locator('[data-testid="vae-train"]').click();
  const read = (id) => page.locator(`[data-testid="${id}"]`).innerText();
  const marks = [30, 60, 90, 120, 150, 180].filter((s) => s <= SECONDS);
  if (!marks.includes(SECONDS)) marks.push(SECONDS);
  const where = isolated ? "isolated (every core)" : "not isolated (one thread)";
  for (const mark of marks) {
    for (;;) {
      const seconds = parseFloat((await read("vae-time")).replace(/[^0-9.]/g, ""));
      if (seconds >= mark) break;
      await page.waitForTimeout(250);
    }
    console.log(`${where}, ${mark} s: step ${await read("vae-steps")}, ${await read("vae-speed")} images/s, test −ELBO ${await read("vae-test-elbo")} (as of the last check)`);
  }
  const fps = await page.evaluate(() => new Promise((resolve) => {
    let frames = 0;
    const start = performance.now();
    const tick = () => { frames++; if (performance.now() - start < 3000) requestAnimationFrame(tick); else resolve(frames / 3); };
    requestAnimationFrame(tick);
  }));
  const draws = await page.evaluate(() => window.__mapDraws);
  console.log(`${where}: ${fps.toFixed(1)} frames per second while training; the map redrew ${draws} times in ${SECONDS} s (${(draws / SECONDS).toFixed(1)} per second)`);
  await page.context().close();
  site.server.close();
}
await browser.close();
