// Describes @jupyterlab/notebook 4.6.4 (frontends/lite-app/package.json): only what the browser edition uses
// (the private methods hooks/keep-notebook-metadata.js patches are typed in that file, not here: the package
// declares them private). Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";
import type { Widget } from "@lumino/widgets";

export declare class NotebookPanel extends Widget {
  readonly model: { getMetadata(key: string): any; readonly dirty: boolean } | null;
  readonly context: {
    readonly ready: Promise<void>;
    readonly path: string;
    readonly model: { readonly dirty: boolean };
    save(): Promise<void>;
    readonly sessionContext: { readonly session: { readonly kernel: { readonly name: string } | null } | null };
  };
  readonly toolbar: { insertItem(index: number, name: string, widget: Widget): boolean };
}
export interface INotebookTracker {
  readonly currentWidget: NotebookPanel | null;
}
export declare const INotebookTracker: Token<INotebookTracker>;
