// Turns a notebook cell (TypeScript) into JavaScript the worker can run, with
// tslab's semantics (node_modules/tslab/dist/converter.js):
//
// - the cell is a module: top-level `await` works, `import` becomes `require`;
// - every top-level declaration (variables, functions, classes, imports) is
//   exported into one object shared by all cells, so later cells see it;
// - an identifier that refers to an earlier cell's declaration (it is not
//   declared in this cell) is rewritten to `exports.<name>`, so re-running an
//   earlier cell updates what later code sees, and a later cell may declare
//   the same name again;
// - the value of a last expression statement is returned, to be printed.
//
// Like tslab it compiles with the `typescript` package; unlike tslab it does
// not type-check (that needs the .d.ts files of the library and TensorFlow.js
// in the browser): TypeScript syntax is checked, types are erased.
"use strict";
const ts = require("typescript");
const { loopChecks, CHECK_NAME } = require("./loop-checks.js");

const FILE = "/course/notebooks/__cell__.ts";

const OPTIONS = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  jsx: ts.JsxEmit.React,
  noLib: true,
  noResolve: true,
  types: [],
  noEmitOnError: false,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

/**
 * @param {string} text
 */
function createProgram(text) {
  const sf = ts.createSourceFile(FILE, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  /** @type {import("typescript").CompilerHost} */
  const host = {
    getSourceFile: (name) => (name === FILE ? sf : undefined),
    getDefaultLibFileName: () => "/lib.d.ts",
    writeFile: () => undefined,
    getCurrentDirectory: () => "/course/notebooks",
    getDirectories: () => [],
    fileExists: (name) => name === FILE,
    readFile: (name) => (name === FILE ? text : undefined),
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
  };
  const program = ts.createProgram([FILE], OPTIONS, host);
  return { program, sf: /** @type {import("typescript").SourceFile} */ (program.getSourceFile(FILE)) };
}

/** Where `id` is a name being declared or a property name, not a reference to a variable. */
/**
 * @param {import("typescript").Identifier} id
 */
function isNotAReference(id) {
  const p = id.parent;
  if (!p) return true;
  // (A QualifiedName's name is `right`; it had no `name`, so it never matched here: left as it was, see the report.)
  if ((ts.isPropertyAccessExpression(p) || ts.isMetaProperty(p)) && p.name === id) return true;
  if (ts.isBindingElement(p) && p.propertyName === id) return true;
  if ((ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) && (p.propertyName === id || p.name === id)) return true;
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return true;
  if (ts.isPropertyAssignment(p) && p.name === id) return true;
  if (ts.isShorthandPropertyAssignment(p)) return true; // handled as a whole
  if (isDeclaration(p) && /** @type {{ name?: unknown }} */ (p).name === id) return true;
  return false;
}

/**
 * TypeScript's `isDeclaration`: exported at run time but not in typescript.d.ts (an internal), so typed here.
 * @type {(node: import("typescript").Node) => boolean}
 */
const isDeclaration = /** @type {any} */ (ts).isDeclaration;

/** A `before` transformer: earlier cells' names → exports.<name>; last expression → `return [value]`. */
/**
 * @param {import("typescript").TypeChecker} checker
 * @param {Set<string>} prevNames
 * @param {{ hasLastExpression: boolean }} state
 * @returns {import("typescript").TransformerFactory<import("typescript").SourceFile>}
 */
function cellTransformer(checker, prevNames, state) {
  return (ctx) => {
    const f = ctx.factory;
    const fromExports = (/** @type {string} */ name) => f.createPropertyAccessExpression(f.createIdentifier("exports"), f.createIdentifier(name));
    const isPrev = (/** @type {import("typescript").Identifier} */ id) => prevNames.has(id.text) && !checker.getSymbolAtLocation(id);
    /**
     * @param {import("typescript").Node} node
     * @returns {import("typescript").Node}
     */
    function visit(node) {
      // Types are erased: nothing to rewrite inside them (class `extends` expressions excepted).
      if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return node;
      if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return node;
      if (ts.isExpressionWithTypeArguments(node)) {
        const inExtends = node.parent && ts.isHeritageClause(node.parent) && node.parent.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(node.parent.parent);
        if (!inExtends) return node;
        return f.updateExpressionWithTypeArguments(node, /** @type {import("typescript").Expression} */ (ts.visitNode(node.expression, visit)), undefined);
      }
      if (ts.isTypeNode(node)) return node;
      if (ts.isIdentifier(node)) {
        return !isNotAReference(node) && isPrev(node) ? fromExports(node.text) : node;
      }
      if (ts.isShorthandPropertyAssignment(node) && prevNames.has(node.name.text) && !checker.getShorthandAssignmentValueSymbol(node)) {
        const value = node.objectAssignmentInitializer
          ? f.createBinaryExpression(fromExports(node.name.text), ts.SyntaxKind.EqualsToken, /** @type {import("typescript").Expression} */ (ts.visitNode(node.objectAssignmentInitializer, visit)))
          : fromExports(node.name.text);
        return f.createPropertyAssignment(node.name.text, value);
      }
      return ts.visitEachChild(node, visit, ctx);
    }
    return (sf) => {
      const visited = ts.visitEachChild(sf, visit, ctx);
      const statements = [...visited.statements];
      for (let i = statements.length - 1; i >= 0; i--) {
        const st = statements[i];
        if (ts.isExportDeclaration(st)) continue;
        if (ts.isExpressionStatement(st)) {
          statements[i] = f.createReturnStatement(f.createArrayLiteralExpression([st.expression]));
          state.hasLastExpression = true;
        }
        break;
      }
      return f.updateSourceFile(visited, statements);
    };
  };
}

/**
 * @param {import("typescript").Diagnostic} d
 * @param {number} offsetLines
 */
function formatDiagnostic(d, offsetLines) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return message;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${line + 1 - offsetLines}:${character + 1} - ${message}`;
}

/** A compile error: TypeScript's messages, one per line, as tslab prints them. */
class CompileError extends Error {
  /**
   * @param {string[]} messages
   */
  constructor(messages) {
    super(messages.join("\n"));
    this.name = "TSError";
  }
}

/**
 * Compiles one cell. `prevNames`: names exported by earlier cells;
 * `options.loopChecks`: call the interrupt check at the head of every loop body (loop-checks.js).
 * Returns { js, names (this cell's top-level names), hasLastExpression }.
 * @param {string} src
 * @param {Set<string>} prevNames
 * @param {{ loopChecks?: boolean }} [options]
 */
function convertCell(src, prevNames, options = {}) {
  // "export {}" makes any cell a module, as in tslab (top-level await, no global script scope).
  const prefix = "export {};\n";
  const first = createProgram(prefix + src);
  const syntax = first.program.getSyntacticDiagnostics(first.sf);
  if (syntax.length > 0) throw new CompileError(syntax.map((d) => formatDiagnostic(d, 1)));
  first.program.getTypeChecker(); // binds the file: fills sf.locals
  /** @type {string[]} */
  const names = [];
  /** @type {import("typescript").SourceFile & { locals?: Map<string, unknown> }} */ (first.sf).locals?.forEach((_symbol, name) => {
    if (name !== "exports" && name !== "require") names.push(String(name));
  });
  const text = prefix + src + (names.length ? `\nexport { ${names.join(", ")} };\n` : "\n");
  const { program, sf } = names.length ? createProgram(text) : first;
  const checker = program.getTypeChecker();
  const state = { hasLastExpression: false };
  let js = "";
  const result = program.emit(sf, (name, data) => {
    if (name.endsWith(".js")) js = data;
  }, undefined, false, { before: [cellTransformer(checker, prevNames, state), ...(options.loopChecks ? [loopChecks()] : [])] });
  const emitErrors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (emitErrors.length > 0) throw new CompileError(emitErrors.map((d) => formatDiagnostic(d, 1)));
  // tslab runs cells in sloppy mode (it compiles with noImplicitUseStrict).
  js = js.replace(/^"use strict";\n/, "");
  return { js, names, hasLastExpression: state.hasLastExpression };
}

/**
 * Runs cells one after another with tslab's scoping: `run(code)` compiles and
 * runs one cell and resolves with { hasLastExpression, value }; `locals` holds
 * every top-level name the cells declared. `require` resolves their imports.
 * `interruptCheck`, when given, is called at the head of every loop body of
 * the cells (it throws to stop a cell: kernel/interrupt-flag.js).
 * @param {(spec: string) => unknown} require
 * @param {() => void} [interruptCheck]
 */
function createCellRunner(require, interruptCheck) {
  /** @type {Record<string | symbol, unknown>} */
  const locals = {};
  const exportsProxy = new Proxy(locals, {
    // TypeScript exports imported names with defineProperty and a getter; keep the value, rewritable.
    defineProperty: (target, prop, attrs) => {
      if (prop === "__esModule") return true;
      target[prop] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
  let count = 0;
  /**
   * @param {string} code
   * @returns {Promise<{ hasLastExpression: boolean, value: unknown }>}
   */
  async function run(code) {
    const converted = convertCell(code, new Set(Object.keys(locals)), { loopChecks: !!interruptCheck });
    count += 1;
    // Indirect eval: the cell sees globals and its two parameters, nothing of this module.
    const fn = (0, eval)(`(async function (exports, require, ${CHECK_NAME}) {\n${converted.js}\n})\n//# sourceURL=cell-${count}.js`);
    const ret = await fn(exportsProxy, require, interruptCheck);
    return { hasLastExpression: converted.hasLastExpression, value: converted.hasLastExpression && Array.isArray(ret) ? ret[0] : undefined };
  }
  return { run, locals };
}

module.exports = { createCellRunner, CompileError, typescriptVersion: ts.version };
