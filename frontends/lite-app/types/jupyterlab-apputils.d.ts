// Describes @jupyterlab/apputils 4.7.4 (frontends/lite-app/package.json's override): only what the browser
// edition uses. Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";
import type { Widget } from "@lumino/widgets";

export interface ICommandPalette {
  addItem(options: { command: string; category: string }): { dispose(): void };
}
export declare const ICommandPalette: Token<ICommandPalette>;

export declare namespace Notification {
  interface IAction {
    label: string;
    callback: (event: MouseEvent) => void;
  }
  interface IOptions {
    autoClose?: number | false;
    actions?: IAction[];
  }
  function info(message: string, options?: IOptions): string;
  function warning(message: string, options?: IOptions): string;
}

export declare namespace Dialog {
  interface IButton {
    label: string;
  }
  function okButton(options?: object): Readonly<IButton>;
}
export declare function showDialog(options: { title: string; body: Widget; buttons: ReadonlyArray<Dialog.IButton> }): Promise<unknown>;

export declare class ToolbarButton extends Widget {
  constructor(props: { label?: string; tooltip?: string; onClick?: () => void });
  readonly isDisposed: boolean;
}
