/**
 * The training-loss curve of a fit: one point per epoch, from
 * `lab.progress()`'s history or the history `fit` returns.
 *
 * Taught in lesson 02 (notebooks/02-dense-networks.ipynb, binary
 * cross-entropy); reused by 05 (sparse categorical cross-entropy).
 */
import { plot, type Layout, type Trace } from "../runtime";

/** The plotly data and layout of a loss curve; `lossName` labels the y axis with the loss that was minimised. */
export function lossPerEpochFigure(loss: readonly number[], title: string, lossName: string): { data: Trace[]; layout: Layout } {
  return {
    data: [{ type: "scatter", mode: "lines+markers", name: "loss", x: loss.map((_, i) => i + 1), y: [...loss], marker: { size: 5 } }],
    layout: { title: { text: title }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: lossName } } },
  };
}

/** Draws the loss after every epoch (epochs numbered from 1). */
export function plotLossPerEpoch(loss: readonly number[], title: string, lossName: string): void {
  const fig = lossPerEpochFigure(loss, title, lossName);
  plot(fig.data, fig.layout);
}
