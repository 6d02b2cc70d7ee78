// A static file server for the built site (dist/), mounted under a sub-path the way a static
// host such as GitHub Pages serves a project site. Unknown paths get 404.html (the app), so
// deep links work. Only ever listens on 127.0.0.1.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/// The built site: dist/, or $STEPWISE_DIST (see scripts/build-site.sh).
export const DIST = process.env.STEPWISE_DIST ?? new URL("../../dist/", import.meta.url).pathname;

/// The headers that make a page cross-origin isolated (SharedArrayBuffer, so wasm threads).
export const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

/// `mounts` serves more folders beside the site, e.g. { "/tfjs/": dir } for the benchmarks.
/// `isolated` sends the isolation headers with every answer, as `trunk serve` does (Trunk.toml);
/// without them the page is what a static host such as GitHub Pages serves.
export async function serve({ root, base = "/", port = 0, mounts = {}, isolated = false }) {
  const server = createServer(async (request, response) => {
    if (isolated) for (const [name, value] of Object.entries(ISOLATION)) response.setHeader(name, value);
    const url = new URL(request.url, "http://127.0.0.1");
    let path = decodeURIComponent(url.pathname);
    const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
    if (mount) {
      try {
        const file = join(mounts[mount], normalize("/" + path.slice(mount.length)));
        response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        response.end(await readFile(file));
      } catch {
        response.writeHead(404).end("not found");
      }
      return;
    }
    if (!path.startsWith(base)) {
      response.writeHead(404).end("outside the site");
      return;
    }
    path = normalize("/" + path.slice(base.length));
    let file = join(root, path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      // The app's own 404 page where there is one (so deep links work); else a plain 404
      // (the e2e host pages' folder has none, and browsers ask it for /favicon.ico).
      const body = await readFile(join(root, "404.html")).catch(() => null);
      response.writeHead(404, { "content-type": TYPES[".html"] });
      response.end(body ?? "not found");
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address();
  return { server, url: `http://127.0.0.1:${actual}${base}` };
}

// `node tests/e2e/serve.mjs [port] [base] [isolated]` serves dist/ by hand, for looking at a build.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await serve({ root: DIST, port: Number(process.argv[2] ?? 8080), base: process.argv[3] ?? "/", isolated: process.argv[4] === "isolated" });
  console.log(`serving ${DIST} at ${url}`);
}
