// /vae in a real browser, CPU mode (the lesson has no GPU path yet): the step-through's KL
// recomputed here from the μ and σ the page shows; live training in the background worker with
// both loss terms read off the page; a drag on the map that changes the decoded image and draws
// a path; β presets; a bad link clamped with notes; screenshots of the map and the manifold.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { shot } from "./browser.mjs";
import { withSite, text, number, openPage } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const TRAIN_SECONDS = 40;
const READY = '[data-testid="vae-train"]:not([disabled])';

/// The step-through's numbers, as the page holds them.
async function stepNumbers(page) {
  const values = (id) => page.locator(`[data-testid="${id}"]`).evaluateAll((els) => els.map((e) => Number(e.dataset.value)));
  return {
    mu: await values("vae-step-mu"),
    sigma: await values("vae-step-sigma"),
    parts: await values("vae-step-kl-part"),
    kl: Number(await page.locator('[data-testid="vae-step-kl"]').getAttribute("data-value")),
  };
}

/// The decoded image's pixels, as a data URL.
const decoded = (page) => page.locator('[data-testid="vae-decoded"]').evaluate((c) => c.toDataURL());

describe("/vae with WebGPU disabled", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  test("the step-through's KL term is ½Σ(μ² + σ² − log σ² − 1) of the μ and σ it shows", async () => {
    const page = await openPage(browser, site.url + "vae", READY);
    await page.locator('[data-testid="vae-step-table"]').waitFor();
    const { mu, sigma, parts, kl } = await stepNumbers(page);
    assert.equal(mu.length, 2, "the default latent space has 2 coordinates");
    const want = mu.map((m, j) => 0.5 * (m * m + sigma[j] ** 2 - Math.log(sigma[j] ** 2) - 1));
    want.forEach((w, j) => assert.ok(Math.abs(w - parts[j]) < 1e-9 * (1 + w), `coordinate ${j}: page ${parts[j]}, recomputed ${w}`));
    const sum = want.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - kl) < 1e-9 * (1 + sum), `KL: page ${kl}, recomputed ${sum}`);
    // Each coordinate links to the Information lesson with its μ and σ, Q = N(0, 1), in nats.
    const link = new URL(await page.locator('[data-testid="vae-step-information"]').first().getAttribute("href"), page.url());
    assert.equal(link.pathname, "/stepwise/information");
    assert.equal(Number(link.searchParams.get("gmp")), Math.round(mu[0] * 1e4) / 1e4);
    assert.equal(link.searchParams.get("gu"), "nats");
    // An untrained decoder says about ½ for every pixel: 784 ln 2 ≈ 543 nats to redraw a digit.
    const reconstruction = Number(await page.locator('[data-testid="vae-step-reconstruction"]').getAttribute("data-value"));
    assert.ok(reconstruction > 400 && reconstruction < 700, `untrained reconstruction ${reconstruction}`);
    await page.locator('[data-testid="vae-step-redraw"]').click();
    await page.waitForFunction((r) => Number(document.querySelector('[data-testid="vae-step-reconstruction"]').dataset.value) !== r, reconstruction);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("trains in the worker; the terms fall; dragging on the map decodes the point and draws the path", async () => {
    const page = await openPage(browser, site.url + "vae", READY);
    const start = await number(page, "vae-test-elbo");
    assert.ok(start > 400, `the untrained VAE's test −ELBO ${start}`);
    await page.locator('[data-testid="vae-train"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="vae-thread"]')?.dataset.thread === "worker");
    let seconds = 0;
    while (seconds < TRAIN_SECONDS) {
      await page.waitForTimeout(2000);
      seconds = await number(page, "vae-time");
    }
    await page.locator('[data-testid="vae-train"]').click(); // pause
    await page.waitForSelector(READY);
    const steps = await number(page, "vae-steps");
    const elbo = await number(page, "vae-test-elbo");
    console.log(`# after ${seconds} s of training: ${steps} steps, ${await text(page, "vae-speed")} images/s, test −ELBO ${elbo} (${await text(page, "vae-test-elbo")}), ${await text(page, "vae-thread")}`);
    assert.ok(steps >= CHECK_EVERY, `${steps} steps`);
    assert.ok(elbo < 250, `test −ELBO ${elbo} after ${steps} steps`);
    // The map: a drag from the centre to a corner moves the point, changes the decoded image
    // and draws the path between.
    const map = page.locator('[data-testid="vae-map-chart"]');
    await map.scrollIntoViewIfNeeded();
    await page.waitForTimeout(800); // the map is recomputed from the paused run
    await map.screenshot({ path: `${SHOTS}vae-map.png` });
    await page.locator('[data-testid="vae-manifold"]').screenshot({ path: `${SHOTS}vae-manifold.png` });
    const before = await decoded(page);
    const box = await map.boundingBox();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2, { steps: 8 });
    await page.mouse.up();
    const x = Number(await page.locator('[data-testid="vae-point"]').getAttribute("data-x"));
    const y = Number(await page.locator('[data-testid="vae-point"]').getAttribute("data-y"));
    assert.ok(x > 0.5 && y > 0.5, `dragged to (${x}, ${y})`);
    assert.notEqual(await decoded(page), before, "the decoded image changed");
    await page.locator('[data-testid="vae-path-images"]').waitFor();
    await page.waitForFunction(() => /[?&]at=/.test(location.search)); // the point is in the link
    // The arrow keys move it too.
    await page.locator(".vae-map-canvas").focus();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction((x0) => Number(document.querySelector('[data-testid="vae-point"]').dataset.x) < x0, x);
    await shot(page, `${SHOTS}vae-trained.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("β presets say what to watch for; a bad link is clamped with notes; far points are marked untrained", async () => {
    const page = await openPage(browser, site.url + "vae?z=0&beta=-1&at=50,0", READY);
    const notes = await text(page, "link-notes");
    assert.match(notes, /z/);
    assert.match(notes, /beta/);
    assert.match(await text(page, "vae-architecture"), /\(1 each\)/);
    assert.equal(await page.locator('[data-testid="vae-point"]').getAttribute("data-x"), "10");
    assert.match(await text(page, "vae-untrained"), /never trained/);
    assert.match(await text(page, "vae-watch-for"), /No KL term/, "β = 0 is the autoencoder preset");
    await page.locator('[data-testid="vae-preset-smooth"]').click();
    assert.match(await text(page, "vae-watch-for"), /four times/);
    await page.waitForFunction(() => /beta=4/.test(location.search));
    await page.locator('[data-testid="vae-point-centre"]').click();
    assert.equal(await page.locator('[data-testid="vae-untrained"]').count(), 0);
    await shot(page, `${SHOTS}vae-bad-link.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

const CHECK_EVERY = 200;
