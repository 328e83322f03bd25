// Describes @lumino/coreutils 2.2.3 (as @jupyterlab/application 4.6.4 installs it): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
export declare class Token<T> {
  constructor(name: string, description?: string);
  readonly name: string;
  private _tokenStructure;
}
export interface IPlugin<T, U> {
  id: string;
  description?: string;
  autoStart?: boolean | "defer";
  requires?: Token<any>[];
  optional?: Token<any>[];
  provides?: Token<U> | null;
  activate: (app: T, ...args: any[]) => U | Promise<U>;
}
export declare class PluginRegistry<T = any> {
  constructor(options?: object);
  registerPlugins(plugins: IPlugin<T, any>[]): void;
  resolveRequiredService<U>(token: Token<U>): Promise<U>;
}
