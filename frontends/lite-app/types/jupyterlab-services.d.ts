// Describes @jupyterlab/services 7.6.4 (frontends/lite-app/package.json's override): only what the browser
// edition uses. Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";

export declare namespace Contents {
  interface IModel {
    readonly name: string;
    readonly path: string;
    readonly type: string;
    readonly last_modified: string;
    readonly content: any;
  }
  interface IChangedArgs {
    type: "new" | "delete" | "rename" | "save";
  }
  interface IManager {
    get(path: string, options?: { content?: boolean; type?: string; format?: string }): Promise<IModel>;
    readonly fileChanged: { connect(fn: (sender: IManager, change: IChangedArgs) => void): boolean };
  }
}
export interface IServiceManagerLike {
  readonly contents: Contents.IManager;
}
export declare const IServiceManager: Token<IServiceManagerLike>;
