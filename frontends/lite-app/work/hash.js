// The student edition's content hash in the browser: the same value as
// editions/editions.ts's contentHash (SHA-256 over each cell's type and text, hex,
// first 16 digits), which a student edition records as
// metadata.course.generatedHash. A notebook whose cells still hash to it is
// unedited. SHA-256 is written out here because crypto.subtle exists only on
// https and localhost pages, and the site may be served over plain http.
// CommonJS, so test/setup/lite-work.test.ts can compare it with Node's.
"use strict";

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * SHA-256 of `bytes` (Uint8Array), as 64 hex digits.
 * @param {Uint8Array} bytes
 */
function sha256Hex(bytes) {
  const bitLen = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const dv = new DataView(padded.buffer);
  dv.setUint32(padded.length - 8, Math.floor(bitLen / 0x100000000));
  dv.setUint32(padded.length - 4, bitLen >>> 0);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (/** @type {number} */ x, /** @type {number} */ n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) >>> 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  return [...h].map((x) => x.toString(16).padStart(8, "0")).join("");
}

/**
 * A notebook as nbformat JSON, with the fields the browser edition reads.
 * @typedef {{ cell_type: string, source: string | string[] }} NotebookCell
 * @typedef {{ cells: NotebookCell[], metadata?: { course?: { generatedHash?: unknown, source?: unknown } } }} NotebookJson
 */

const cellText = (/** @type {NotebookCell} */ c) => (Array.isArray(c.source) ? c.source.join("") : c.source || "");

/**
 * editions/editions.ts's contentHash of a notebook (nbformat JSON).
 * @param {NotebookJson} nb
 */
function contentHash(nb) {
  const text = nb.cells.map((c) => `${c.cell_type}\u0000${cellText(c)}\u0001`).join("");
  return sha256Hex(new TextEncoder().encode(text)).slice(0, 16);
}

/**
 * True when a student edition still has exactly the cells it was generated with (editions.ts's isUnedited).
 * @param {NotebookJson} nb
 */
function isUnedited(nb) {
  const generated = nb && nb.metadata && nb.metadata.course && nb.metadata.course.generatedHash;
  return typeof generated === "string" && generated === contentHash(nb);
}

module.exports = { sha256Hex, contentHash, isUnedited };
