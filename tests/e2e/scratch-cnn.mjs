import { launch, newPage } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";
const site = await serve({ root: DIST, base: "/stepwise/" });
const browser = await launch({ webgpu: false });
const page = await newPage(browser);
page.on("console", (m) => console.log("console:", m.text()));
await page.goto(site.url + "cnn");
await page.waitForSelector('[data-testid="cnn-maps-0"]', { timeout: 60000 });
for (const id of ["cnn-maps-3", "cnn-maps-0"]) {
  const maps = page.locator(`[data-testid="${id}"]`);
  await maps.scrollIntoViewIfNeeded();
  const box = await maps.boundingBox();
  console.log(id, JSON.stringify(box), await maps.evaluate((c) => [c.width, c.height, c.clientWidth]));
  await page.mouse.move(box.x + 3, box.y + 3);
  await page.waitForTimeout(300);
  console.log(await page.locator('[data-testid="cnn-field"]').innerText());
  await page.mouse.move(box.x + 30, box.y + 30);
  await page.waitForTimeout(300);
  console.log(await page.locator('[data-testid="cnn-field"]').innerText());
}
await page.setViewportSize({ width: 1280, height: 800 });
await page.locator(".cnn-maps").screenshot({ path: "/tmp/cnn-maps.png" });
await page.locator(".cnn-step").screenshot({ path: "/tmp/cnn-step.png" });
await page.screenshot({ path: "/tmp/cnn-top.png" });
await browser.close(); site.server.close();
