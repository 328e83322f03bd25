/** lib/course/loss-per-epoch: epochs numbered from 1, the loss copied, the y axis named after the loss. */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { lossPerEpochFigure } from "../../lib/course/loss-per-epoch";

describe("lossPerEpochFigure", () => {
  it("plots loss i at epoch i + 1, with the loss's name on the y axis", () => {
    const loss = [0.69, 0.4, 0.25];
    const fig = lossPerEpochFigure(loss, "Digit network", "loss J (binary cross-entropy)");
    assert.equal(fig.data.length, 1);
    const trace = fig.data[0] as { x: number[]; y: number[]; mode: string };
    assert.deepEqual(trace.x, [1, 2, 3]);
    assert.deepEqual(trace.y, loss);
    assert.notEqual(trace.y, loss, "a copy: later changes to the history do not move the drawn curve");
    assert.equal(trace.mode, "lines+markers");
    assert.deepEqual(fig.layout.title, { text: "Digit network" });
    assert.deepEqual(fig.layout.yaxis, { title: { text: "loss J (binary cross-entropy)" } });
    assert.deepEqual(fig.layout.xaxis, { title: { text: "epoch" } });
  });

  it("an empty history is an empty curve", () => {
    const trace = lossPerEpochFigure([], "t", "loss").data[0] as { x: number[]; y: number[] };
    assert.deepEqual([trace.x, trace.y], [[], []]);
  });
});
