/**
 * Helpers a student defined in cells of their own: the top-level declarations
 * (functions, classes, constants, variables, enums) of a notebook's other code
 * cells that its exercise cells use. In the kernel, every cell's top-level
 * names are there for the cells below it, so `stableSoftmax` may call a
 * `shiftByMax` written in the cell above; the grader must see it too.
 *
 * Only the declarations an exercise cell reaches are taken, not their whole
 * cells (a cell that declares a helper may also train a model or draw a
 * figure, which scoring has no use for), and each from the last cell above the
 * cell that uses it, as the kernel would have it. Runs inside the scoring
 * sandbox (grading/worker.ts): it parses submitted code.
 */
import * as ts from "typescript";

/** A code cell of the notebook that is not an exercise cell, and compiles in the kernel. */
export interface ContextCell {
  index: number;
  source: string;
}

/** One top-level declaration statement to run before the cell that needs it. */
export interface HelperDeclaration {
  /** The cell it comes from. */
  cell: number;
  /** Its position in that cell, to keep a cell's statements in order. */
  pos: number;
  names: string[];
  source: string;
}

/** Names bound by a top-level statement that exists at run time (types and interfaces do not). */
function boundNames(s: ts.Statement): string[] {
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) && s.name) {
    if (ts.isEnumDeclaration(s) && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ConstKeyword)) return [];
    return [s.name.text];
  }
  if (ts.isVariableStatement(s)) {
    const names: string[] = [];
    const collect = (n: ts.BindingName): void => {
      if (ts.isIdentifier(n)) names.push(n.text);
      else for (const e of n.elements) if (!ts.isOmittedExpression(e)) collect(e.name);
    };
    for (const d of s.declarationList.declarations) collect(d.name);
    return names;
  }
  return [];
}

/** True when this identifier names something (a declaration, a property, a label), rather than reading a binding. */
function isNameOnly(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return true;
  if (ts.isQualifiedName(p) && p.right === id) return true;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === id) return true;
  if (ts.isBindingElement(p) && p.propertyName === id) return true;
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return true;
  return false;
}

/** Identifiers a piece of code reads (over-approximated: local names that shadow nothing are harmless). */
function readNames(node: ts.Node, out: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return; // erased
    if (ts.isIdentifier(n)) {
      if (!isNameOnly(n)) out.add(n.text);
      return;
    }
    if (ts.isShorthandPropertyAssignment(n)) out.add(n.name.text);
    n.forEachChild(visit);
  };
  visit(node);
}

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/**
 * The declarations of `context` that `exercises` reach, directly or through
 * other helpers, each resolved to the last cell above its user that declares
 * the name. `provided` are names the worker supplies itself (`tf`, `lab`) and
 * the graded names, which their own cells define. In notebook order.
 */
export function helperDeclarations(exercises: readonly { index: number; source: string }[], context: readonly ContextCell[], provided: ReadonlySet<string>): HelperDeclaration[] {
  // Every top-level runtime declaration of the context cells, by name.
  const declared = new Map<string, HelperDeclaration[]>();
  for (const cell of context) {
    let file: ts.SourceFile;
    try {
      file = parse(cell.source);
    } catch {
      continue;
    }
    for (const s of file.statements) {
      const names = boundNames(s).filter((n) => !provided.has(n));
      if (names.length === 0) continue;
      const decl: HelperDeclaration = { cell: cell.index, pos: s.getStart(file), names, source: s.getText(file) };
      for (const n of names) declared.set(n, [...(declared.get(n) ?? []), decl]);
    }
  }
  const taken = new Set<HelperDeclaration>();
  // `below`: declarations from cells above this index count; `sameCell`: and from that cell itself (a helper's neighbours).
  const reach = (code: ts.Node, below: number, sameCell: boolean): void => {
    const names = new Set<string>();
    readNames(code, names);
    for (const name of names) {
      if (provided.has(name)) continue;
      // The last declaration above the cell that uses it: what the kernel's binding was when that cell ran.
      const decl = (declared.get(name) ?? []).filter((d) => d.cell < below || (sameCell && d.cell === below)).at(-1);
      if (!decl || taken.has(decl)) continue;
      taken.add(decl);
      reach(parse(decl.source), decl.cell, true);
    }
  };
  for (const e of exercises) {
    try {
      reach(parse(e.source), e.index, false);
    } catch {
      // Unparseable: the cell itself fails when it runs.
    }
  }
  // One declaration per name: two of them in one realm would clash (`const` twice), and the later one is the kernel's.
  const byName = new Map<string, HelperDeclaration>();
  for (const d of [...taken].sort((a, b) => a.cell - b.cell || a.pos - b.pos)) for (const n of d.names) byName.set(n, d);
  return [...new Set(byName.values())].sort((a, b) => a.cell - b.cell || a.pos - b.pos);
}
