// A teacher's lesson plan (/plan): built in the editor from five links, shared as one link,
// opened from that link, presented and stepped through with PageDown and PageUp (what a clicker
// sends) while → still steps the lesson; a plan with bad steps keeps the good ones and explains
// the bad; a plan over the limits is refused with the limit named.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { newPage, shot } from "./browser.mjs";
import { withSite, openPage, text } from "./suite.mjs";

const SHOTS = new URL("./screenshots/cpu/", import.meta.url).pathname;
const by = (page, id) => page.locator(`[data-testid="${id}"]`);

describe("lesson plans", () => {
  let browser, site;
  withSite({ webgpu: false, shots: SHOTS }, (b, s) => ([browser, site] = [b, s]));

  /// Waits for the corner card to say `count` ("2 / 5") and the address to match `path`.
  // The address is read in the page on the frame the count changes: a quarter-second later the
  // lesson writes its whole state into it (ui/share.rs), and the plan's link is gone from it.
  async function atStep(page, count, path) {
    const opened = await page.waitForFunction((c) =>
      document.querySelector('[data-testid="plan-count"]')?.textContent === c && location.pathname + location.search, count);
    assert.match(await opened.jsonValue(), path);
  }

  test("a plan of 5 links is built, shared, opened and stepped through with PageDown", async () => {
    const page = await openPage(browser, site.url + "plan", '[data-testid="plan-page"]');
    await by(page, "plan-title").fill("Week 3: how a network learns");
    const links = [
      site.url + "gradient-descent?lr=0.05", // a full link, as the Share panel copies it
      "information?p=0.7,0.3", // a path without the site's base
      "https://evil.example/stepwise/gan", // another site: explained, then removed
      "/stepwise/functions",
      "embed/softmax",
      "mnist",
    ];
    for (const link of links) {
      await by(page, "plan-add-link").fill(link);
      await by(page, "plan-add").click();
    }
    assert.equal(await by(page, "plan-step").count(), 6);
    const problems = by(page, "plan-problem");
    assert.equal(await problems.count(), 1);
    assert.match(await problems.innerText(), /another site \(evil\.example\)/);
    await by(page, "plan-step").nth(2).getByRole("button", { name: "Remove this step" }).click();
    assert.equal(await by(page, "plan-step").count(), 5);
    await by(page, "plan-step-note").nth(0).fill("Watch the line find the points.");
    await by(page, "plan-step-note").nth(1).fill("Which distribution is more surprising?");
    // Reorder: the last step up one place, then back.
    await by(page, "plan-step").nth(4).getByRole("button", { name: "Move up" }).click();
    assert.match(await by(page, "plan-step-link").nth(3).inputValue(), /mnist/);
    await by(page, "plan-step").nth(3).getByRole("button", { name: "Move down" }).click();
    await shot(page, `${SHOTS}plan-editor.png`);
    const shared = await by(page, "plan-link").inputValue();
    assert.ok(shared.startsWith(site.url + "plan#"), shared);

    // Opened from the shared link elsewhere: the same plan.
    const room = await newPage(browser, { width: 1920, height: 1080 });
    await room.goto(shared.replace("plan#", "plan?present=1#"));
    await by(room, "plan-page").waitFor();
    assert.equal(await by(room, "plan-title").inputValue(), "Week 3: how a network learns");
    assert.equal(await by(room, "plan-step").count(), 5);
    assert.equal(await by(room, "plan-step-note").nth(1).inputValue(), "Which distribution is more surprising?");
    assert.equal(await by(room, "plan-problem").count(), 0);

    await by(room, "plan-present").click();
    await atStep(room, "1 / 5", /\/gradient-descent\?lr=0\.05(&present=1)?$/);
    // Presenter mode (on from the plan's link) carries on from step to step.
    assert.equal(await room.evaluate(() => document.documentElement.dataset.presenter), "on");
    assert.equal(await text(room, "plan-note"), "Watch the line find the points.");
    // → still steps the lesson, and leaves the plan where it is.
    const phase = () => room.locator(".phases li.current").innerText().catch(() => "");
    const before = await phase();
    await room.keyboard.press("ArrowRight");
    await room.waitForFunction((b) => document.querySelector(".phases li.current")?.textContent !== b, before);
    assert.equal(await text(room, "plan-count"), "1 / 5");
    await room.screenshot({ path: `${SHOTS}plan-presenting.png` });
    // The card folds to its count, so it never hides what the class is looking at.
    await by(room, "plan-fold").click();
    assert.equal(await by(room, "plan-note").isVisible(), false);
    assert.equal(await text(room, "plan-count"), "1 / 5");
    await by(room, "plan-fold").click();
    assert.equal(await by(room, "plan-note").isVisible(), true);

    await room.keyboard.press("PageDown");
    await atStep(room, "2 / 5", /\/information\?p=0\.7,0\.3(&present=1)?$/);
    assert.equal(await text(room, "plan-note"), "Which distribution is more surprising?");
    assert.equal(await room.evaluate(() => document.documentElement.dataset.presenter), "on");
    await room.keyboard.press("PageDown");
    await atStep(room, "3 / 5", /\/functions(\?present=1)?$/);
    await room.keyboard.press("PageDown");
    await atStep(room, "4 / 5", /\/embed\/softmax(\?present=1)?$/);
    await room.keyboard.press("PageDown");
    await atStep(room, "5 / 5", /\/mnist(\?present=1)?$/);
    await room.keyboard.press("PageDown"); // at the end it stays
    await room.waitForTimeout(300);
    assert.equal(await text(room, "plan-count"), "5 / 5");
    await room.keyboard.press("PageUp");
    await atStep(room, "4 / 5", /\/embed\/softmax(\?present=1)?$/);
    await by(room, "plan-end").click();
    await by(room, "plan-bar").waitFor({ state: "detached" });
    await room.reload();
    await room.locator("h1, .embed-title").first().waitFor();
    assert.equal(await by(room, "plan-bar").count(), 0, "an ended plan stays ended");
    assert.deepEqual(page.errors, []);
    assert.deepEqual(room.errors, []);
  });

  test("bad steps are explained and skipped over without blanking the page; limits are named", async () => {
    const bad = new URLSearchParams([
      ["t", "Mixed"], ["s", "gradient-descent"], ["n", "Good"], ["s", "nonsense?x=1"], ["n", "Bad"],
      ["s", "javascript:alert(1)"], ["s", "information"],
    ]);
    const page = await openPage(browser, site.url + "plan#" + bad, '[data-testid="plan-page"]');
    assert.equal(await by(page, "plan-step").count(), 4);
    const problems = await by(page, "plan-problem").allInnerTexts();
    assert.equal(problems.length, 2);
    assert.match(problems[0], /“\/nonsense” is not a Stepwise page/);
    assert.match(problems[1], /not a web page/);
    await by(page, "plan-present").click();
    await atStep(page, "1 / 4", /\/gradient-descent$/);
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => document.querySelector('[data-testid="plan-count"]')?.textContent === "2 / 4");
    await by(page, "plan-step-problem").waitFor();
    assert.match(await text(page, "plan-step-problem"), /cannot open.*not a Stepwise page/s);
    assert.match(new URL(page.url()).pathname, /\/gradient-descent$/, "the page on screen stays");
    assert.ok(await page.locator("h1").first().isVisible());
    await shot(page, `${SHOTS}plan-bad-step.png`);
    await page.keyboard.press("PageDown");
    await page.keyboard.press("PageDown");
    await atStep(page, "4 / 4", /\/information$/);

    // The old link in a query still opens (and is then written into the fragment).
    await page.goto(site.url + "plan?s=gan&n=From+a+query");
    await by(page, "plan-step").waitFor();
    assert.equal(await by(page, "plan-step-note").inputValue(), "From a query");

    const many = new URLSearchParams(Array.from({ length: 500 }, () => ["s", "gan"]));
    await page.goto(site.url + "plan#" + many);
    await by(page, "plan-refused").waitFor();
    assert.match(await text(page, "plan-refused"), /500 steps; a plan may have at most 100/);
    const huge = new URLSearchParams([["s", "gan?x=" + "a".repeat(100 * 1024)]]);
    await page.goto(site.url + "plan#" + huge);
    await page.reload(); // a new fragment alone does not load the page again
    await by(page, "plan-refused").waitFor();
    assert.match(await text(page, "plan-refused"), /at most 32 kB/);

    // A plan whose first step cannot open: the editor stays, the card says why, PageDown goes on.
    const first = new URLSearchParams([["s", "nowhere"], ["s", "information"]]);
    await page.goto(site.url + "plan#" + first);
    await page.reload();
    await by(page, "plan-present").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="plan-count"]')?.textContent === "1 / 2");
    await by(page, "plan-step-problem").waitFor();
    assert.match(page.url(), /\/plan#/);
    await page.keyboard.press("PageDown");
    await atStep(page, "2 / 2", /\/information$/);
    assert.deepEqual(page.errors, []);
  });
});
