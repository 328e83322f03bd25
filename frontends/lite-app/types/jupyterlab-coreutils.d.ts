// Describes @jupyterlab/coreutils 6.6.4 (frontends/lite-app/package.json): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
export namespace PageConfig {
  function getBaseUrl(): string;
  function getOption(name: string): string;
  namespace Extension {
    function isDisabled(id: string): boolean;
  }
}
export namespace URLExt {
  function join(...parts: string[]): string;
}
