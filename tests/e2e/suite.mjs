// What every e2e file shares: the built site served and Chromium launched around a `describe`,
// and reading a figure off the page by its test id.
import { after, before } from "node:test";
import { mkdir } from "node:fs/promises";
import { launch, newPage } from "./browser.mjs";
import { DIST, serve } from "./serve.mjs";

/// The text of the element with `data-testid` = `id`.
export const text = (page, id) => page.locator(`[data-testid="${id}"]`).innerText();

/// The number in that text (thousands separators, units and signs dropped).
export const number = async (page, id) => parseFloat((await text(page, id)).replace(/[^0-9.]/g, ""));

/// Inside a `describe`: serves dist/ under /stepwise/ and launches Chromium (with WebGPU or
/// without) before its tests, makes the folder `shots` for their screenshots, and closes both
/// after; `ready` receives the browser and the site.
export function withSite({ webgpu, shots }, ready) {
  let browser, site;
  before(async () => {
    site = await serve({ root: DIST, base: "/stepwise/" });
    browser = await launch({ webgpu });
    if (shots) await mkdir(shots, { recursive: true });
    ready(browser, site);
  });
  after(async () => {
    await browser?.close();
    site?.server.close();
  });
}

/// A new page (see `newPage`, at `viewport`, in the dark theme if `dark`) at `url`; with
/// `ready`, once that selector is on the page (within `timeout` ms), e.g. a lesson's Train
/// button enabled once its dataset is in.
export async function openPage(browser, url, ready, { timeout = 60000, viewport, dark = false } = {}) {
  const page = await newPage(browser, viewport);
  if (dark) await page.addInitScript(() => localStorage.setItem("stepwise-theme", "dark"));
  await page.goto(url);
  if (ready) await page.waitForSelector(ready, { timeout });
  return page;
}

/// Waits until `check` (run in the page, with `arg`; it may be async) gives a truthy value, asking
/// every 250 ms for up to `timeout` ms. Playwright's `waitForFunction` takes the Promise an async
/// check returns for a truthy value and so does not wait for it.
export async function until(page, check, arg, { timeout = 30000, what = "the page's state" } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(check, arg)) return;
    if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
