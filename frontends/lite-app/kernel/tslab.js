// `require("tslab")` in the browser kernel: tslab's display API (display.html,
// .text, …, and newDisplay() for a display updated in place), sending Jupyter
// display_data / update_display_data messages through the worker.
import { Buffer } from "buffer";

let send = null;

/** Connects displays to the worker's message channel (null: not in a kernel, displays throw "Not ready" like tslab's). */
export function connect(fn) {
  send = fn;
}

function newDisplayId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class DisplayImpl {
  constructor(id) {
    this.id = id;
    this.update = false;
  }
  javascript(s) { this.raw("text/javascript", s); }
  html(s) { this.raw("text/html", s); }
  markdown(s) { this.raw("text/markdown", s); }
  latex(s) { this.raw("text/latex", s); }
  svg(s) { this.raw("image/svg+xml", s); }
  png(b) { this.raw("image/png", b); }
  jpeg(b) { this.raw("image/jpeg", b); }
  gif(b) { this.raw("image/gif", b); }
  pdf(b) { this.raw("application/pdf", b); }
  text(s) { this.raw("text/plain", s); }
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
