// @ts-check
/**
 * A lighter builder program for tslab's watch program: tslab's watch program
 * wraps every program (two per cell) in TypeScript's emit-and-diagnostics
 * builder, whose state maps the imports of every file in the program (~700
 * .d.ts files of TensorFlow.js and TypeScript's lib) at each cell, a third of
 * the time a cell takes to compile, for an affected-files bookkeeping tslab
 * never uses. Installed by kernel/hooks/typescript-loader.js.
 *
 * Patches: nothing itself; it is the createProgram that kernel/hooks/typescript-loader.js passes to TypeScript's createWatchCompilerHost, and it adds getAllDependencies to the builder it returns.
 * Relies on: TypeScript 5.0.4 (@tslab/typescript-for-tslab, tslab 1.0.22's): the public createAbstractBuilder, and the internals BuilderState.getAllDependencies(state, program, sourceFile) with a state of { referencedMap: { getValues(path) }, allFileNames }, getSourceFileOfNode, getDirectoryPath, toPath, program.getProjectReferenceRedirect and getCanonicalFileName, and a source file's imports, referencedFiles, resolvedTypeReferenceDirectiveNames and moduleAugmentations (builderState.ts, getReferencedFiles).
 * Guarded by: test/setup/kernel-speedups.test.ts "the light builder compiles every cell exactly as tslab's own builder: output, declarations, diagnostics, dependencies"
 */
"use strict";
const { status } = require("./state");

/**
 * The files `sourceFile` references, exactly as TypeScript 5.0's
 * BuilderState computes them for its referencedMap (builderState.ts,
 * getReferencedFiles, not exported): the files declaring what its imports
 * resolve to, its `/// <reference path>` and type reference directives, the
 * modules it augments, and the files of ambient modules declared more than once.
 * @param {any} ts @param {any} program @param {any} sourceFile
 * @returns {Set<string> | undefined}
 */
function referencedFiles(ts, program, sourceFile) {
  /** @type {Set<string> | undefined} */
  let refs;
  const add = (/** @type {string} */ p) => (refs ||= new Set()).add(p);
  const checker = program.getTypeChecker();
  const addDeclarations = (/** @type {any} */ symbol, /** @type {boolean} */ otherFilesOnly) => {
    for (const d of (symbol && symbol.declarations) || []) {
      const file = ts.getSourceFileOfNode(d);
      if (file && (!otherFilesOnly || file !== sourceFile)) add(file.resolvedPath);
    }
  };
  for (const importName of sourceFile.imports || []) addDeclarations(checker.getSymbolAtLocation(importName), false);
  const dir = ts.getDirectoryPath(sourceFile.resolvedPath);
  const toPath = (/** @type {string} */ f) => ts.toPath(program.getProjectReferenceRedirect(f) || f, dir, program.getCanonicalFileName);
  for (const ref of sourceFile.referencedFiles || []) add(toPath(ref.fileName));
  if (sourceFile.resolvedTypeReferenceDirectiveNames) {
    sourceFile.resolvedTypeReferenceDirectiveNames.forEach((/** @type {any} */ r) => {
      if (r.resolvedTypeReferenceDirective) add(toPath(r.resolvedTypeReferenceDirective.resolvedFileName));
    });
  }
  for (const name of sourceFile.moduleAugmentations || []) {
    if (ts.isStringLiteral(name)) addDeclarations(checker.getSymbolAtLocation(name), true);
  }
  for (const m of checker.getAmbientModules()) if (m.declarations && m.declarations.length > 1) addDeclarations(m, true);
  return refs;
}

/**
 * What tslab's watch program gets instead of an EmitAndSemanticDiagnostics
 * builder: TypeScript's own createAbstractBuilder (the program itself behind
 * the builder interface, still created from the previous one, so unchanged
 * files are reused) plus the one builder method tslab also calls,
 * getAllDependencies, answered by TypeScript's BuilderState.getAllDependencies
 * over a referencedMap filled only for the files that walk visits. What tslab
 * reads is the same: the program, its diagnostics, the emit of a cell (the
 * builder passes it through unchanged, tslab giving custom transformers), and
 * a cell's dependencies. As BuilderState.create does, the checker is created
 * with the program: tslab reads a cell's `locals`, which binding sets.
 * @param {any} ts
 */
function lightBuilder(ts) {
  return function createProgram(/** @type {any[]} */ ...args) {
    const builder = ts.createAbstractBuilder(...args);
    const program = builder.getProgram();
    program.getTypeChecker();
    status.lightBuilders++;
    /** @type {Map<string, Set<string> | undefined>} */
    const refs = new Map();
    const referencedMap = {
      getValues(/** @type {string} */ p) {
        if (!refs.has(p)) {
          const file = program.getSourceFileByPath(p);
          refs.set(p, file ? referencedFiles(ts, program, file) : undefined);
        }
        return refs.get(p);
      },
    };
    const state = { referencedMap, allFileNames: undefined };
    builder.getAllDependencies = (/** @type {any} */ sourceFile) => ts.BuilderState.getAllDependencies(state, program, sourceFile);
    return builder;
  };
}

module.exports = { lightBuilder };
