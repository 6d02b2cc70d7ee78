// Launches Debian's Chromium through playwright-core (never a downloaded browser), with or
// without WebGPU, and collects console errors per page.
import { chromium } from "playwright-core";

const COMMON = [
  "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];
// WebGPU on SwiftShader (a CPU implementation of a GPU): see shared/TOOLCHAIN.md.
const WEBGPU = [
  "--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
];
const NO_WEBGPU = ["--disable-features=WebGPU"];

export async function launch({ webgpu }) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [...COMMON, ...(webgpu ? WEBGPU : NO_WEBGPU)],
  });
}

/// A new page that records console errors and uncaught exceptions into `page.errors`.
/// The offline service worker is blocked unless a test asks for it: requests it makes itself
/// would bypass `page.route`, which several tests use to break a download on purpose.
export async function newPage(browser, viewport = { width: 1280, height: 800 }, { serviceWorkers = "block" } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers });
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // A deep link is answered by the static host's 404.html (the app itself), as GitHub Pages
    // does: the browser logs that 404 for the page's own address. Any other 404 is an error.
    const { url } = message.location();
    if (/Failed to load resource.*404/.test(message.text()) && url && !/\.[a-z0-9]+$/i.test(new URL(url).pathname)) return;
    page.errors.push(`${message.text()} ${url ?? ""}`.trim());
  });
  page.on("pageerror", (error) => page.errors.push(String(error)));
  return page;
}

/// A full-page screenshot, scrolled to the top first: after a click further down, the sticky
/// header would otherwise be drawn half-way down the picture.
export async function shot(page, path) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
}
