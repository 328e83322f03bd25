// Describes @jupyterlite/services 0.8.4 (frontends/lite-app/package.json): only what the browser edition uses
// (the kernel base class kernel/plugin.js extends, the kernel spec registry, the client hooks/kernel-interrupt.js
// patches). Jupyter message contents are reduced to the fields the course's kernel reads or writes.
// Checked against the package by test/setup/lite-real-types.test.ts.
import type { Token } from "@lumino/coreutils";

/** A Jupyter message header, as the kernel passes it back on its output (never read). */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
}
export interface StreamContent {
  name: "stdout" | "stderr";
  text: string;
}
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}
export interface ExecuteRequestContent {
  code: string;
}
export interface CodeRequestContent {
  code: string;
  cursor_pos: number;
}

export declare namespace IKernel {
  interface IOptions {
    id: string;
    name: string;
    location: string;
  }
}

export declare abstract class BaseKernel {
  constructor(options: IKernel.IOptions);
  get ready(): Promise<void>;
  get isDisposed(): boolean;
  get location(): string;
  get executionCount(): number;
  get parentHeader(): MessageHeader | undefined;
  dispose(): void;
  abstract kernelInfoRequest(): Promise<unknown>;
  abstract executeRequest(content: ExecuteRequestContent): Promise<unknown>;
  abstract completeRequest(content: CodeRequestContent): Promise<unknown>;
  abstract inspectRequest(content: CodeRequestContent): Promise<unknown>;
  abstract isCompleteRequest(content: { code: string }): Promise<unknown>;
  abstract commInfoRequest(content: { target_name?: string }): Promise<unknown>;
  abstract inputReply(content: unknown): void;
  abstract commOpen(msg: unknown): Promise<void>;
  abstract commMsg(msg: unknown): Promise<void>;
  abstract commClose(msg: unknown): Promise<void>;
  protected stream(content: StreamContent, parentHeader?: MessageHeader): void;
  protected displayData(content: DisplayContent, parentHeader?: MessageHeader): void;
  protected publishExecuteError(content: ErrorContent, parentHeader?: MessageHeader): void;
  protected updateDisplayData(content: DisplayContent, parentHeader?: MessageHeader): void;
  protected clearOutput(content: { wait: boolean }, parentHeader?: MessageHeader): void;
}

export interface IKernelSpecs {
  register(options: {
    spec: { name: string; display_name: string; language: string; argv: string[]; resources: Record<string, string> };
    create: (options: IKernel.IOptions) => Promise<BaseKernel>;
  }): void;
}
export declare const IKernelSpecs: Token<IKernelSpecs>;

export declare class LiteKernelClient {
  interrupt(kernelId: string): Promise<void>;
}
