// A TypeScript `before` transformer for the cell compiler (convert.js): it puts
// a call of the interrupt check at the head of every loop body of a cell (for,
// for…in, for…of, for await, while, do…while, at any depth, in functions
// too), so that Kernel → Interrupt can stop `while (true) {}` between two
// iterations and the kernel keeps its state (kernel/interrupt-flag.js throws
// from the check when the page has asked to stop). Loops in the course library
// and TensorFlow.js are not compiled here; the training loops check on their
// own (lib/runtime/interrupt.ts). It works on the syntax tree, never on text.
"use strict";
const ts = require("typescript");

/** The name of the check, a parameter of every compiled cell (convert.js's createCellRunner). */
const CHECK_NAME = "__courseInterruptCheck";

/**
 * @param {import("typescript").Node} node
 * @returns {node is import("typescript").IterationStatement}
 */
function isLoop(node) {
  return ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

/** `{ __courseInterruptCheck(); <body> }`, keeping a block's statements as they are. */
/**
 * @param {import("typescript").NodeFactory} f
 * @param {import("typescript").Statement} body
 */
function withCheck(f, body) {
  const check = f.createExpressionStatement(f.createCallExpression(f.createIdentifier(CHECK_NAME), undefined, []));
  const statements = ts.isBlock(body) ? body.statements : [body];
  return f.createBlock([check, ...statements], true);
}

/** @returns {import("typescript").TransformerFactory<import("typescript").SourceFile>} */
function loopChecks() {
  return (ctx) => {
    const f = ctx.factory;
    /**
     * @param {import("typescript").Node} node
     * @returns {import("typescript").Node}
     */
    function visit(node) {
      const visited = ts.visitEachChild(node, visit, ctx);
      if (!isLoop(visited)) return visited;
      const body = withCheck(f, visited.statement);
      if (ts.isForStatement(visited)) return f.updateForStatement(visited, visited.initializer, visited.condition, visited.incrementor, body);
      if (ts.isForInStatement(visited)) return f.updateForInStatement(visited, visited.initializer, visited.expression, body);
      if (ts.isForOfStatement(visited)) return f.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, visited.expression, body);
      if (ts.isWhileStatement(visited)) return f.updateWhileStatement(visited, visited.expression, body);
      const loop = /** @type {import("typescript").DoStatement} */ (visited);
      return f.updateDoStatement(loop, body, loop.expression);
    }
    return (sf) => ts.visitEachChild(sf, visit, ctx);
  };
}

module.exports = { loopChecks, CHECK_NAME };
