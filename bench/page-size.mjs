// Reports the initial page load of the built site (dist/): HTML, JS, wasm and CSS, each as
// raw bytes and gzip-compressed bytes (what a static host transfers), excluding datasets.
// Then, per entry page (index.html serves every route, /embed/<widget> too; an
// embed/<widget>/index.html, if the build writes one, serves that embed alone), the initial
// transfer: the HTML plus every asset it references. The smallest embed is what issue 8's
// "≤ 1 MB gzip for the smallest widgets" is measured on (no widget that small downloads data
// before the learner asks).
// Usage: node bench/page-size.mjs   (after scripts/build-site.sh). Writes bench/results/page-size.md.
import { readdir, readFile, mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { DIST as SITE } from "../tests/e2e/serve.mjs";

const DIST = SITE.endsWith("/") ? SITE : SITE + "/";
const BUDGET = 1.5 * 1024 * 1024;
const EMBED_BUDGET = 1024 * 1024;
const sizes = new Map(); // file name -> { raw, gzip }
const measure = async (path) => {
  if (!sizes.has(path)) {
    const body = await readFile(DIST + path);
    sizes.set(path, { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  }
  return sizes.get(path);
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/// The HTML file and the site files it references (stylesheets, module, wasm), summed.
async function entry(html) {
  const text = await readFile(DIST + html, "utf8");
  const files = new Set([html]);
  for (const [, url] of text.matchAll(/(?:href|src)="([^"]+\.(?:css|js|wasm))"/g)) {
    const name = url.replace(/^.*\//, "");
    const local = existsSync(DIST + url.replace(/^\/[^/]*\//, "")) ? url.replace(/^\/[^/]*\//, "") : name;
    if (existsSync(DIST + local)) files.add(local);
  }
  let sum = { raw: 0, gzip: 0 };
  for (const file of files) {
    const s = await measure(file);
    sum = { raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip };
  }
  return { ...sum, files };
}
// The full site's files count towards its total; the light embed build's files (loaded only by
// embed/<id>/index.html, see scripts/build-site.sh) are listed but marked and not counted.
const fullFiles = (await entry("index.html")).files;
const lightFiles = new Set();
if (existsSync(DIST + "embed")) {
  for (const widget of await readdir(DIST + "embed")) {
    const html = `embed/${widget}/index.html`;
    if (existsSync(DIST + html)) for (const file of (await entry(html)).files) if (!fullFiles.has(file)) lightFiles.add(file);
  }
}
const rows = [];
for (const name of await readdir(DIST)) {
  if (!/\.(html|js|wasm|css)$/.test(name) || name === "404.html") continue;
  rows.push({ name, light: lightFiles.has(name), worker: /^trainer/.test(name), ...(await measure(name)) });
}
// The threaded training worker (scripts/build-threads.sh): loaded instead of the one-thread
// worker when training starts on a cross-origin isolated page.
for (const name of existsSync(DIST + "threads") ? await readdir(DIST + "threads") : []) {
  if (/\.(js|wasm)$/.test(name)) rows.push({ name: `threads/${name}`, light: false, worker: false, threaded: true, ...(await measure(`threads/${name}`)) });
}
rows.sort((a, b) => b.gzip - a.gzip);
// The training worker's files (src/worker/) load only when a lesson starts training.
const worker = rows.filter((r) => r.worker).reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
const threaded = rows.filter((r) => r.threaded).reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
const total = rows.filter((r) => !r.light && !r.worker && !r.threaded).reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
const entries = [{ name: "every page and the big embeds (index.html, 404.html)", ...(await entry("index.html")) }];
if (existsSync(DIST + "embed")) {
  for (const widget of await readdir(DIST + "embed")) {
    if (existsSync(`${DIST}embed/${widget}/index.html`)) entries.push({ name: `/embed/${widget}`, ...(await entry(`embed/${widget}/index.html`)) });
  }
}
const smallest = entries.reduce((a, b) => (b.gzip < a.gzip ? b : a));
const table = [
  "| file | raw | gzip |", "| --- | ---: | ---: |",
  ...rows.map((r) => `| ${r.name}${r.light ? " (light embeds only)" : ""}${r.worker ? " (training worker, loaded when training starts)" : ""}${r.threaded ? " (threaded training worker, on isolated pages)" : ""} | ${kb(r.raw)} | ${kb(r.gzip)} |`),
  `| **total** (full site) | ${kb(total.raw)} | **${kb(total.gzip)}** |`,
  "", `Training worker (not in the total): ${kb(worker.raw)} raw, ${kb(worker.gzip)} gzip, fetched once when training starts; on a cross-origin isolated page the threaded one instead: ${kb(threaded.raw)} raw, ${kb(threaded.gzip)} gzip.`,
  "", `Budget: ${kb(BUDGET)} gzip. ${total.gzip <= BUDGET ? "Within budget." : "OVER BUDGET."}`,
  "", "Initial transfer per entry page (HTML + the CSS, JS and wasm it loads):", "",
  "| entry | raw | gzip |", "| --- | ---: | ---: |",
  ...entries.map((e) => `| ${e.name} | ${kb(e.raw)} | ${kb(e.gzip)} |`),
  "", `Smallest embed: ${kb(smallest.gzip)} gzip (${smallest.name}); target ${kb(EMBED_BUDGET)}: ${smallest.gzip <= EMBED_BUDGET ? "met" : "NOT MET"}.`,
].join("\n");
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/page-size.md", import.meta.url), `# Initial page load\n\n${table}\n`);
console.log(table);
