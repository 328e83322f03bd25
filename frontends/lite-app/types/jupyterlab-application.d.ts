// Describes @jupyterlab/application 4.6.4 (frontends/lite-app/package.json): only what the browser edition uses.
// Checked against the package by test/setup/lite-real-types.test.ts.
import type { IPlugin, PluginRegistry } from "@lumino/coreutils";
import type { Widget } from "@lumino/widgets";
import type { Contents } from "@jupyterlab/services";

export interface CommandOptions {
  label?: string;
  caption?: string;
  isEnabled?: (args: any) => boolean;
  execute: (args: any) => unknown;
}
export interface CommandRegistry {
  addCommand(id: string, options: CommandOptions): { dispose(): void };
  execute(id: string, args?: object): Promise<any>;
}
export interface DocumentRegistry {
  addWidgetExtension(widgetName: string, extension: { createNew(widget: any, context: any): { dispose(): void; readonly isDisposed: boolean } | void }): { dispose(): void };
}
export declare class JupyterFrontEnd {
  readonly commands: CommandRegistry;
  readonly serviceManager: { readonly contents: Contents.IManager };
  readonly docRegistry: DocumentRegistry;
  readonly name: string;
  readonly restored: Promise<void>;
  start(options?: { bubblingKeydown?: boolean }): Promise<void>;
}
export type JupyterFrontEndPlugin<T> = IPlugin<JupyterFrontEnd, T>;
export declare class JupyterLab extends JupyterFrontEnd {
  constructor(options: { pluginRegistry: PluginRegistry; serviceManager: unknown; mimeExtensions?: unknown[]; availablePlugins?: unknown[] });
}
export type { Widget };
