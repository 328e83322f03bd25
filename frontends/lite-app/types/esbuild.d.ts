// Describes esbuild 0.28.2 (frontends/lite-app/package.json): only what build.js and validate/bundle.js use.
// Checked against the package by test/setup/lite-real-types.test.ts.
export type Loader = "js" | "jsx" | "ts" | "tsx" | "css" | "json" | "text" | "base64" | "file" | "dataurl" | "binary" | "copy" | "default" | "empty";
export type ImportKind = "entry-point" | "import-statement" | "require-call" | "dynamic-import" | "require-resolve" | "import-rule" | "composes-from" | "url-token";

export interface Message {
  text: string;
}
export interface OnResolveArgs {
  path: string;
  importer: string;
  namespace: string;
  resolveDir: string;
  kind: ImportKind;
  pluginData: any;
}
export interface OnResolveResult {
  path?: string;
  namespace?: string;
  external?: boolean;
  sideEffects?: boolean;
  errors?: Message[];
}
export interface OnLoadArgs {
  path: string;
  namespace: string;
}
export interface OnLoadResult {
  contents?: string | Uint8Array;
  loader?: Loader;
  resolveDir?: string;
}
export interface ResolveResult {
  errors: Message[];
  path: string;
  namespace: string;
  sideEffects: boolean;
}
type Maybe<T> = T | null | undefined | void;
export interface PluginBuild {
  onResolve(options: { filter: RegExp; namespace?: string }, callback: (args: OnResolveArgs) => Maybe<OnResolveResult> | Promise<Maybe<OnResolveResult>>): void;
  onLoad(options: { filter: RegExp; namespace?: string }, callback: (args: OnLoadArgs) => Maybe<OnLoadResult> | Promise<Maybe<OnLoadResult>>): void;
  resolve(path: string, options?: { kind?: ImportKind; resolveDir?: string; importer?: string; pluginData?: any }): Promise<ResolveResult>;
}
export interface Plugin {
  name: string;
  setup: (build: PluginBuild) => void | Promise<void>;
}
export type LogLevel = "verbose" | "debug" | "info" | "warning" | "error" | "silent";
export interface BuildOptions {
  absWorkingDir?: string;
  entryPoints?: string[] | Record<string, string>;
  outdir?: string;
  outfile?: string;
  bundle?: boolean;
  format?: "iife" | "cjs" | "esm";
  splitting?: boolean;
  platform?: "browser" | "node" | "neutral";
  target?: string | string[];
  minify?: boolean;
  legalComments?: "none" | "inline" | "eof" | "linked" | "external";
  chunkNames?: string;
  assetNames?: string;
  loader?: { [ext: string]: Loader };
  plugins?: Plugin[];
  define?: { [key: string]: string };
  alias?: Record<string, string>;
  inject?: string[];
  nodePaths?: string[];
  logLevel?: LogLevel;
  logOverride?: Record<string, LogLevel>;
}
export interface BuildResult {
  errors: Message[];
  warnings: Message[];
}
export declare function build(options: BuildOptions): Promise<BuildResult>;
