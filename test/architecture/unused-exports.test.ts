/**
 * No exported name that only its own file uses (issue 27): an export is a
 * promise that another file needs the name. The test lists every name the
 * course's sources export (lib/, grading/, tools/, setup/, kernel/, editions/,
 * bench/, frontends/*.ts, frontends/lite-app's own JavaScript, test/helpers/)
 * and looks for a use in another file, with one TypeScript Program over every
 * file that can use one (the sources, the tests, kernel/kernel-types/, each
 * notebook's code cells and the `lab.name`s its text tells students to type,
 * and tools/new-lesson's templates) resolving each import, require, re-export and
 * `module.x` access to the export it names. A path into build/ (a notebook's
 * `../build/lib/lessons/NN-slug`, a kernel hook's or a browser bundle's
 * require) is read as the source it is compiled from. What counts as a use and
 * the allow-list below are described in docs/internals.md ("Unused exports").
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";

/**
 * Exports that nothing in the repository shows a use of, each kept for a
 * reason: `file:name` → why. `*` in the file stands for any file name of that
 * folder, a name `*` for every name of the file.
 */
const ALLOWED: Record<string, string> = {
  "frontends/lite-app/kernel/fs.js:*": "Node's fs in the browser kernel: build.js resolves the library's `require(\"fs\")` to this file, whose names are fs's",
  "frontends/lite-app/kernel/tslab.js:*": "tslab's display API in the browser kernel: build.js resolves the library's `require(\"tslab\")` (lib/runtime/display.ts) to this file",
  "frontends/lite-app/kernel/globals.js:*": "Node's globals in the browser kernel: build.js injects this file's names (esbuild `inject`) into every module",
  "frontends/lite-app/kernel/root.js:*": "lib/runtime/root.js in the browser kernel: build.js resolves build/lib/runtime's `require(\"./root\")` to this file, which has its names",
  "lib/checks/index.ts:callStudent": "the authoring API: docs/authoring.md tells a new lesson's own CheckDefinition to call the student's code through it, imported from ../checks as the lesson template imports",
  "lib/lessons/*.ts:LESSON": "the lesson's slug, one of the names every lesson module has (tools/templates/lesson-module.ts.tmpl); test/setup/kernel-rebuild.test.ts's notebook prints lab.LESSON",
  "lib/lessons/*.ts:plot": "the course-wide notebook toolbox every lesson offers as lab.* (README), for a student's own cells even where the notebook's cells do not call it",
  "lib/lessons/*.ts:linspace": "the course-wide notebook toolbox every lesson offers as lab.* (README), for a student's own cells even where the notebook's cells do not call it",
  "lib/lessons/*.ts:progress": "the course-wide notebook toolbox every lesson offers as lab.* (README), for a student's own cells even where the notebook's cells do not call it",
  "lib/lessons/01-logistic-regression.ts:labelRoasts": "a lesson function that test/browser/lite-types.test.ts's notebook hovers and misuses (the browser's type checker reads the library's signatures)",
};

/** Folders whose files' exports are checked (every .ts and .js below, but installed or generated folders). */
const CHECKED = ["lib", "grading", "tools", "setup", "kernel", "editions", "bench", "frontends/lite-app", "test/helpers"];
/** Folders whose own files' exports are checked, not their subfolders': frontends/*.ts (frontends/jupyterlab-app is webpack's app code, only a user). */
const CHECKED_TOP = ["frontends"];
/** Files that can use an export without having any checked: the tests, the kernel's declarations, the JupyterLab app's code. */
const USERS_ONLY = ["test", "kernel/kernel-types", "frontends/jupyterlab-app"];
/**
 * Declarations of installed packages, not the course's exports: the browser kernel's stand-ins for its
 * packages' types (a second program resolves those packages' names to them; test/setup/lite-real-types
 * checks them against the packages).
 */
const PACKAGE_DECLARATIONS = "frontends/lite-app/types/";
const SOURCE = /\.(ts|js)$/;

/** Source files under a folder (or only its own files, when not `deep`). */
function filesUnder(dir: string, deep = true): string[] {
  return sourceFiles(dir, { files: SOURCE, deep });
}

/**
 * A notebook's code cells as one TypeScript text (its imports resolve from the
 * notebook's folder), then each `lab.name` its text cells tell a student to
 * type (`lab.hint("01.sigmoid", 2)`) as a statement of its own: a name the
 * notebook documents for students is used even when no cell calls it yet.
 */
function notebookCode(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells?: { cell_type?: string; source?: string | string[] }[] };
  const text = (c: { source?: string | string[] }): string => (Array.isArray(c.source) ? c.source.join("") : (c.source ?? ""));
  const cells = nb.cells ?? [];
  const code = cells.filter((c) => c.cell_type === "code").map(text);
  const told = cells.filter((c) => c.cell_type === "markdown").flatMap((c) => [...text(c).matchAll(/\blab\.([A-Za-z_$][\w$]*)/g)].map((m) => `lab.${m[1] as string};`));
  return [...code, ...told].join("\n;\n");
}

/**
 * tools/new-lesson's templates, each read as the file it becomes (so its
 * relative imports resolve as they will): a name only a new lesson's module or
 * test imports is used.
 */
const TEMPLATES: Record<string, string> = { "lesson-module.ts.tmpl": "lib/lessons", "lesson-test.ts.tmpl": "test/lessons" };

/** The notebooks whose cells use the course library: the course's and the new-lesson template. */
function notebookFiles(root: string): string[] {
  return [path.join(root, "notebooks"), path.join(root, "tools", "templates")].flatMap((d) =>
    fs.existsSync(d) ? fs.readdirSync(d).filter((n) => n.endsWith(".ipynb")).map((n) => path.join(d, n)) : [],
  );
}

/**
 * Where a relative import leads in the sources: a path into build/ is the
 * source compiled to it (build/lib/x.js and build/lib/x.d.ts come from lib/x.ts
 * or lib/x.js); a bare package name is not the course's and is not followed.
 */
function resolveSource(spec: string, fromFile: string, root: string, exists: (f: string) => boolean): string | undefined {
  if (!spec.startsWith(".") && !spec.startsWith("/")) return undefined;
  let abs = path.resolve(path.dirname(fromFile), spec);
  const build = path.join(root, "build") + path.sep;
  if (abs.startsWith(build)) abs = path.join(root, abs.slice(build.length));
  const stem = abs.replace(/\.(d\.ts|js|ts)$/, "");
  const candidates = [abs, `${stem}.ts`, `${stem}.js`, `${stem}.d.ts`, path.join(abs, "index.ts"), path.join(abs, "index.js")];
  return candidates.find((c) => SOURCE.test(c) && exists(c));
}

/** A regular file (not a link, not a folder); false for a path through a file. */
function isRegularFile(f: string): boolean {
  try {
    return fs.lstatSync(f, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/**
 * The names a CommonJS file exports: `module.exports = { a, b: … }` and
 * `module.exports.c = …` / `exports.c = …` (the checker gives a CommonJS file
 * no module symbol to ask; `module.exports = value` exports no names).
 */
function commonJsExports(sf: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const { left, right } = st.expression;
    if (left.getText(sf) === "module.exports" && ts.isObjectLiteralExpression(right)) {
      for (const p of right.properties) if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) names.push(p.name.text);
    } else if (ts.isPropertyAccessExpression(left) && ["module.exports", "exports"].includes(left.expression.getText(sf))) {
      names.push(left.name.text);
    }
  }
  return names;
}

/** Whether an allow-list entry covers `file:name` (see ALLOWED). */
function isAllowed(file: string, name: string, allowed: Record<string, string>): boolean {
  return Object.keys(allowed).some((entry) => {
    const cut = entry.lastIndexOf(":");
    const glob = entry.slice(0, cut).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
    return new RegExp(`^${glob}$`).test(file) && [name, "*"].includes(entry.slice(cut + 1));
  });
}

function extensionOf(file: string): ts.Extension {
  return file.endsWith(".d.ts") ? ts.Extension.Dts : file.endsWith(".ts") ? ts.Extension.Ts : ts.Extension.Js;
}

/** `file:name` of each export that no other file uses (allow-listed ones left out), sorted. */
function unusedExports(root: string, allowed: Record<string, string> = ALLOWED): string[] {
  const checked = [...CHECKED.flatMap((d) => filesUnder(path.join(root, d))), ...CHECKED_TOP.flatMap((d) => filesUnder(path.join(root, d), false))];
  const users = USERS_ONLY.flatMap((d) => filesUnder(path.join(root, d)));
  const virtual = new Map(notebookFiles(root).map((nb) => [`${nb}.cells.ts`, notebookCode(nb)]));
  for (const [name, dir] of Object.entries(TEMPLATES)) {
    const file = path.join(root, "tools", "templates", name);
    if (isRegularFile(file)) virtual.set(path.join(root, dir, `${name}.ts`), fs.readFileSync(file, "utf8"));
  }
  const options: ts.CompilerOptions = { allowJs: true, checkJs: false, noEmit: true, lib: ["lib.es2022.d.ts"], types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const exists = (f: string): boolean => virtual.has(f) || isRegularFile(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = virtual.get(f);
    return text === undefined ? getSourceFile(f, lang, ...rest) : ts.createSourceFile(f, text, lang, true, ts.ScriptKind.TS);
  };
  host.fileExists = exists;
  host.resolveModuleNameLiterals = (literals, containingFile) =>
    literals.map((lit) => {
      const file = resolveSource(lit.text, containingFile, root, exists);
      return { resolvedModule: file ? { resolvedFileName: file, extension: extensionOf(file), isExternalLibraryImport: false } : undefined };
    });
  const all = new Set([...checked, ...users, ...virtual.keys()]);
  const program = ts.createProgram([...all], options, host);
  const checker = program.getTypeChecker();
  const rel = (f: string): string => path.relative(root, f).split(path.sep).join("/");

  /** Export keys (`file:name`) used from another file. */
  const used = new Set<string>();
  const keyOf = (s: ts.Symbol): string | undefined => {
    const decl = s.declarations?.[0];
    return decl ? `${rel(decl.getSourceFile().fileName)}:${s.name}` : undefined;
  };
  /** A symbol a file refers to, and every export along its alias chain, unless declared in that file itself. */
  const credit = (symbol: ts.Symbol | undefined, from: ts.SourceFile): void => {
    for (let s = symbol, n = 0; s && n < 20; n++) {
      if (s.declarations?.some((d) => d.getSourceFile() !== from)) {
        const key = keyOf(s);
        if (key) used.add(key);
      }
      if (!(s.flags & ts.SymbolFlags.Alias)) break;
      const next = checker.getImmediateAliasedSymbol(s);
      if (next === s) break;
      s = next;
    }
  };
  /** The source file of a module symbol (an ES module's or a CommonJS file's). */
  const fileOfModule = (m: ts.Symbol | undefined): string | undefined => {
    const decl = m?.valueDeclaration;
    return decl && ts.isSourceFile(decl) ? decl.fileName : undefined;
  };
  /**
   * A path an expression computes from the course's root, when it is plain:
   * a string, ROOT, __dirname, a constant holding one, or path.join/resolve of them
   * (`require(path.join(ROOT, "kernel", "hooks", "state.js"))`).
   */
  const pathOf = (e: ts.Expression, sf: ts.SourceFile, depth = 0): string | undefined => {
    if (depth > 5) return undefined;
    if (ts.isStringLiteralLike(e)) return e.text;
    if (ts.isIdentifier(e)) {
      if (e.text === "ROOT") return root;
      if (e.text === "__dirname") return path.dirname(sf.fileName);
      const decl = checker.getSymbolAtLocation(e)?.valueDeclaration;
      return decl && ts.isVariableDeclaration(decl) && decl.initializer ? pathOf(decl.initializer, decl.getSourceFile(), depth + 1) : undefined;
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.expression.getText(sf) === "path" && ["join", "resolve"].includes(e.expression.name.text)) {
      const parts = e.arguments.map((a) => pathOf(a, sf, depth + 1));
      return parts.every((x): x is string => x !== undefined) && parts.length > 0 && path.isAbsolute(parts[0] as string) ? path.join(...parts) : undefined;
    }
    return undefined;
  };
  /**
   * The source file of the module an expression stands for: `require("x")`,
   * `import("x")`, `require(path.join(ROOT, …))`, `require(p) as typeof
   * import("x")`, a namespace or default import, or a `const m = require("x")`.
   */
  const moduleOf = (e: ts.Expression, sf: ts.SourceFile, depth = 0): string | undefined => {
    if (depth > 5) return undefined;
    for (;;) {
      if ((ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) && ts.isImportTypeNode(e.type) && e.type.isTypeOf && !e.type.qualifier && ts.isLiteralTypeNode(e.type.argument)) {
        return fileOfModule(checker.getSymbolAtLocation(e.type.argument.literal));
      }
      if (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
      else break;
    }
    if (ts.isCallExpression(e) && e.arguments.length === 1 && (e.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(e.expression) && e.expression.text === "require"))) {
      const arg = e.arguments[0] as ts.Expression;
      if (ts.isStringLiteralLike(arg)) return fileOfModule(checker.getSymbolAtLocation(arg));
      const p = pathOf(arg, sf);
      return p === undefined ? undefined : resolveSource(path.relative(path.dirname(sf.fileName), p).replace(/^(?!\.)/, "./"), sf.fileName, root, exists);
    }
    if (ts.isIdentifier(e)) {
      const local = checker.getSymbolAtLocation(e);
      const decl = local?.declarations?.[0];
      // `import ts from "./checker-ts.js"` of a CommonJS file: the file's module.exports.
      if (decl && ts.isImportClause(decl) && ts.isStringLiteral(decl.parent.moduleSpecifier)) return fileOfModule(checker.getSymbolAtLocation(decl.parent.moduleSpecifier));
      const target = local && local.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(local) : local;
      const file = fileOfModule(target);
      if (file) return file;
      // A TypeScript `const m = require("x")` is a variable, not an alias: follow its initializer.
      const v = target?.valueDeclaration;
      if (v && ts.isVariableDeclaration(v) && ts.isIdentifier(v.name) && v.initializer && v.initializer !== e) return moduleOf(v.initializer, v.getSourceFile(), depth + 1);
    }
    return undefined;
  };
  /** A use of `name` from the module in `file`, and of the export it forwards (`export *`, `export { x } from`). */
  const creditName = (file: string, name: string, from: ts.SourceFile): void => {
    if (file !== from.fileName) used.add(`${rel(file)}:${name}`);
    const sfile = program.getSourceFile(file);
    const module = sfile && checker.getSymbolAtLocation(sfile);
    if (module) credit(checker.getExportsOfModule(module).find((s) => s.name === name), from);
  };

  for (const sf of program.getSourceFiles()) {
    if (!all.has(sf.fileName)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) || (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression))) {
        const module = moduleOf(node.expression, sf);
        const name = ts.isPropertyAccessExpression(node) ? node.name.text : (node.argumentExpression as ts.StringLiteralLike).text;
        if (module) creditName(module, name, sf);
        visit(node.expression);
        return;
      }
      if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer) {
        const module = moduleOf(node.initializer, sf);
        for (const el of node.name.elements) {
          const name = el.propertyName ?? el.name;
          if (module && (ts.isIdentifier(name) || ts.isStringLiteral(name))) creditName(module, name.text, sf);
        }
      }
      // `{ ...(require(p) as typeof import("./x")) }`: an object of the module's names.
      if (ts.isSpreadAssignment(node)) {
        const module = moduleOf(node.expression, sf);
        const sfile = module ? program.getSourceFile(module) : undefined;
        const m = sfile && checker.getSymbolAtLocation(sfile);
        for (const name of m ? checker.getExportsOfModule(m).map((x) => x.name) : sfile ? commonJsExports(sfile) : []) creditName(module as string, name, sf);
      }
      if (ts.isIdentifier(node)) credit(checker.getSymbolAtLocation(node), sf);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }

  /**
   * tslab compiles each cell with declarations: a cell's top-level name whose
   * type is inferred (`const digits = lab.loadBinaryDigits()`) needs every named
   * type in that type exported from its module, or the cell fails ("has or is
   * using name 'DigitData' … but cannot be named"). Those types are used.
   */
  const seen = new Set<ts.Type>();
  const needType = (t: ts.Type, at: ts.Node, from: ts.SourceFile, depth = 0): void => {
    if (depth > 8 || seen.has(t)) return;
    seen.add(t);
    const named = t.aliasSymbol ?? (t.getSymbol()?.flags && t.getSymbol()!.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum) ? t.getSymbol() : undefined);
    if (named) credit(named, from);
    for (const a of t.aliasTypeArguments ?? []) needType(a, at, from, depth + 1);
    if (t.isUnionOrIntersection()) for (const u of t.types) needType(u, at, from, depth + 1);
    if (!(t.flags & ts.TypeFlags.Object)) return;
    if ((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) for (const a of checker.getTypeArguments(t as ts.TypeReference)) needType(a, at, from, depth + 1);
    if (named) return; // a named type is written by its name
    for (const p of t.getProperties()) needType(checker.getTypeOfSymbolAtLocation(p, at), at, from, depth + 1);
    for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
      needType(sig.getReturnType(), at, from, depth + 1);
      for (const p of sig.getParameters()) needType(checker.getTypeOfSymbolAtLocation(p, at), at, from, depth + 1);
    }
  };
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.endsWith(".ipynb.cells.ts")) continue;
    for (const st of sf.statements) {
      const decls = ts.isVariableStatement(st) ? st.declarationList.declarations.filter((d) => !d.type) : ts.isFunctionDeclaration(st) && !st.type ? [st] : [];
      for (const d of decls) {
        if (ts.isFunctionDeclaration(d)) {
          const sig = checker.getSignatureFromDeclaration(d);
          if (sig) needType(sig.getReturnType(), d, sf);
        } else needType(checker.getTypeAtLocation(d.name), d, sf);
      }
    }
  }

  const unused: string[] = [];
  // A JSDoc @typedef or @callback in a JavaScript module is always exported (TypeScript has no way to keep one
  // private), so it is not an export anyone chose: a name written only that way is not checked.
  const onlyJsDocType = (s: ts.Symbol): boolean => (s.declarations ?? []).every((d) => ts.isJSDocTypedefTag(d) || ts.isJSDocCallbackTag(d));
  for (const file of checked) {
    if (rel(file).startsWith(PACKAGE_DECLARATIONS)) continue;
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const module = checker.getSymbolAtLocation(sf);
    // `export *` names another file's exports: they are that file's to use.
    const names = module ? checker.getExportsOfModule(module).filter((s) => s.declarations?.some((d) => d.getSourceFile() === sf) && !onlyJsDocType(s)).map((s) => s.name) : commonJsExports(sf);
    for (const name of names) {
      const key = `${rel(file)}:${name}`;
      if (!used.has(key) && !isAllowed(rel(file), name, allowed)) unused.push(key);
    }
  }
  return unused.sort();
}

/** Writes `files` (path → text) under a fresh folder and returns it. */
function scratchCourse(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "unused-exports-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

/** A notebook with these code and markdown cells. */
function notebook(cells: { code?: string; markdown?: string }[]): string {
  return JSON.stringify({
    cells: cells.map((c) => (c.code !== undefined ? { cell_type: "code", source: c.code.split(/(?<=\n)/) } : { cell_type: "markdown", source: [c.markdown ?? ""] })),
  });
}

describe("unused exports", () => {
  it("counts uses from tests, notebooks' cells, text and inferred types, build/ requires, typed requires and CommonJS, and reports the rest", (t) => {
    const root = scratchCourse({
      "lib/a.ts": "export function byTest(): number { return helper(); }\nexport function helper(): number { return 1; }\nexport type Shape = { n: number };\n",
      "lib/lessons/01-x.ts": 'export { fromCell, fromText } from "../b";\nexport { makeRows } from "../e";\nexport const notInNotebook = 0;\n',
      "lib/e.ts": "export interface Rows { X: number[][] }\nexport function makeRows(): Rows { return { X: [] }; }\n",
      "lib/b.ts": "export const fromCell = 1;\nexport const fromText = 2;\n",
      "lib/c.js": "function byHook() {}\nfunction cjsUnused() {}\nmodule.exports = { byHook, cjsUnused };\n",
      "lib/d.ts": "export function typedRequire(): void {}\nexport function dUnused(): void {}\n",
      "kernel/hook.js": 'const { byHook } = require("../build/lib/c.js");\nbyHook();\n',
      "grading/w.ts": 'const d = require("../lib/d") as typeof import("../lib/d");\nd.typedRequire();\n',
      "test/a.test.ts": 'import { byTest, type Shape } from "../lib/a";\nconst s: Shape = { n: byTest() };\nconsole.log(s);\n',
      "notebooks/01-x.ipynb": notebook([{ code: 'import * as lab from "../build/lib/lessons/01-x";\nconsole.log(lab.fromCell);\nconst rows = [{ data: lab.makeRows() }];\n' }, { markdown: "When a check fails, try `lab.fromText`." }]),
    });
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    assert.deepEqual(unusedExports(root, {}), ["lib/a.ts:helper", "lib/c.js:cjsUnused", "lib/d.ts:dUnused", "lib/lessons/01-x.ts:notInNotebook"]);
    assert.deepEqual(unusedExports(root, { "lib/lessons/*.ts:notInNotebook": "why", "lib/c.js:*": "why" }), ["lib/a.ts:helper", "lib/d.ts:dUnused"]);
  });

  it("every exported name is used by another file (or allow-listed with its reason)", () => {
    const unused = unusedExports(ROOT);
    assert.deepEqual(unused, []);
  });
});
