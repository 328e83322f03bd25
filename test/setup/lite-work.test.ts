/**
 * The browser edition's pieces that keep the student's work, in Node
 * (frontends/lite-app/work/): the content hash it applies the release rule with
 * is the tslab edition's (editions/editions.ts), and its hand-written zip opens
 * with another implementation (Python's zipfile), names, bytes and CRCs.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { publishedSlugs } from "../../lib/lessons";
import { contentHash, isUnedited, studentEdition } from "../../editions/editions";
import { readNotebook, type Notebook } from "../../editions/notebook";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const hash = require(path.join(ROOT, "frontends", "lite-app", "work", "hash.js")) as { sha256Hex: (b: Uint8Array) => string; contentHash: (nb: Notebook) => string; isUnedited: (nb: Notebook) => boolean };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zip = require(path.join(ROOT, "frontends", "lite-app", "work", "zip.js")) as { zipStore: (f: { name: string; data: Uint8Array; date?: Date }[]) => Uint8Array };

describe("browser edition: keeping the student's work (frontends/lite-app/work)", () => {
  it("SHA-256 as Node's, for lengths around every block boundary and any bytes", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 100_000]) {
      const b = randomBytes(n);
      assert.equal(hash.sha256Hex(new Uint8Array(b)), createHash("sha256").update(b).digest("hex"), `${n} bytes`);
    }
  });

  it("the content hash and 'unedited' are the tslab edition's, for every lesson's student edition, and an edit is seen", () => {
    for (const slug of publishedSlugs()) {
      const nb = studentEdition(readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`)), `notebooks/${slug}.ipynb`, "browser");
      assert.equal(hash.contentHash(nb), contentHash(nb), slug);
      assert.equal(hash.isUnedited(nb), true, slug);
      const edited = JSON.parse(JSON.stringify(nb)) as Notebook;
      const cell = edited.cells.find((c) => c.cell_type === "code") as Notebook["cells"][number];
      cell.source = `${Array.isArray(cell.source) ? cell.source.join("") : cell.source}\n// ü`;
      assert.equal(hash.contentHash(edited), contentHash(edited), `${slug} edited`);
      assert.deepEqual([hash.isUnedited(edited), isUnedited(edited)], [false, false], `${slug} edited`);
    }
  });

  it("the zip opens with Python's zipfile: every name, every byte, CRCs right", () => {
    const files = [
      { name: "01-a.ipynb", data: new Uint8Array(Buffer.from('{"cells": []}\n')) },
      { name: "updates/01-a.ipynb", data: new Uint8Array(randomBytes(5000)) },
      { name: "übung é.ipynb", data: new Uint8Array(0) },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-zip-"));
    try {
      const file = path.join(dir, "work.zip");
      fs.writeFileSync(file, zip.zipStore(files));
      const py = "import json,sys,zipfile,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({'bad': z.testzip(), 'files': [[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]}))";
      const r = spawnSync("/usr/bin/python3", ["-c", py, file], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout) as { bad: string | null; files: [string, number, string][] };
      assert.deepEqual(got, { bad: null, files: files.map((f) => [f.name, 0, createHash("sha256").update(f.data).digest("hex")]) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
