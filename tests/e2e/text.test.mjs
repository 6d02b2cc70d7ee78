// /text in a real browser: the IMDB reviews download (a corrupt download is caught by its
// checksum and Retry recovers), the classifier trains live on the CPU path, stops early at its
// best check on the validation reviews and scores 87% on all 25,000 test reviews (accuracy and
// time are printed); keeping on training memorises, and the page can go back to the best;
// typed reviews are read in the right direction with every word tinted, bad input gets a
// message, the embedding explorer, mistakes and teaching work; WebGPU mode loads the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite, number } from "./suite.mjs";

const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const id = (name) => `[data-testid="${name}"]`;

async function ready(page, site) {
  await page.goto(site.url + "text");
  await page.waitForSelector(`${id("text-train")}:not([disabled])`, { timeout: 60000 });
}

describe("/text with WebGPU disabled (the CPU path)", () => {
  let browser, site;
  withSite({ webgpu: false, shots: `${SHOTS}cpu` }, (b, s) => ([browser, site] = [b, s]));

  test("trains live, stops early at its best validation check, and scores 87% on the test reviews within 60 s; then reads typed reviews word by word", async () => {
    const page = await newPage(browser);
    await ready(page, site);
    await shot(page, `${SHOTS}cpu/text-ready.png`);
    const train = page.locator(id("text-train"));
    await train.click();
    const fps = await page.evaluate(() => new Promise((resolve) => {
      let frames = 0; const start = performance.now();
      const tick = () => { frames++; if (performance.now() - start < 1000) requestAnimationFrame(tick); else resolve(frames / ((performance.now() - start) / 1000)); };
      requestAnimationFrame(tick);
    }));
    // Early stopping is the default: the page stops itself an epoch after its best check.
    await page.waitForSelector(id("text-stopped-early"), { timeout: 150000 });
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="text-train"]'); return b.textContent === "Resume" && !b.disabled; });
    const accuracy = await number(page, "text-accuracy");
    const seconds = await number(page, "text-seconds");
    const speed = await number(page, "text-speed");
    const steps = await number(page, "text-steps");
    const best = await number(page, "text-best");
    const bestNote = await page.locator(id("text-best-note")).innerText();
    const tested = await number(page, "text-test");
    const testNote = await page.locator(id("text-test-note")).innerText();
    const stopped = await page.locator(id("text-stopped-early")).innerText();
    console.log(`# cpu: ${stopped} Test accuracy ${tested}% (${testNote}); best validation ${best}% ${bestNote}; ${seconds} s of training, ${speed} reviews/s, ${fps.toFixed(1)} fps while training`);
    // The model held is the best check's: its step, its validation accuracy, and the one test score is of it.
    const bestStep = Number(bestNote.match(/at step (\d+)/)[1]);
    assert.equal(steps, bestStep, "the model went back to its best check");
    assert.equal(accuracy, best, "the validation accuracy shown is the kept model's");
    assert.match(await page.locator(id("text-accuracy-note")).innerText(), new RegExp(`on the 2,500 validation reviews, at step ${bestStep}$`));
    assert.match(testNote, new RegExp(`of this model \\(step ${bestStep}\\), on all 25,000 test reviews, once`));
    const stoppedAt = Number(stopped.match(/Stopped early at step (\d+)/)[1]);
    assert.ok(stoppedAt >= bestStep + 704, `stopped at ${stoppedAt}, an epoch (704 steps) after ${bestStep}`);
    assert.equal(await page.locator(id("text-go-back")).count(), 0, "already at the best model");
    assert.equal(await page.locator(id("text-thread")).getAttribute("data-thread"), "worker");
    assert.match(await page.locator(id("text-thread")).innerText(), /background worker \(1 thread: this page is not cross-origin isolated/);
    assert.ok(tested >= 87, `test accuracy ${tested}%`);
    assert.ok(parseFloat(bestNote.match(/after ([0-9.]+) s/)[1]) <= 60, bestNote);
    assert.ok(speed > 0);
    await shot(page, `${SHOTS}cpu/text-trained.png`);

    // A strongly positive and a strongly negative review of our own.
    const box = page.locator(id("text-review"));
    const read = async (text) => {
      await box.fill(text);
      await page.waitForFunction(() => document.querySelector('[data-testid="text-probability"]'));
      return { p: await number(page, "text-probability"), verdict: await page.locator(id("text-verdict")).innerText() };
    };
    const good = await read("An absolutely wonderful film! Brilliant acting, a beautiful story and a perfect ending. I loved every minute; one of the best movies I have seen.");
    assert.ok(good.p > 80 && good.verdict === "positive", JSON.stringify(good));
    assert.ok(await page.locator(`${id("text-highlighted")} .w.pos`).count() > 5);
    const strongest = await page.locator(`${id("text-strongest")} li`).allInnerTexts();
    assert.ok(strongest.length >= 5 && strongest.some((w) => /wonderful|brilliant|best|perfect|beautiful/.test(w)), strongest.join(" | "));
    await page.locator(id("text-review-panel")).screenshot({ path: `${SHOTS}cpu/text-review-positive.png` });
    const bad = await read("The worst movie I have ever seen. Boring, stupid and a complete waste of time, with awful acting and a terrible script. Avoid it.");
    assert.ok(bad.p < 20 && bad.verdict === "negative", JSON.stringify(bad));
    assert.ok(await page.locator(`${id("text-highlighted")} .w.neg`).count() > 5);
    await page.locator(id("text-review-panel")).screenshot({ path: `${SHOTS}cpu/text-review-negative.png` });

    // Bad input: empty, only unknown words, a 1 MB paste (work is capped; the page keeps going).
    await box.fill("");
    assert.match(await page.locator(id("text-review-message")).innerText(), /Type a review/);
    await box.fill("映画は最高 👍🏽 Фильм");
    assert.match(await page.locator(id("text-review-message")).innerText(), /None of these words/);
    const started = Date.now();
    await box.fill("a truly great film, ".repeat(52429)); // 1 MB
    await page.waitForFunction(() => /Only the first 2,000 tokens/.test(document.querySelector('[data-testid="text-review-panel"]').textContent));
    console.log(`# a 1 MB paste is read (capped) and shown in ${Date.now() - started} ms, including typing it in`);
    assert.ok(await number(page, "text-probability") > 50);
    const thousand = "This film has a clever plot but the acting is flat and the music is loud. ".repeat(67); // 1,005 words
    // Five edits of a 1,000-word review: is the prediction updated by the next animation frame?
    // (The word tints of a long review follow a moment later, at most every 150 ms while typing.)
    const timings = [];
    for (let i = 0; i < 5; i++) {
      timings.push(await page.evaluate((text) => new Promise((resolve) => {
        const verdict = () => document.querySelector(".text-verdict").textContent;
        const tint = () => document.querySelector('[data-testid="text-highlighted"]').innerHTML;
        const [before, tintBefore] = [verdict(), tint()];
        const area = document.querySelector('[data-testid="text-review"]');
        const start = performance.now();
        area.value = text;
        area.dispatchEvent(new Event("input", { bubbles: true }));
        requestAnimationFrame(() => {
          const ms = performance.now() - start;
          const updated = verdict() !== before;
          const poll = () => (tint() !== tintBefore ? resolve({ ms, updated, tinted: performance.now() - start }) : setTimeout(poll, 5));
          poll();
        });
      }), i % 2 ? thousand : thousand + " Awful."));
    }
    console.log(`# a 1,000-word review, 5 edits: prediction updated by the next frame ${timings.filter((t) => t.updated).length}/5, ms to that frame ${timings.map((t) => t.ms.toFixed(1)).join(", ")}; words re-tinted after ${timings.map((t) => t.tinted.toFixed(0)).join(", ")} ms`);
    assert.ok(timings.every((t) => t.updated), "the prediction is redrawn by the next frame");
    assert.doesNotMatch(await page.locator(id("text-highlighted")).getAttribute("class"), /stale/, "the tint catches up");

    // Keep it in this browser and load it back: the same weights give the same accuracy; a bad file changes nothing.
    await page.locator(id("text-keep")).click();
    assert.match(await page.locator(id("text-save-message")).innerText(), /Kept in this browser/);
    await page.locator(id("text-load-file")).setInputFiles({ name: "junk.safetensors", mimeType: "application/octet-stream", buffer: Buffer.from("not a model at all") });
    await page.waitForFunction(() => /could not be loaded/.test(document.querySelector('[data-testid="text-save-message"]')?.textContent ?? ""));
    assert.equal(await number(page, "text-accuracy"), accuracy, "a bad file changes nothing");
    await page.locator(id("text-load-kept")).click();
    await page.waitForFunction(() => /Loaded the model from this browser/.test(document.querySelector('[data-testid="text-save-message"]')?.textContent ?? ""));
    assert.equal(await number(page, "text-accuracy"), accuracy, "the kept weights read the validation reviews the same");
    assert.equal(await number(page, "text-test"), tested, "and the test reviews");
    assert.equal(await page.locator(id("text-train")).innerText(), "Train");

    // The embedding: word lists, neighbours, the map; a misread review explained; teaching.
    assert.ok((await page.locator(`${id("text-positive-words")} li`).count()) === 12);
    assert.ok((await page.locator(`${id("text-negative-words")} li`).count()) === 12);
    assert.equal(await page.locator(`${id("text-neighbours")} li`).count(), 10);
    assert.equal(await page.locator(id("text-one-direction")).count(), 1, "the one-line note shows with no hidden layer");
    await page.locator(id("text-neighbour-word")).fill("qwzx");
    assert.match(await page.locator(id("text-neighbour-problem")).innerText(), /not among/);
    await page.locator(id("text-neighbour-word")).fill("awful");
    await page.locator(id("text-explore")).screenshot({ path: `${SHOTS}cpu/text-explore.png` });
    const mistakes = page.locator(`${id("text-mistake-list")} li`);
    assert.ok(await mistakes.count() > 0);
    await mistakes.first().locator("button").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="text-review"]').value.length > 0);
    await page.locator(id("text-teach-sentence")).fill("Oh great, another two hours of my life I will never get back.");
    await page.locator(id("text-teach-add")).click();
    const before = await page.locator(id("text-own-probability")).innerText();
    await page.locator(id("text-teach-run")).click();
    await page.waitForFunction(() => /Took 20 steps/.test(document.querySelector('[data-testid="text-teach-message"]')?.textContent ?? ""));
    const [first, now] = (await page.locator(id("text-own-probability")).innerText()).match(/[0-9.]+/g).map(Number);
    console.log(`# teaching "Oh great, another two hours…" as negative: ${first}% → ${now}% positive (was shown as ${before})`);
    assert.ok(now < first, `${first} → ${now}`);
    await shot(page, `${SHOTS}cpu/text-full.png`);

    // Phone: nothing sticks out sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a phone`);
    await shot(page, `${SHOTS}cpu/text-phone.png`);
    await page.locator(id("text-review-panel")).screenshot({ path: `${SHOTS}cpu/text-phone-review.png` });
    await page.locator(id("text-reset")).click();
    assert.equal(await number(page, "text-steps"), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("kept training, it memorises past its best check; Go back puts the best model back and scores it once", async () => {
    const page = await newPage(browser);
    await page.goto(site.url + "text?keep=1");
    await page.waitForSelector(`${id("text-train")}:not([disabled])`, { timeout: 60000 });
    assert.equal(await page.locator(id("text-keep-training")).isChecked(), true, "keep=1 in the link ticks the switch");
    await page.locator(id("text-train")).click();
    // Four epochs (704 steps each): past where early stopping would have stopped.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="text-steps"]').textContent) >= 2816, null, { timeout: 120000 });
    assert.equal(await page.locator(id("text-stopped-early")).count(), 0);
    await page.locator(id("text-train")).click();
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="text-train"]'); return b.textContent === "Resume" && !b.disabled; });
    const steps = await number(page, "text-steps");
    const memorised = await number(page, "text-test");
    assert.match(await page.locator(id("text-test-note")).innerText(), new RegExp(`of this model \\(step ${steps}\\)`));
    await shot(page, `${SHOTS}cpu/text-kept-training.png`);
    const back = page.locator(id("text-go-back"));
    const bestStep = Number((await back.innerText()).match(/step (\d+)/)[1]);
    assert.ok(bestStep < steps, `best ${bestStep}, now ${steps}`);
    await back.click();
    await page.waitForFunction((s) => Number(document.querySelector('[data-testid="text-steps"]').textContent) === s, bestStep);
    assert.equal(await number(page, "text-accuracy"), await number(page, "text-best"));
    const tested = await number(page, "text-test");
    assert.match(await page.locator(id("text-test-note")).innerText(), new RegExp(`of this model \\(step ${bestStep}\\)`));
    console.log(`# cpu, kept training: test accuracy ${memorised}% at step ${steps}; back at the best check, step ${bestStep}: ${tested}%`);
    assert.equal(await back.count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a training worker that dies hands training to the page's thread from its last whole copy", async () => {
    const page = await newPage(browser);
    await ready(page, site);
    await page.locator(id("text-train")).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="text-steps"]').textContent) >= 200, null, { timeout: 60000 });
    const where = page.locator(id("text-thread"));
    assert.equal(await where.getAttribute("data-thread"), "worker");
    // The most steps the page showed before it fell back (reports already on their way when the
    // worker dies still arrive).
    await page.evaluate(() => {
      const steps = document.querySelector('[data-testid="text-steps"]');
      window.__mostSteps = Number(steps.textContent);
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="text-thread"]').dataset.thread === "worker") window.__mostSteps = Math.max(window.__mostSteps, Number(steps.textContent));
      }).observe(steps, { childList: true, characterData: true, subtree: true });
      window.__stepwiseCrashWorker();
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="text-thread"]').dataset.thread === "page", null, { timeout: 20000 });
    const handed = Number((await where.innerText()).match(/from step (\d+)/)[1]);
    const most = await page.evaluate(() => window.__mostSteps);
    assert.ok(handed <= most, `went on from step ${handed}, the page showed at most ${most} from the worker`);
    console.log(`# text: the worker died at step ${most} or later; the page went on from step ${handed}, its last whole copy`);
    // Past two more test checks (every 150 steps) on the page's thread.
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="text-steps"]').textContent) >= n + 320, handed, { timeout: 60000 });
    await page.locator(id("text-train")).click(); // pause
    // The button is enabled again once the page has checked the final weights.
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="text-train"]'); return b.textContent === "Resume" && !b.disabled; });
    const note = await page.locator(id("text-accuracy-note")).innerText();
    const at = Number(note.match(/at step (\d+)/)[1]);
    assert.ok(at > handed + 300, `the validation accuracy is checked on the page's thread too (${note})`);
    assert.ok(await number(page, "text-accuracy") >= 80, "the run goes on learning");
    assert.deepEqual(page.errors.filter((e) => !/asked the training worker to crash|Uncaught|RuntimeError|unreachable/.test(e)), []);
    await page.context().close();
  });

  test("with the browser's storage full, Keep says so, and the model is neither lost nor changed", async () => {
    const page = await newPage(browser);
    await ready(page, site);
    await page.locator(id("text-train")).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="text-steps"]').textContent) >= 100, null, { timeout: 60000 });
    await page.locator(id("text-train")).click();
    await page.waitForFunction(() => { const b = document.querySelector('[data-testid="text-train"]'); return b.textContent === "Resume" && !b.disabled; });
    const accuracy = await number(page, "text-accuracy");
    const steps = await number(page, "text-steps");
    // Fill this site's localStorage to its quota, in ever smaller pieces.
    const filled = await page.evaluate(() => {
      let bytes = 0;
      for (let size = 1 << 20, i = 0; size >= 64; size >>= 1) {
        const piece = "x".repeat(size);
        for (;;) {
          try { localStorage.setItem(`filler-${i++}`, piece); bytes += size; } catch { break; }
        }
      }
      return bytes;
    });
    console.log(`# text: localStorage took ${(filled / 1e6).toFixed(1)} M characters before it refused`);
    await page.locator(id("text-keep")).click();
    const message = page.locator(id("text-save-message"));
    assert.match(await message.innerText(), /would not keep the model \(storage is full/);
    assert.match(await message.getAttribute("class"), /notice/, "shown as a problem");
    assert.equal(await page.locator(id("text-load-kept")).count(), 0, "nothing is offered as kept");
    // The model on the page is the same one, and it can still be downloaded, as the message says.
    assert.equal(await number(page, "text-accuracy"), accuracy);
    assert.equal(await number(page, "text-steps"), steps);
    const download = page.waitForEvent("download");
    await page.locator(id("text-download")).click();
    assert.equal((await download).suggestedFilename().endsWith(".safetensors"), true);
    // With room made, Keep works, and the kept copy reads the test reviews the same.
    await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("filler-")).forEach((k) => localStorage.removeItem(k)));
    await page.locator(id("text-keep")).click();
    assert.match(await message.innerText(), /Kept in this browser/);
    await page.locator(id("text-load-kept")).click();
    await page.waitForFunction(() => /Loaded the model from this browser/.test(document.querySelector('[data-testid="text-save-message"]')?.textContent ?? ""));
    assert.equal(await number(page, "text-accuracy"), accuracy);
    await shot(page, `${SHOTS}cpu/text-storage-full.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("bad settings are explained per field; a corrupt download is caught and Retry recovers", async () => {
    const page = await newPage(browser);
    let corrupt = true;
    await page.route("**/data/imdb-reviews.bin", async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      if (corrupt) body[body.length - 10] ^= 0xff;
      await route.fulfill({ response, body });
    });
    await page.goto(site.url + "text");
    const error = page.locator(id("text-error"));
    await error.waitFor({ timeout: 60000 });
    assert.match(await error.innerText(), /checksum|corrupt|damaged/i);
    await shot(page, `${SHOTS}cpu/text-download-error.png`);
    corrupt = false;
    await page.locator(id("text-retry")).click();
    await page.waitForSelector(`${id("text-train")}:not([disabled])`, { timeout: 60000 });
    await page.locator(id("text-dim")).fill("lots");
    await page.locator(id("text-learning-rate")).fill("-1");
    const problems = await page.locator(".field-problem").allInnerTexts();
    assert.ok(problems.some((p) => /"lots" is not a whole number/.test(p)) && problems.some((p) => /between 0/.test(p)), problems.join(" | "));
    assert.ok(await page.locator(id("text-apply")).isDisabled());
    await page.locator(id("text-dim")).fill("8");
    await page.locator(id("text-hidden")).fill("16");
    await page.locator(id("text-learning-rate")).fill("0.01");
    await page.locator(id("text-apply")).click();
    assert.match(await page.locator(id("text-architecture")).innerText(), /8-number vectors → average → 16 ReLU units/);
    await page.locator(id("text-train")).click();
    await page.waitForFunction(() => /at step/.test(document.querySelector('[data-testid="text-accuracy-note"]').textContent) && Number(document.querySelector('[data-testid="text-steps"]').textContent) >= 300);
    await page.locator(id("text-train")).click();
    await page.locator(id("text-review")).fill("A brilliant, wonderful film.");
    await page.waitForSelector(id("text-probability"));
    assert.match(await page.locator(id("text-review-panel")).textContent(), /integrated gradients/);
    assert.equal(await page.locator(id("text-one-direction")).count(), 0);
    await page.locator(id("text-neighbour-word")).fill("awful");
    await page.locator(id("text-explore")).screenshot({ path: `${SHOTS}cpu/text-explore-hidden.png` });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("/text with WebGPU", () => {
  let browser, site;
  withSite({ webgpu: true, shots: `${SHOTS}webgpu` }, (b, s) => ([browser, site] = [b, s]));

  test("the page loads the reviews and is ready to train", async () => {
    const page = await newPage(browser);
    await ready(page, site);
    await shot(page, `${SHOTS}webgpu/text-ready.png`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
