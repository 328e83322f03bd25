// @ts-check
/**
 * One send at a time on each of tslab's ZeroMQ sockets (issue 26: a notebook
 * of many small cells lost requests or killed the kernel).
 *
 * What goes wrong without it. tslab (1.0.22, dist/jupyter.js) calls
 * `socket.send(…)` on its sockets (iopub, shell, control, stdin, hb) and never
 * waits for the promise. zeromq 6 allows one send in progress per socket: it
 * completes up to 512 operations on a socket synchronously, then defers the
 * next one to the event loop (so as not to starve it), and until that deferred
 * send is done every other `send` throws EBUSY ("Socket is busy writing")
 * synchronously. When Jupyter queues many cells at once (Run All), tslab
 * receives them in one burst and publishes a "busy" status for each in the same
 * tick: after ~170 cells the 513th iopub send is deferred and the next
 * publishStatus throws. The request it belonged to is dropped (never run, never
 * answered: the front end waits forever) and the throw becomes an unhandled
 * rejection, which, once the wasm backend is loaded, kills the kernel
 * (tfjs-backend-wasm's emscripten glue installs process handlers that rethrow
 * whatever they get; exit code 7).
 *
 * What it patches. tslab's `ZmqServer` creates its sockets in `init()` by
 * assigning `this.iopub`, `this.shell`, `this.control`, `this.stdin`, `this.hb`.
 * This module defines those five names as accessors on
 * `ZmqServer.prototype`: a socket assigned there is kept behind a proxy whose
 * `send` queues messages and starts each one only when the previous send on the
 * same socket has settled (zeromq seals its sockets, so `send` cannot be
 * replaced on the socket itself). Messages keep their order (Jupyter front
 * ends need "busy", outputs, "idle" in that order). A send that fails rejects
 * the promise it returns, as zeromq's does, and is written to the kernel's own
 * stderr (file descriptor 2, which Jupyter logs) instead of becoming an
 * unhandled rejection; sends still queued when tslab closes its sockets at
 * shutdown fail quietly. The iopub, shell and control sockets also get a higher
 * high-water mark (HIGH_WATER_MARK), set before tslab binds them.
 *
 * Internals relied on: tslab's `ZmqServer` is exported by dist/jupyter.js and
 * assigns its sockets to those five properties (plain assignments, no class
 * fields), and sends only through `socket.send`. test/setup/tslab-send-queue.test.ts
 * ("tslab's publishStatus survives 400 requests arriving in one tick") fails
 * the day a tslab update changes either, and test/setup/many-cells.test.ts
 * fails if a notebook of 2,000 cells sent at once loses a request, an output or
 * the kernel.
 *
 * Patches: tslab 1.0.22 dist/jupyter.js `ZmqServer.prototype`: accessors for iopub, shell, control, stdin and hb.
 * Relies on: `ZmqServer` exported by dist/jupyter.js, assigning its five sockets in `init()` by plain assignment, and sending only through `socket.send` (zeromq 6).
 * Guarded by: test/setup/tslab-send-queue.test.ts "tslab's publishStatus survives 400 requests arriving in one tick: every status is published, in order"
 */
"use strict";
const fs = require("fs");
const path = require("path");

/** The socket properties of tslab's ZmqServer. */
const SOCKETS = ["iopub", "shell", "control", "stdin", "hb"];

/**
 * Messages a socket of tslab's holds for a peer that has not taken them yet.
 * zeromq's default, 1000, made the sockets *drop* the rest: a Run All of 2,000
 * cells publishes a "busy" status for each at once on iopub, and the outputs
 * and "idle" statuses of ~150 cells never reached the front end; shell (a
 * ROUTER, which drops silently at its mark) lost 40 of 2,000 execute replies
 * when the front end read them slowly on a loaded machine. ~100,000 small
 * messages are some tens of MB at most, and only while a front end lags.
 */
const HIGH_WATER_MARK = 100_000;
/** The sockets that can carry a burst: iopub (outputs, statuses), shell and control (replies). */
const BURST_SOCKETS = new Set(["iopub", "shell", "control"]);

/** What the queues did in this process (tests read it; nothing parses messages). */
const status = { queuedSockets: 0, sends: 0, deferredSends: 0, failedSends: 0 };

/**
 * The socket with a serial `send`: a send starts only once the previous one on
 * this socket has settled.
 * @template {{ send: (msg: any) => Promise<void> }} S
 * @param {S} sock
 * @returns {S}
 */
function withSendQueue(sock) {
  const send = sock.send;
  /** Messages waiting for the send in progress, oldest first. */
  /** @type {{ msg: unknown, resolve: () => void, reject: (err: unknown) => void }[]} */
  const waiting = [];
  let busy = false;

  /** Starts one message's send; its settlement starts the next waiting one. */
  /** @param {unknown} msg @param {() => void} resolve @param {(err: unknown) => void} reject */
  function start(msg, resolve, reject) {
    busy = true;
    status.sends += 1;
    /** @type {Promise<void>} */
    let sent;
    try {
      sent = Promise.resolve(send.call(sock, msg));
    } catch (err) {
      // zeromq throws synchronously for a closed socket (and for EBUSY, which the queue prevents).
      sent = Promise.reject(err);
    }
    sent.then(
      () => {
        resolve();
        next();
      },
      (err) => {
        status.failedSends += 1;
        // At shutdown tslab closes its sockets with messages still queued (its last "idle"): expected, not reported.
        if (!isClosed(sock)) report(err);
        reject(err);
        next();
      },
    );
  }

  function next() {
    busy = false;
    const item = waiting.shift();
    if (item) start(item.msg, item.resolve, item.reject);
  }

  /** @param {unknown} msg */
  function queuedSend(msg) {
    const done = new Promise((resolve, reject) => {
      if (busy) {
        status.deferredSends += 1;
        waiting.push({ msg, resolve: () => resolve(undefined), reject });
      } else {
        start(msg, () => resolve(undefined), reject);
      }
    });
    // tslab never awaits a send: a failure is reported above, not left to kill the process.
    done.catch(() => undefined);
    return done;
  }
  status.queuedSockets += 1;
  // zeromq seals its sockets, so the queued send is put in front of the socket by a proxy. Everything
  // else reaches the socket itself: native methods and accessors must run on it, not on the proxy.
  return new Proxy(sock, {
    get(target, prop) {
      if (prop === "send") return queuedSend;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value, target);
    },
  });
}

/**
 * True when zeromq says the socket is closed (its `closed` property).
 * @param {unknown} sock
 */
function isClosed(sock) {
  try {
    return Boolean(sock && typeof sock === "object" && /** @type {{ closed?: unknown }} */ (sock).closed);
  } catch {
    return false;
  }
}

/**
 * A failed send, on the kernel's own stderr: tslab points process.stderr at
 * the notebook's iopub socket while a cell runs, which may be the socket that failed.
 * @param {unknown} err
 */
function report(err) {
  const code = err && typeof err === "object" && "code" in err ? ` (${String(err.code)})` : "";
  try {
    fs.writeSync(2, `course kernel: a ZeroMQ send failed${code}: ${err instanceof Error ? err.message : String(err)}\n`);
  } catch {
    // no stderr to write to
  }
}

let installed = false;

/**
 * Installs the queue on tslab's ZmqServer (once; later calls do nothing).
 * @param {string} tslabDist tslab's dist/ folder
 */
function installSendQueue(tslabDist) {
  if (installed) return;
  const { ZmqServer } = require(path.join(tslabDist, "jupyter.js"));
  for (const name of SOCKETS) {
    const slot = Symbol(name);
    Object.defineProperty(ZmqServer.prototype, name, {
      configurable: true,
      get() {
        return this[slot];
      },
      set(sock) {
        // init() assigns each socket before binding it, so the option applies to every subscriber.
        if (BURST_SOCKETS.has(name) && sock && "sendHighWaterMark" in sock) sock.sendHighWaterMark = HIGH_WATER_MARK;
        this[slot] = sock && typeof sock.send === "function" ? withSendQueue(sock) : sock;
      },
    });
  }
  installed = true;
}

module.exports = { installSendQueue, withSendQueue, status, HIGH_WATER_MARK };
