/**
 * Chooses the TensorFlow.js backend: native `tensorflow` (tfjs-node) when it
 * loads, otherwise `wasm` (ships its .wasm files, works offline, SIMD in Node
 * 20), otherwise the pure-JS `cpu` backend. `COURSE_TF_BACKEND=node|wasm|cpu`
 * forces one. In a browser (the zero-install edition, frontends/lite-app/) the
 * order is `webgl` (the GPU), then `wasm`, then `cpu`; WebGL that the CPU
 * draws (SwiftShader, llvmpipe: no usable GPU) is skipped for wasm, which is
 * several times faster on the CPU, unless forced.
 *
 * tfjs-node is optional: its install script downloads libtensorflow and fails
 * on many machines (offline, Apple silicon, some Windows set-ups), and npm then
 * drops it without failing the install. The course must run either way.
 */
import * as tf from "@tensorflow/tfjs";

/** The names the course uses for the three backends. */
export type BackendKind = "node" | "webgl" | "wasm" | "cpu";

/** What was chosen, and why, for the setup cell to print. */
export interface BackendChoice {
  kind: BackendKind;
  /** The name tfjs registered the backend under (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  reason: string;
}

/** Environment variable that forces a backend. */
export const BACKEND_ENV = "COURSE_TF_BACKEND";

const TF_NAMES: Record<BackendKind, string> = { node: "tensorflow", webgl: "webgl", wasm: "wasm", cpu: "cpu" };

/** True in a browser (or Web Worker), where Node's native backend cannot exist. */
function inBrowser(): boolean {
  return typeof process === "undefined" || !process.versions?.node;
}

/** The backends tried, best first, where this runs. */
function backendOrder(): readonly BackendKind[] {
  return inBrowser() ? ["webgl", "wasm", "cpu"] : ["node", "wasm", "cpu"];
}

/** Loads tfjs-node if it is installed and its native library loads; returns why not otherwise. */
function tryLoadNode(): string | null {
  try {
    // tfjs-node registers the `tensorflow` backend on the shared tfjs engine when required.
    require("@tensorflow/tfjs-node");
    return null;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] ?? "" : String(err);
    return /Cannot find module '@tensorflow\/tfjs-node'/.test(msg)
      ? "tfjs-node is not installed (optional; `npm install @tensorflow/tfjs-node` for native speed)"
      : `tfjs-node is installed but did not load: ${msg}`;
  }
}

/**
 * tfjs's cpu backend prints a "looks like you are running TensorFlow.js in
 * Node.js" banner on stderr at its first tensor write. The setup cell already
 * says which backend runs and why, so that first write happens here, quietly
 * (tfjs's warn() is silent in PROD mode).
 */
export function quietCpuFirstUse(): void {
  if (tf.getBackend() !== "cpu") return;
  const prod = tf.env().getBool("PROD");
  tf.env().set("PROD", true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    tf.env().set("PROD", prod);
  }
}

/**
 * The WebGL version tfjs can use (0: none). Probing first keeps tfjs from
 * printing a failed WebGL initialisation as warnings; the probe itself logs
 * its failures to the console, which is hushed meanwhile: the setup cell says
 * why WebGL is not used.
 */
function webglVersion(): number {
  const saved = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = () => undefined;
  try {
    return tf.env().getNumber("WEBGL_VERSION");
  } catch {
    return 0;
  } finally {
    Object.assign(console, saved);
  }
}

/**
 * Renderer names of WebGL drawn by the CPU: Chromium's SwiftShader (its
 * fallback when the GPU is blocklisted or disabled), Mesa's llvmpipe and
 * softpipe, Windows' Basic Render Driver.
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** True when a WebGL renderer name says the CPU draws (then wasm is faster than webgl). */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer);
}

/**
 * The WebGL renderer's name where this runs (a page or a worker), or null
 * when it cannot be read. Browsers that hide it (privacy settings) give no
 * name, and WebGL is then used as before.
 */
function webglRenderer(): string | null {
  try {
    const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext: (kind: string) => unknown } };
    if (!g.OffscreenCanvas) return null;
    const gl = new g.OffscreenCanvas(1, 1).getContext("webgl2") as { getExtension: (n: string) => unknown; getParameter: (p: number) => unknown; RENDERER: number } | null;
    if (!gl) return null;
    const info = gl.getExtension("WEBGL_debug_renderer_info") as { UNMASKED_RENDERER_WEBGL: number } | null;
    const name = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    (gl.getExtension("WEBGL_lose_context") as { loseContext: () => void } | null)?.loseContext();
    return typeof name === "string" && name ? name : null;
  } catch {
    return null;
  }
}

async function trySet(kind: BackendKind, auto = false): Promise<string | null> {
  try {
    if (kind === "node") {
      const why = tryLoadNode();
      if (why) return why;
    }
    if (kind === "webgl" && !webglVersion()) return "WebGL is not available in this browser";
    if (kind === "webgl" && auto) {
      // Measured on a 2-core machine: lesson 04 ran all in 64 s on SwiftShader's WebGL, 18 s on wasm.
      const renderer = webglRenderer();
      if (renderer && isSoftwareRenderer(renderer)) return `WebGL is drawn by the CPU here (${renderer}), slower than wasm`;
    }
    if (kind === "wasm") require("@tensorflow/tfjs-backend-wasm");
    const ok = await tf.setBackend(TF_NAMES[kind]);
    await tf.ready();
    quietCpuFirstUse();
    return ok ? null : `tf.setBackend("${TF_NAMES[kind]}") failed`;
  } catch (err) {
    return `${kind} backend failed to start: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Selects and initialises the backend. With `force` (or the environment
 * variable) only that backend is tried, and failing to start it is an error
 * that says what to do.
 */
export async function initBackend(options: { force?: BackendKind; env?: NodeJS.ProcessEnv } = {}): Promise<BackendChoice> {
  const env = options.env ?? process.env;
  const order = backendOrder();
  const fromEnv = env[BACKEND_ENV]?.trim().toLowerCase();
  if (fromEnv && !(order as readonly string[]).includes(fromEnv)) {
    throw new Error(`${BACKEND_ENV}="${env[BACKEND_ENV]}" is not a backend${inBrowser() ? " in a browser" : ""}: use ${order.slice(0, -1).join(", ")} or ${order[order.length - 1]} (or unset it to choose automatically).`);
  }
  const forced = options.force ?? (fromEnv as BackendKind | undefined);
  if (forced) {
    const why = await trySet(forced);
    if (why) {
      throw new Error(
        `The ${forced} backend was requested (${options.force ? "setup option" : BACKEND_ENV}) but cannot run: ${why}. ` +
          `Unset ${BACKEND_ENV} to let the course choose, or install what is missing.`,
      );
    }
    return { kind: forced, tfName: tf.getBackend(), reason: `forced by ${options.force ? "setup option" : BACKEND_ENV}=${forced}` };
  }
  const skipped: string[] = [];
  for (const kind of order) {
    const why = await trySet(kind, true);
    if (!why) {
      const reason = kind === "node" ? "native TensorFlow (tfjs-node) loaded" : kind === "webgl" ? "WebGL: the browser's GPU" : skipped.join("; ");
      return { kind, tfName: tf.getBackend(), reason };
    }
    skipped.push(why);
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.join("; ")}.${inBrowser() ? "" : " Run `npm ci` in the course folder."}`);
}
