// A zip archive written by hand, for "Download all my work": every file
// stored as it is (method 0, "store"; notebooks are small and the zip must
// open everywhere), with CRC-32 and DOS dates, no zip64 (a student's notebooks
// are far below 4 GB). CommonJS, so test/setup/lite-work.test.ts can require it.
"use strict";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (the zip format's, IEEE 802.3) of `bytes`.
 * @param {Uint8Array} bytes
 */
function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * MS-DOS time and date of `d` (local time, 2-second resolution, years 1980–2107).
 * @param {Date} d
 */
function dosDateTime(d) {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * The zip file of `files` ({name, data: Uint8Array, date?: Date}; names are
 * paths with "/", UTF-8), as one Uint8Array.
 * @param {{ name: string, data: Uint8Array, date?: Date }[]} files
 */
function zipStore(files) {
  const enc = new TextEncoder();
  const entries = files.map((f) => ({ name: enc.encode(f.name), data: f.data, crc: crc32(f.data), ...dosDateTime(f.date || new Date()) }));
  let size = 22;
  for (const e of entries) size += 30 + e.name.length + e.data.length + 46 + e.name.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  const u16 = (/** @type {number} */ v) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (/** @type {number} */ v) => {
    view.setUint32(p, v >>> 0, true);
    p += 4;
  };
  const bytes = (/** @type {Uint8Array} */ b) => {
    out.set(b, p);
    p += b.length;
  };
  /** @type {number[]} */
  const offsets = [];
  for (const e of entries) {
    offsets.push(p);
    u32(0x04034b50); // local file header
    u16(20); // version needed: 2.0
    u16(0x0800); // flags: names are UTF-8
    u16(0); // method: store
    u16(e.time);
    u16(e.date);
    u32(e.crc);
    u32(e.data.length);
    u32(e.data.length);
    u16(e.name.length);
    u16(0);
    bytes(e.name);
    bytes(e.data);
  }
  const centralStart = p;
  entries.forEach((e, i) => {
    u32(0x02014b50); // central directory header
    u16(20); // made by: 2.0
    u16(20);
    u16(0x0800);
    u16(0);
    u16(e.time);
    u16(e.date);
    u32(e.crc);
    u32(e.data.length);
    u32(e.data.length);
    u16(e.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[i]);
    bytes(e.name);
  });
  const centralSize = p - centralStart;
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(entries.length);
  u16(entries.length);
  u32(centralSize);
  u32(centralStart);
  u16(0);
  return out;
}

module.exports = { zipStore };
