// Stepwise's service worker: after one visit, the app and every dataset it downloaded work with
// the network off, so a teacher can open a lesson in a classroom with no connection.
//
// Network first, cache as the fallback: online, the learner always gets the newest build (file
// names of the app carry content hashes; datasets carry checksums the app verifies), and every
// successful answer is kept. Offline, the kept copy answers; a page address that was never
// visited gets the app itself (index.html), whose router then shows the right lesson.
const CACHE = "stepwise-v1";
const SCOPE = new URL(self.registration.scope);

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
  const cache = await caches.open(CACHE);
  await Promise.all(urls.map(async (href) => {
    const url = new URL(href, SCOPE);
    if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname) || (await cache.match(url.href))) return;
    try {
      const response = await fetch(url.href);
      if (response.status === 200) await cache.put(url.href, response);
    } catch (offline) { /* kept next time */ }
  }));
}
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

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
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // Keep whole, successful answers only (a 206 partial or an error page is not a copy). The
    // copy is written while the page reads its own, so a download's progress bar still moves.
    if (response.status === 200) event.waitUntil(cache.put(request, response.clone()));
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
