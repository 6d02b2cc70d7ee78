// /gpt in a real browser: the book downloads, the page counts the reference lines (checked
// against the native test's figures), a small GPT (set by the link, so the suite stays short)
// trains live in the worker until its validation loss passes the pairs line or 90 s pass (the
// figures are printed), the sample is rewritten as it learns, one head is stepped through and a
// softmax row is recomputed here from the page's own scores, and bad input gets its message.
// The default model's 180 s and 5 min figures are a measurement: bench/gpt-train.mjs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { newPage, shot } from "./browser.mjs";
import { withSite, number, openPage, text } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const id = (name) => `[data-testid="${name}"]`;
const TRAIN_READY = `${id("gpt-train")}:not([disabled])`;
/// Two layers of width 64 over 32 characters: several times faster a step than the default.
const SMALL = "gpt?ly=2&w=64&ctx=32&bs=16&lr=0.003";
/// William Blake, "The Tyger" (1794), the first three stanzas: a pasted poem.
const TYGER = `Tyger Tyger, burning bright,
In the forests of the night;
What immortal hand or eye,
Could frame thy fearful symmetry?

In what distant deeps or skies.
Burnt the fire of thine eyes?
On what wings dare he aspire?
What the hand, dare seize the fire?

And what shoulder, & what art,
Could twist the sinews of thy heart?
And when thy heart began to beat,
What dread hand? & what dread feet?`;

describe("/gpt with WebGPU disabled (the CPU path, in the worker)", () => {
  let browser, site;
  withSite({ webgpu: false, shots: `${SHOTS}cpu` }, (b, s) => ([browser, site] = [b, s]));

  test("a small GPT trains live past counting pairs of characters; a head is stepped through", async () => {
    const page = await openPage(browser, site.url + SMALL, TRAIN_READY);
    assert.equal(await page.locator(".link-notes, [data-testid='link-notes']").count(), 0, "the link reads without notes");
    // The reference lines, counted by the page: the native test's 3.1176 and 2.4655 nats.
    const reference = await text(page, "gpt-reference");
    const [unigram, bigram] = reference.match(/[0-9]+\.[0-9]+/g).map(parseFloat);
    assert.ok(Math.abs(unigram - 3.1176) < 0.001 && Math.abs(bigram - 2.4655) < 0.001, reference);
    await page.locator(id("gpt-sample")).waitFor({ timeout: 30000 });
    const untrained = await text(page, "gpt-sample");
    await shot(page, `${SHOTS}cpu/gpt-ready.png`);

    const train = page.locator(id("gpt-train"));
    await train.click();
    await page.waitForFunction(([line]) => {
      const loss = parseFloat(document.querySelector('[data-testid="gpt-validation-loss"]').textContent);
      const seconds = parseFloat(document.querySelector('[data-testid="gpt-seconds"]').textContent);
      return loss < line || seconds >= 90;
    }, [bigram], { timeout: 180000, polling: 500 });
    const fps = await page.evaluate(() => new Promise((resolve) => {
      let frames = 0; const start = performance.now();
      const tick = () => { frames++; if (performance.now() - start < 1000) requestAnimationFrame(tick); else resolve(frames / ((performance.now() - start) / 1000)); };
      requestAnimationFrame(tick);
    }));
    await train.click();
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="gpt-train"]'); return b.textContent === "Resume" && !b.disabled; }, null, { timeout: 30000 });
    const [loss, best, seconds, speed, steps] = await Promise.all(["gpt-validation-loss", "gpt-best", "gpt-seconds", "gpt-speed", "gpt-steps"].map((t) => number(page, t)));
    console.log(`# cpu, 2 layers × 64 wide, context 32: validation loss ${loss} (best ${best}) after ${seconds} s, ${steps} steps, ${speed} characters/s, ${fps.toFixed(1)} fps while training`);
    assert.equal(await page.locator(id("gpt-thread")).getAttribute("data-thread"), "worker");
    assert.ok(loss < unigram && speed > 0 && steps > 0, `validation ${loss} after ${seconds} s`);
    assert.ok(best <= loss);
    // The sample was rewritten by the trained model, from the same prompt and seed.
    // (after the pause, from the paused weights).
    await page.waitForFunction((step) => new RegExp(`at step ${step} `).test(document.querySelector(".gpt-sample-head").textContent), steps, { timeout: 30000 })
      .catch(async (e) => assert.fail(`${e.message}: the samples say ${(await page.locator(".gpt-sample-head").allInnerTexts()).join(" | ")}`));
    assert.notEqual(await text(page, "gpt-sample"), untrained);
    await shot(page, `${SHOTS}cpu/gpt-trained.png`);

    // Layer 2, head 1, stepped to the row softmax; row 3 recomputed here from the masked scores.
    await page.locator(".gpt-map").nth(4).click(); // 4 heads a layer
    await page.waitForFunction(() => /Layer 2, head 1/.test(document.querySelector('[data-testid="gpt-step-what"]').textContent));
    for (let i = 0; i < 4; i++) await page.locator(id("gpt-step-next")).click();
    const cells = (testid) => page.locator(`${id(testid)} tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => parseFloat(td.dataset.value))));
    const [scores, weights] = [await cells("gpt-step-masked"), await cells("gpt-step-weights")];
    const row = scores[3];
    const top = Math.max(...row.filter(Number.isFinite));
    const exps = row.map((s) => (Number.isFinite(s) ? Math.exp(s - top) : 0));
    const total = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => assert.ok(Math.abs(e / total - weights[3][j]) < 1e-9, `row 3, column ${j}: ${e / total} vs ${weights[3][j]}`));
    assert.equal(weights[3].slice(4).every((w) => w === 0), true, "nothing after position 3");
    assert.ok(Math.abs(weights[3].reduce((a, b) => a + b, 0) - 1) < 1e-9);
    await page.locator(id("gpt-step-through")).screenshot({ path: `${SHOTS}cpu/gpt-step-softmax.png` });
    await page.locator(id("gpt-attention-maps")).screenshot({ path: `${SHOTS}cpu/gpt-attention.png` });

    // Fine-tune on a pasted poem, beside the same network from scratch: both curves, both samples.
    await page.locator(id("gpt-your-text")).fill(TYGER);
    await page.locator(id("gpt-compare-start")).click();
    await page.waitForFunction(() => /^(Done|Stopped)/.test(document.querySelector('[data-testid="gpt-compare-stage"]').textContent), null, { timeout: 120000 });
    const stage = await text(page, "gpt-compare-stage");
    console.log(`# fine-tuning: ${stage}`);
    const [tuned, scratch] = stage.match(/fine-tuned ([0-9.]+), from scratch ([0-9.]+)/).slice(1).map(parseFloat);
    assert.ok(tuned > 0 && scratch > 0);
    await page.waitForFunction(() => document.querySelector('[data-testid="gpt-compare-scratch"]').textContent.length > 100, null, { timeout: 30000 });
    assert.ok((await text(page, "gpt-compare-tuned")).length > 100);
    assert.ok(!page.url().includes("Tyger") && !page.url().includes("burning"), "the pasted text is not in the link");
    await page.locator(id("gpt-compare")).screenshot({ path: `${SHOTS}cpu/gpt-fine-tune.png` });

    // Save as .safetensors (with the PyTorch script), then load it back: the same weights write
    // the same text from the same prompt and seed; a bad file changes nothing.
    const paused = await text(page, "gpt-sample");
    // One click downloads two files (the weights and the script), in either order.
    const names = [];
    const saved = new Promise((resolve) => {
      const on = (d) => {
        names.push(d.suggestedFilename());
        if (d.suggestedFilename().endsWith(".safetensors")) resolve(d);
      };
      page.on("download", on);
    });
    await page.locator(id("gpt-download")).click();
    const download = await saved;
    assert.equal(download.suggestedFilename(), "stepwise-gpt.safetensors", names.join(", "));
    const file = await readFile(await download.path());
    await page.waitForFunction(() => /stepwise_gpt\.py/.test(document.querySelector('[data-testid="gpt-save-message"]')?.textContent ?? ""));
    await page.locator(id("gpt-load-file")).setInputFiles({ name: "junk.safetensors", mimeType: "application/octet-stream", buffer: Buffer.from("not a model at all") });
    await page.waitForFunction(() => /could not be loaded/.test(document.querySelector('[data-testid="gpt-save-message"]')?.textContent ?? ""));
    assert.equal(await number(page, "gpt-steps"), steps, "a bad file changes nothing");
    await page.locator(id("gpt-load-file")).setInputFiles({ name: "stepwise-gpt.safetensors", mimeType: "application/octet-stream", buffer: file });
    await page.waitForFunction((n) => new RegExp(`Loaded a model trained ${n} steps`).test(document.querySelector('[data-testid="gpt-save-message"]')?.textContent ?? ""), steps);
    await page.waitForFunction(() => /^at step 0 /.test(document.querySelector(".gpt-sample-head").textContent), null, { timeout: 30000 });
    assert.equal(await text(page, "gpt-sample"), paused, "the loaded weights write what the saved ones wrote");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a worker that dies mid-run: the page says so, keeps the last whole copy, and Resume goes on", async () => {
    const page = await openPage(browser, site.url + SMALL, TRAIN_READY);
    await page.locator(id("gpt-train")).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="gpt-steps"]').textContent.replace(/,/g, "")) >= 60, null, { timeout: 60000 });
    const before = await number(page, "gpt-steps");
    await page.evaluate(() => window.__stepwiseCrashWorker());
    await page.waitForSelector(id("gpt-problem"), { timeout: 20000 });
    const problem = await text(page, "gpt-problem");
    assert.match(problem, /Training stopped: .*The run is kept at step \d+, its last whole copy: press Resume/);
    const kept = Number(problem.match(/kept at step (\d+)/)[1]);
    assert.ok(kept <= before + 20 && kept === (await number(page, "gpt-steps")), `kept ${kept}, the page showed ${before}`);
    console.log(`# gpt: the worker died at step ${before} or later; the run was kept at step ${kept}`);
    await shot(page, `${SHOTS}cpu/gpt-worker-died.png`);
    await page.locator(id("gpt-train")).click(); // Resume, in a new worker
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="gpt-steps"]').textContent.replace(/,/g, "")) >= n + 30, kept, { timeout: 60000 });
    await page.locator(id("gpt-train")).click();
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="gpt-train"]'); return b.textContent === "Resume" && !b.disabled; }, null, { timeout: 30000 });
    assert.equal(await page.locator(id("gpt-problem")).count(), 0, "the message goes once training goes on");
    await page.context().close();
  });

  test("the page fits a phone and a projector", async () => {
    for (const [name, viewport] of [["phone", { width: 390, height: 844 }], ["projector", { width: 1920, height: 1080 }]]) {
      const page = await openPage(browser, site.url + SMALL, TRAIN_READY, { viewport });
      await page.locator(id("gpt-sample")).waitFor({ timeout: 30000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the screen`);
      await shot(page, `${SHOTS}cpu/gpt-${name}.png`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  test("bad prompts, numbers and settings get plain messages", async () => {
    const page = await openPage(browser, site.url + SMALL, TRAIN_READY);
    const prompt = page.locator(id("gpt-prompt"));
    const notes = () => page.locator(id("gpt-prompt-note")).allInnerTexts();
    await prompt.fill("Call me 🐋 Ishmael 😀");
    await prompt.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gpt-prompt-note"]')].some((n) => /left out/.test(n.textContent)));
    assert.ok((await notes()).some((n) => /2 characters the book never uses, left out: “🐋”, “😀”/.test(n)), (await notes()).join(" | "));
    await prompt.fill("");
    await prompt.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gpt-prompt-note"]')].some((n) => /starts from a new line/.test(n.textContent)));
    await prompt.fill("It was the best of times, it was the worst of times, it was the age of wisdom");
    await prompt.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gpt-prompt-note"]')].some((n) => /context of 32 characters; it reads the last 32/.test(n.textContent)));
    const temperature = page.locator(id("gpt-temperature"));
    await temperature.fill("-1");
    await temperature.press("Enter");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="gpt-prompt-note"]')].some((n) => /Temperature -1 is outside 0 … 5; using 0/.test(n.textContent)));
    await shot(page, `${SHOTS}cpu/gpt-bad-prompt.png`);
    await page.context().close();

    // A width that does not split into the heads is fixed with a note; a model too big for the
    // browser is refused before training, with the estimate.
    const odd = await openPage(browser, site.url + "gpt?w=130&hd=3&ctx=0&warmup=-5&decay=300", TRAIN_READY);
    const linkNotes = await odd.locator("main").innerText();
    assert.match(linkNotes, /does not split into 3 heads; using 132/);
    assert.match(linkNotes, /ctx = 0 is outside 1 … 256; using 1/);
    assert.match(linkNotes, /warmup = -5 is outside 0 … 100000; using 0/);
    // The schedule the link asked for, said in words (worked by hand in the native test).
    assert.equal(await text(odd, "gpt-schedule"), "The learning rate falls from 0.001 along a cosine to 0.0001 over 300 steps, then stays there.");
    await odd.context().close();
    const huge = await newPage(browser);
    await huge.goto(site.url + "gpt?ly=8&w=512&ctx=256&bs=64");
    await huge.waitForSelector(id("gpt-problem"), { timeout: 60000 });
    assert.match(await text(huge, "gpt-problem"), /would need about [0-9,]+ MB to train, more than the 512 MB/);
    assert.equal(await huge.locator(id("gpt-train")).isDisabled(), true);
    await shot(huge, `${SHOTS}cpu/gpt-too-big.png`);
    assert.deepEqual(huge.errors, []);
    await huge.context().close();
  });
});
