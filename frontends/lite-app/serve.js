// A plain static file server for the built site (`npm run lite -- --serve`, and
// the browser tests): files only, GET and HEAD, nothing computed per request,
// so what works here works from any static host.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");

/** @type {Record<string, string>} */
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".ipynb": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".eot": "application/vnd.ms-fontobject",
  ".txt": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
};

/**
 * Serves `dir` on 127.0.0.1:`port` (0: any free port). Resolves with the
 * server and its URL. `log(line)` hears about every request.
 * @param {string} dir
 * @param {number} [port]
 * @param {((line: string) => void) | null} [log]
 * @returns {Promise<{ server: import("http").Server, url: string }>}
 */
function serve(dir, port = 0, log = null) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(/** @type {string} */ (req.url), "http://x"); // (a server's request always has its URL)
    /** @type {string} */
    let file;
    try {
      file = path.join(root, decodeURIComponent(url.pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!file.startsWith(root) || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(req.method === "GET" || req.method === "HEAD" ? 403 : 405).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!url.pathname.endsWith("/")) {
          res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
          return;
        }
        file = path.join(file, "index.html");
      }
      fs.stat(file, (err2, st2) => {
        if (err2 || !st2.isFile()) {
          if (log) log(`404 ${url.pathname}`);
          res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
          return;
        }
        // Validators, as any static host sends: the browser revalidates (no-cache) and gets 304 for an unchanged file.
        const etag = `"${st2.size.toString(16)}-${Math.floor(st2.mtimeMs).toString(16)}"`;
        const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
        if (req.headers["if-none-match"] === etag) {
          if (log) log(`304 ${url.pathname}`);
          res.writeHead(304, { ETag: etag, "Cache-Control": "no-cache" }).end();
          return;
        }
        if (log) log(`200 ${url.pathname}`);
        res.writeHead(200, {
          "Content-Type": type,
          "Content-Length": st2.size,
          "Cache-Control": "no-cache",
          ETag: etag,
          "Last-Modified": st2.mtime.toUTCString(),
        });
        if (req.method === "HEAD") res.end();
        else fs.createReadStream(file).pipe(res);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = /** @type {import("net").AddressInfo} */ (server.address()); // (listening on TCP: an AddressInfo)
      resolve({ server, url: `http://127.0.0.1:${p}/` });
    });
  });
}

module.exports = { serve };

if (require.main === module) {
  const dir = process.argv[2] || path.join(__dirname, "..", "..", "dist", "lite");
  const port = Number(process.argv[3] || 8000);
  serve(dir, port).then(({ url }) => console.log(`Serving ${dir} at ${url}`));
}
