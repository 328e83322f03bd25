// Build time (Node): the declaration files the browser kernel's type checker
// needs (kernel/checker-worker.js), i.e. exactly the files tslab's TypeScript
// program reads when a notebook imports what the site offers: TypeScript's
// lib files (es2022, the lib tslab gives Node 18+), the course library's
// .d.ts (build/lib), TensorFlow.js's and tslab's, the package.json files
// module resolution reads on the way, and kernel/kernel-types/globals.d.ts.
//
// They are found by compiling, with tslab's own TypeScript
// (@tslab/typescript-for-tslab) and tslab's compiler options, one file that
// imports every module the site offers, and recording every file the compiler
// reads. Two sets, as the Node kernel has two programs (kernel/hooks/typescript-loader.js, light-converter.js):
//   light  the light program: no @types, kernel/kernel-types/globals.d.ts;
//   node   what tslab's usual program reads on top of it (node_modules/@types,
//          @types/node first), fetched by the browser only for a cell whose
//          diagnostics may come from a missing Node.js type.
// Paths are rewritten to the checker's virtual file system: the course root
// becomes /course, TypeScript's lib folder /ts.
"use strict";
const fs = require("fs");
const path = require("path");

/** Where the checker's virtual file system puts the course root and TypeScript's lib files. */
const COURSE = "/course";
const TS_LIB = "/ts";

/**
 * tslab's compiler options (node_modules/tslab/dist/converter.js, createConverter), for Node 18+.
 * @param {any} ts
 * @param {string} root
 */
function tslabOptions(ts, root) {
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    declaration: true,
    newLine: ts.NewLineKind.LineFeed,
    noImplicitUseStrict: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    rootDir: path.join(root, "notebooks"),
    outDir: "outDir",
    noEmit: true,
  };
}

/**
 * The files one program reads, by virtual path.
 * @param {any} ts
 * @param {string} root
 * @param {string[]} rootFiles
 * @param {object} options
 * @param {Map<string, string>} virtual  files that exist only for this program (the importing cell)
 */
function filesRead(ts, root, rootFiles, options, virtual) {
  const libDir = path.dirname(require.resolve("@tslab/typescript-for-tslab", { paths: [root] }));
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  /** @type {Map<string, string>} */
  const files = new Map();
  const toVirtual = (/** @type {string} */ file) => {
    const abs = path.resolve(file);
    if (abs.startsWith(libDir + path.sep)) return `${TS_LIB}/${path.relative(libDir, abs).split(path.sep).join("/")}`;
    if (abs.startsWith(root + path.sep)) return `${COURSE}/${path.relative(root, abs).split(path.sep).join("/")}`;
    return null;
  };
  host.readFile = (/** @type {string} */ file) => {
    if (virtual.has(file)) return virtual.get(file);
    const text = read(file);
    const v = toVirtual(file);
    if (text !== undefined && v !== null) files.set(v, text);
    return text;
  };
  host.fileExists = (/** @type {string} */ file) => virtual.has(file) || exists(file);
  host.getCurrentDirectory = () => path.join(root, "notebooks");
  // Creating the program resolves and reads every file (checking reads nothing more).
  ts.createProgram(rootFiles, options, host);
  return files;
}

/**
 * The checker's files: { light, node } (node: only what the light set lacks).
 * @param {string} root the course root (build/lib compiled)
 * @param {string[]} libraryModules the course library modules the site offers, as notebooks import them
 *   ("../build/lib/lessons/01-…")
 */
function checkerFiles(root, libraryModules) {
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [root] }));
  const notebooks = path.join(root, "notebooks");
  const cell = path.join(notebooks, "__tslab__.ts");
  const imports = ["@tensorflow/tfjs", "tslab", ...libraryModules].map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n");
  const virtual = new Map([[cell, `export {};\n${imports}\n`]]);
  const globals = path.join(root, "kernel", "kernel-types", "globals.d.ts");
  const options = tslabOptions(ts, root);
  const light = filesRead(ts, root, [cell, globals], { ...options, types: [] }, virtual);
  const full = filesRead(ts, root, [cell], options, virtual);
  const node = new Map([...full].filter(([p]) => !light.has(p)));
  return { light: Object.fromEntries(light), node: Object.fromEntries(node) };
}

/**
 * Writes build/checker-light.json and build/checker-node.json into the site; returns their sizes.
 * @param {string} root
 * @param {string} out
 * @param {string[]} libraryModules
 */
function writeCheckerFiles(root, out, libraryModules) {
  const { light, node } = checkerFiles(root, libraryModules);
  /** @type {Record<string, { files: number, bytes: number }>} */
  const sizes = {};
  /** @type {[string, Record<string, string>][]} */
  const sets = [["light", light], ["node", node]];
  for (const [name, files] of sets) {
    const file = path.join(out, "build", `checker-${name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(files));
    sizes[name] = { files: Object.keys(files).length, bytes: fs.statSync(file).size };
  }
  return sizes;
}

module.exports = { writeCheckerFiles };
