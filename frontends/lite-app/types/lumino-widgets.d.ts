// Describes @lumino/widgets 2.11.0 (as @jupyterlab/application 4.6.4 installs it): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
export declare class Widget {
  constructor(options?: { node?: HTMLElement; tag?: keyof HTMLElementTagNameMap });
  readonly node: HTMLElement;
  addClass(name: string): void;
  dispose(): void;
}
