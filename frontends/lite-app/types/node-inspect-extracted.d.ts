// Describes node-inspect-extracted 3.3.3 (frontends/lite-app/package.json): Node's util.inspect and
// util.formatWithOptions for the browser; only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
export interface InspectOptions {
  colors?: boolean;
  depth?: number | null;
  [option: string]: unknown;
}
export function inspect(value: unknown, options?: InspectOptions): string;
export function formatWithOptions(options: InspectOptions, ...args: unknown[]): string;
