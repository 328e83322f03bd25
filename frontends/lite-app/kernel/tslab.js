// `require("tslab")` in the browser kernel: tslab's display API (display.html,
// .text, …, and newDisplay() for a display updated in place), sending Jupyter
// display_data / update_display_data messages through the worker.
import { Buffer } from "buffer";

/** @typedef {(type: string, content: unknown) => void} Send */
/** @type {Send | null} */
let send = null;

/** Connects displays to the worker's message channel (null: not in a kernel, displays throw "Not ready" like tslab's). */
/**
 * @param {Send | null} fn
 */
export function connect(fn) {
  send = fn;
}

function newDisplayId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class DisplayImpl {
  /**
   * @param {string} [id]
   */
  constructor(id) {
    this.id = id;
    this.update = false;
  }
  /** @param {string} s */
  javascript(s) { this.raw("text/javascript", s); }
  /** @param {string} s */
  html(s) { this.raw("text/html", s); }
  /** @param {string} s */
  markdown(s) { this.raw("text/markdown", s); }
  /** @param {string} s */
  latex(s) { this.raw("text/latex", s); }
  /** @param {string} s */
  svg(s) { this.raw("image/svg+xml", s); }
  /** @param {Uint8Array} b */
  png(b) { this.raw("image/png", b); }
  /** @param {Uint8Array} b */
  jpeg(b) { this.raw("image/jpeg", b); }
  /** @param {Uint8Array} b */
  gif(b) { this.raw("image/gif", b); }
  /** @param {Uint8Array} b */
  pdf(b) { this.raw("application/pdf", b); }
  /** @param {string} s */
  text(s) { this.raw("text/plain", s); }
  /**
   * @param {string} contentType
   * @param {string | Uint8Array} b
   */
  raw(contentType, b) {
    if (!send) throw new Error("Not ready");
    if (b instanceof Uint8Array) b = Buffer.from(b).toString("base64");
    const update = this.update;
    if (this.id) this.update = true;
    send(update ? "update_display_data" : "display_data", {
      data: { [contentType]: b },
      metadata: {},
      transient: this.id ? { display_id: this.id } : {},
    });
  }
}

export function newDisplay() {
  return new DisplayImpl(newDisplayId());
}

export const display = new DisplayImpl();

export const versions = { tslab: "browser", typescript: "", node: "" };
