// Describes @jupyterlab/mainmenu 4.6.4 (frontends/lite-app/package.json): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";

export interface IMainMenu {
  readonly fileMenu: { addGroup(items: { command: string }[], rank?: number): { dispose(): void } };
}
export declare const IMainMenu: Token<IMainMenu>;
