// Stepwise's service worker: after one visit, the app and every dataset it downloaded work with
// the network off, so a teacher can open a lesson in a classroom with no connection.
//
// Network first, cache as the fallback: online, the learner always gets the newest build (file
// names of the app carry content hashes; datasets carry checksums the app verifies), and every
// successful answer is kept. Offline, the kept copy answers; a page address that was never
// visited gets the app itself (index.html), whose router then shows the right lesson.
//
// Each build keeps its files in a cache of its own, named from the build's content hash
// (scripts/stamp-sw.sh writes BUILD into the built copy of this file); when a new build's worker
// takes over it deletes every other build's cache, so a deploy never leaves the last one's
// hashed files behind. Datasets sit in one cache that every build shares: they are large, they
// change rarely, and the app checks each against its checksum.
const BUILD = "dev";
const APP = `stepwise-app-${BUILD}`;
const DATA = "stepwise-data";
const SCOPE = new URL(self.registration.scope);
const DATA_PATH = new URL("data/", SCOPE).pathname;

/// The cache a copy of `url` belongs in.
const cacheFor = (url) => caches.open(new URL(url, SCOPE).pathname.startsWith(DATA_PATH) ? DATA : APP);

// The app itself (the scope's index page) is kept at once; the files the first page loaded
// before this worker took over are sent by the page (index.html) and kept on "keep".
self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(keep([SCOPE.href]));
});
self.addEventListener("message", (event) => {
  const urls = Array.isArray(event.data?.keep) ? event.data.keep.filter((u) => typeof u === "string") : [];
  event.waitUntil(keep(urls));
});

async function keep(urls) {
  await Promise.all(urls.map(async (href) => {
    const url = new URL(href, SCOPE);
    if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
    const cache = await cacheFor(url);
    if (await cache.match(url.href)) return;
    try {
      const response = await fetch(url.href);
      if (response.status === 200) await cache.put(url.href, response);
    } catch (offline) { /* kept next time */ }
  }));
}

// A new build's worker: every other build's cache goes (an older worker's single cache too,
// once its datasets are moved to the shared one, so a classroom that was offline-ready stays so).
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const name of await caches.keys()) {
    if (name === APP || name === DATA || !name.startsWith("stepwise-")) continue;
    const old = await caches.open(name);
    const data = await caches.open(DATA);
    for (const request of await old.keys()) {
      if (new URL(request.url).pathname.startsWith(DATA_PATH) && !(await data.match(request))) {
        const response = await old.match(request);
        if (response) await data.put(request, response);
      }
    }
    await caches.delete(name);
  }
  await self.clients.claim();
})()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  event.respondWith(answer(event));
});

// Cross-origin isolation on static hosts, the technique of coi-serviceworker: hosts such as
// GitHub Pages send no COOP/COEP headers, so this worker adds them to every answer it gives.
// An isolated page may share memory between Web Workers, so training uses every core
// (app/worker_client.rs). It takes effect from the first page load this worker answers: a
// reload, or the next visit. Every file of the site is same-origin, so require-corp blocks
// nothing of ours; an iframe embed on another site stays allowed (COEP limits what a page
// embeds, not who embeds it).
function isolate(response) {
  if (response.status === 0) return response; // an opaque answer cannot be changed
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function answer(event) {
  return isolate(await answerAsIs(event));
}

async function answerAsIs(event) {
  const request = event.request;
  const cache = await cacheFor(request.url);
  try {
    const response = await fetch(request);
    // Keep whole, successful answers only (a 206 partial or an error page is not a copy). The
    // copy is written while the page reads its own, so a download's progress bar still moves.
    if (response.status === 200) event.waitUntil(cache.put(request, response.clone()));
    // Every page address outside embed/ answers with the app (index.html, or its copy 404.html
    // on a static host), so each online visit also refreshes the copy kept for addresses never
    // visited. (A light embed's entry page is another app: it is kept under its own address.)
    const page = request.mode === "navigate" && (response.status === 200 || response.status === 404)
      && !new URL(request.url).pathname.startsWith(new URL("embed/", SCOPE).pathname)
      && (response.headers.get("content-type") ?? "").startsWith("text/html");
    if (page) {
      const copy = response.clone();
      event.waitUntil(copy.blob().then((body) => cache.put(SCOPE.href, new Response(body, { headers: copy.headers }))));
    }
    return response;
  } catch (offline) {
    const kept = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (kept) return kept;
    if (request.mode === "navigate") {
      const app = (await cache.match(SCOPE.href)) ?? (await cache.match(new URL("index.html", SCOPE).href));
      if (app) return app;
    }
    throw offline;
  }
}
