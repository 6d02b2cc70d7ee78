// The classroom layout: in presenter mode on a 1920×1080 projector, each lesson stepped to a
// mid-phase shows its live picture, the phase's formula and numbers, and its primary controls
// on one screen, without scrolling; the formula's type is at least 24 px. At 1280×800 in normal
// mode each lesson's main picture starts above the fold. At either size the header is one line.
// Explanations longer than about 40 words sit behind a disclosure, closed in presenter mode.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const $ = (id) => `[data-testid="${id}"]`;
const PROJECTOR = { width: 1920, height: 1080 };
const LAPTOP = { width: 1280, height: 800 };

/// Each lesson: how to bring it to a mid-phase, its live picture (its charts, each counted by its
/// own area; or, with `pictureSpan`, the box from the first element's top to the last's bottom),
/// its step's formula (if it has one), its primary control, and its main picture at 1280×800.
const LESSONS = [
  {
    slug: "gradient-descent",
    ready: $("gd-next-phase"),
    async step(page) { for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight"); },
    picture: [$("gd-scatter"), $("gd-surface")],
    formula: $("gd-formulas"),
    control: $("gd-next-phase"),
    // The gradient and the update have the longest formulas: they fit too.
    async later(page, check) {
      for (let i = 0; i < 2; i++) {
        await page.keyboard.press("ArrowRight");
        await page.waitForTimeout(200);
        await check();
      }
    },
    main: $("gd-scatter"),
  },
  {
    slug: "information",
    ready: $("information-chart"),
    async step() {},
    picture: [$("information-chart"), ".information-stats"],
    formula: ".information-formulas",
    control: $("add-outcome"),
    main: $("information-chart"),
  },
  {
    slug: "mnist",
    ready: `${$("mnist-take-step")}:not([disabled])`,
    async step(page) {
      await page.locator($("mnist-take-step")).click();
      await page.waitForSelector($("mnist-phase-batch"));
      for (const phase of ["forward", "loss"]) {
        await page.locator($("mnist-next-phase")).click();
        await page.waitForSelector($(`mnist-phase-${phase}`));
      }
    },
    picture: [$("mnist-curves")],
    // The phase's formula with its number (its explanation follows it).
    formula: `${$("mnist-phase-loss")} .math-block`,
    control: $("mnist-train"),
    main: $("mnist-curves"),
  },
  {
    slug: "gan",
    ready: `${$("gan-train")}:not([disabled])`,
    async step(page) {
      await page.locator($("gan-step-fake")).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="gan-phase-report"]')?.dataset.phase === "DiscriminatorOnFake");
    },
    picture: [$("gan-grid"), $("gan-losses"), $("gan-scores")],
    // The report's formulas (its 16 images and counts follow them).
    formula: `${$("gan-phase-report")} .math-block`,
    control: $("gan-train"),
    main: $("gan-grid"),
  },
  {
    slug: "text",
    ready: `${$("text-train")}:not([disabled])`,
    async step(page) {
      await page.locator($("text-train")).click();
      await page.waitForFunction(() => parseInt(document.querySelector('[data-testid="text-steps"]')?.textContent ?? "0") > 50, null, { timeout: 60000 });
      await page.locator($("text-train")).click();
      await page.waitForSelector(`${$("text-highlighted")} .w`);
    },
    // Words, not a chart: the picture runs from the review as typed, through the prediction,
    // to the review in its tints, across the panel's width.
    picture: [$("text-review"), $("text-highlighted")],
    pictureSpan: true,
    formula: $("text-probability"),
    control: $("text-train"),
    main: $("text-review"),
  },
  {
    slug: "gpt",
    // A small model, so a few steps train quickly on the CPU here.
    query: "ly=2&w=64&ctx=32&bs=16&lr=0.003",
    ready: `${$("gpt-train")}:not([disabled])`,
    async step(page) {
      await page.locator($("gpt-train")).click();
      await page.waitForSelector(`${$("gpt-sample")}`, { timeout: 90000 });
      await page.locator($("gpt-train")).click();
    },
    picture: [$("gpt-loss-curve"), $("gpt-sample")],
    // Its step-through (one head in numbers) is a panel of its own below.
    formula: null,
    control: $("gpt-train"),
    main: $("gpt-loss-curve"),
  },
  {
    slug: "vae",
    ready: `${$("vae-train")}:not([disabled])`,
    // A few hundred steps, so the map has spread out and the manifold shows digits.
    async step(page) {
      await page.locator($("vae-train")).click();
      await page.waitForFunction(() => parseInt((document.querySelector('[data-testid="vae-steps"]')?.textContent ?? "0").replace(/\D/g, "")) >= 200, null, { timeout: 90000 });
      await page.locator($("vae-train")).click();
      await page.waitForSelector(`${$("vae-train")}:not([disabled])`);
    },
    picture: [$("vae-map-chart"), $("vae-manifold")],
    // Its step-through (one image in numbers) is a panel of its own below.
    formula: null,
    control: $("vae-train"),
    main: $("vae-map-chart"),
  },
];

const box = (page, selector) => page.locator(selector).first().boundingBox();

/// The header is one line: every lesson link and the tools share one row.
async function headerIsOneLine(page) {
  const rows = await page.evaluate(() => {
    const tops = [...document.querySelectorAll(".lesson-nav a, .header-tools > *, .brand")].map((e) => {
      const r = e.getBoundingClientRect();
      return Math.round(r.top + r.height / 2);
    });
    const nav = document.querySelector(".lesson-nav");
    return { spread: Math.max(...tops) - Math.min(...tops), height: document.querySelector(".site-header").getBoundingClientRect().height, hidden: nav.scrollWidth - nav.clientWidth };
  });
  assert.ok(rows.spread <= 6, `header items sit on different lines (centres ${rows.spread} px apart)`);
  assert.ok(rows.hidden <= 1, `${rows.hidden} px of the lesson links are cut off`);
  return rows.height;
}

/// The paragraphs of more than `limit` words a learner sees without opening anything (quoted
/// data, such as the reviews a model misreads, is not an explanation).
const longVisibleProse = (page, limit) => page.evaluate((limit) => [...document.querySelectorAll("main p, main li")]
  .filter((p) => p.checkVisibility() && !p.closest("details:not([open])") && !p.classList.contains("clipped") && !p.closest(".notice, .quoted"))
  .map((p) => p.innerText.trim())
  .filter((text) => text.split(/\s+/).length > limit), limit);

describe("classroom layout", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  for (const lesson of LESSONS) {
    test(`${lesson.slug}: on a projector, the picture, the formula and the controls fit one screen`, async () => {
      const page = await newPage(browser, PROJECTOR);
      await page.goto(`${site.url}${lesson.slug}?present=1${lesson.query ? "&" + lesson.query : ""}`);
      await page.waitForSelector(lesson.ready, { timeout: 60000 });
      await lesson.step(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}presenter-${lesson.slug}.png` });
      const header = await headerIsOneLine(page);
      assert.ok(header < 80, `header ${header} px tall`);
      const onScreen = async (selector) => {
        const b = await box(page, selector);
        assert.ok(b, `${selector} is on the page`);
        const inside = b.x >= 0 && b.y >= 0 && b.x + b.width <= PROJECTOR.width + 0.5 && b.y + b.height <= PROJECTOR.height + 0.5;
        assert.ok(inside, `${selector} at ${JSON.stringify(b)} is not all on the first screen`);
        return b;
      };
      let area = 0;
      const pictures = [];
      for (const selector of [...lesson.picture, lesson.formula, lesson.control].filter(Boolean)) {
        const b = await onScreen(selector);
        if (lesson.picture.includes(selector)) {
          pictures.push(b);
          area += b.width * b.height;
        }
      }
      if (lesson.pictureSpan) {
        const [first, last] = [pictures[0], pictures.at(-1)];
        area = Math.max(first.width, last.width) * (last.y + last.height - first.y);
      }
      // The picture uses the projector's width: at least 35% of its area.
      const share = area / (PROJECTOR.width * PROJECTOR.height);
      console.log(`# ${lesson.slug}: the live picture takes ${(100 * share).toFixed(1)}% of the projector's screen`);
      assert.ok(share >= 0.35, `the live picture takes ${(100 * share).toFixed(1)}% of the screen, under 35%`);
      if (lesson.formula) {
        const formulaPx = await page.locator(lesson.formula).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
        assert.ok(formulaPx >= 24, `the formula's type is ${formulaPx} px`);
      }
      // Chart labels are drawn at 12 or 13 px times the text scale each chart reports.
      const scales = await page.locator("canvas.chart").evaluateAll((all) => all.filter((c) => c.checkVisibility()).map((c) => parseFloat(c.dataset.textScale)));
      assert.ok(scales.length > 0 && scales.every((s) => 12 * s >= 18), `chart labels at ${scales.map((s) => (12 * s).toFixed(1))} px`);
      assert.deepEqual(await longVisibleProse(page, 45), [], "long explanations are folded away in presenter mode");
      await lesson.later?.(page, async () => {
        for (const selector of [...lesson.picture, lesson.formula]) await onScreen(selector);
      });
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }

  test("at 1280×800 each lesson's main picture starts above the fold, and the header is one line", async () => {
    for (const lesson of LESSONS) {
      const page = await newPage(browser, LAPTOP);
      await page.goto(`${site.url}${lesson.slug}${lesson.query ? "?" + lesson.query : ""}`);
      await page.waitForSelector(lesson.ready, { timeout: 60000 });
      await page.screenshot({ path: `${SHOTS}laptop-${lesson.slug}.png` });
      await headerIsOneLine(page);
      const b = await box(page, lesson.main);
      assert.ok(b && b.y < LAPTOP.height - 40, `${lesson.slug}: ${lesson.main} starts at ${b?.y} px`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  test("the other pages fold their long explanations in presenter mode too", async () => {
    for (const path of ["", "functions", "lab", "plan"]) {
      const page = await newPage(browser, PROJECTOR);
      await page.goto(`${site.url}${path}?present=1`);
      await page.locator("h1").first().waitFor();
      await page.waitForTimeout(500);
      await headerIsOneLine(page);
      assert.deepEqual(await longVisibleProse(page, 45), [], `/${path}`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  test("a long explanation folds behind More: open by default, closed in presenter mode, reachable by keyboard", async () => {
    const page = await newPage(browser, LAPTOP);
    await page.goto(`${site.url}gan`);
    const more = page.locator("details.more").first();
    await more.waitFor();
    assert.equal(await more.evaluate((d) => d.open), true, "open in normal mode");
    await page.locator($("presenter-toggle")).click();
    await page.waitForFunction(() => !document.querySelector("details.more").open);
    await more.locator("summary").focus();
    await page.keyboard.press("Enter");
    assert.equal(await more.evaluate((d) => d.open), true, "Enter opens it");
    // The lede is one line in presenter mode, and "More" shows it whole.
    const lede = page.locator($("lede"));
    const oneLine = await lede.evaluate((p) => p.getBoundingClientRect().height);
    await page.locator('[data-testid="lede"] + .one-line-more').click();
    assert.ok((await lede.evaluate((p) => p.getBoundingClientRect().height)) > 1.5 * oneLine);
    assert.deepEqual(page.errors, []);
  });
});
