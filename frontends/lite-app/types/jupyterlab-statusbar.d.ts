// Describes @jupyterlab/statusbar 4.6.4 (frontends/lite-app/package.json): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";
import type { Widget } from "@lumino/widgets";

export interface IStatusBar {
  registerStatusItem(id: string, statusItem: { item: Widget; align?: "left" | "middle" | "right"; rank?: number }): { dispose(): void };
}
export declare const IStatusBar: Token<IStatusBar>;
