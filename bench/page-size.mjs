// Reports the initial page load of the built site (dist/): HTML, JS, wasm and CSS, each as
// raw bytes and gzip-compressed bytes (what a static host transfers), excluding datasets.
// Usage: node bench/page-size.mjs   (after scripts/build-site.sh). Writes bench/results/page-size.md.
import { readdir, readFile, mkdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";

import { DIST as SITE } from "../tests/e2e/serve.mjs";

const DIST = SITE.endsWith("/") ? SITE : SITE + "/";
const BUDGET = 1.5 * 1024 * 1024;
const rows = [];
for (const name of await readdir(DIST)) {
  if (!/\.(html|js|wasm|css)$/.test(name) || name === "404.html") continue;
  const body = await readFile(DIST + name);
  rows.push({ name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
}
rows.sort((a, b) => b.gzip - a.gzip);
const total = rows.reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const table = [
  "| file | raw | gzip |", "| --- | ---: | ---: |",
  ...rows.map((r) => `| ${r.name} | ${kb(r.raw)} | ${kb(r.gzip)} |`),
  `| **total** | ${kb(total.raw)} | **${kb(total.gzip)}** |`,
  "", `Budget: ${kb(BUDGET)} gzip. ${total.gzip <= BUDGET ? "Within budget." : "OVER BUDGET."}`,
].join("\n");
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/page-size.md", import.meta.url), `# Initial page load\n\n${table}\n`);
console.log(table);
