// The site's service worker (registered by index.js): the course works offline
// after the first visit. Its header (BUILD, FILES) is written by build.js: the
// build id and every file of the site, which installing caches, so a student
// on a train can reopen the course and run every lesson, not only the pages
// they happened to load.
//
// - Notebooks, their listings (api/contents/) and the app's page: the network
//   first, so a new release shows as soon as the site can be reached; the
//   cached copy when it cannot.
// - Everything else (the bundles, named by build id or content hash; the
//   kernel; TensorFlow.js's wasm; plotly.js; the course's data): the cached
//   copy, else the network. Each build has its own cache; activating a new
//   build's worker deletes the others.
// - Every response it serves gets the Cross-Origin-Opener-Policy and
//   Cross-Origin-Embedder-Policy headers (as gzuidhof/coi-serviceworker does),
//   so a page it serves is cross-origin isolated on any static host: the
//   kernel can then share a SharedArrayBuffer with its worker and stop a
//   running cell cooperatively (kernel/interrupt-page.js). Every file of the
//   site is same-origin, so `require-corp` blocks nothing. A page loaded
//   before the worker controlled it (the first visit) is not isolated; the
//   kernel then interrupts by replacing its worker.
/* global BUILD, FILES */
/** This worker's global scope (types/course-sw.d.ts: the program's `self` is typed as a page's). */
const sw = /** @type {CourseServiceWorkerScope} */ (/** @type {unknown} */ (self));
const CACHE = `nn-course-${BUILD}`;

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // A few at a time: a site has hundreds of files.
      const queue = [...FILES];
      const worker = async () => {
        for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
          const url = new URL(f, sw.registration.scope).href;
          // Revalidated with the server (a 304 when the page already downloaded it); kept under the URL without ?v=.
          const response = await fetch(url, { cache: "no-cache" });
          if (response.ok) await cache.put(url.split("?")[0], response);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith("nn-course-") && name !== CACHE) await caches.delete(name);
      await sw.clients.claim();
    })(),
  );
});

/**
 * `response` with the headers that make the page cross-origin isolated (opaque and error responses as they are).
 * @param {Response} response
 */
function isolated(response) {
  if (response.status === 0 || response.type === "opaqueredirect") return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const networkFirst = (/** @type {string} */ path) => /\.ipynb$/.test(path) || path.includes("/api/contents/") || /\/(lab\/)?(index\.html)?$/.test(path);

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== sw.location.origin || !url.href.startsWith(sw.registration.scope)) return;
  event.respondWith(served(request, url).then(isolated));
});

/**
 * The response to a GET of the site: from the network or the cache, as said above.
 * @param {Request} request
 * @param {URL} url
 * @returns {Promise<Response>}
 */
async function served(request, url) {
  const cache = await caches.open(CACHE);
  if (networkFirst(url.pathname)) {
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(url.href.split("?")[0], response.clone());
      return response;
    } catch (err) {
      const cached = (await cache.match(url.href.split("?")[0])) || (url.pathname.endsWith("/") ? await cache.match(`${url.origin}${url.pathname}index.html`) : undefined);
      if (cached) return cached;
      throw err;
    }
  }
  // The bundles' URLs carry ?v=<build>: this build's are matched without it; another build's come from the network.
  const v = url.searchParams.get("v");
  const cached = v === null || v === BUILD ? await cache.match(url.href.split("?")[0]) : undefined;
  if (cached) return cached;
  return fetch(request);
}
