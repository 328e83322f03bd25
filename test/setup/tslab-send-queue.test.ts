/**
 * kernel/tslab-send-queue.js: one ZeroMQ send at a time on each of tslab's
 * sockets. The first test drives tslab's own ZmqServer (real zeromq sockets)
 * the way a Run All does, and fails the day a tslab update stops assigning its
 * sockets where the hook expects them; the second pins the queue's contract on
 * a socket that behaves like zeromq's (EBUSY while a send is in progress).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHmac, randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../setup/jupyter";

const TSLAB = path.join(ROOT, "node_modules", "tslab", "dist");
const sendQueue = require(path.join(ROOT, "kernel", "tslab-send-queue.js")) as typeof import("../../kernel/tslab-send-queue");

interface ZmqSocket {
  send(msg: unknown): Promise<void>;
  connect(addr: string): void;
  subscribe(): void;
  receive(): Promise<Buffer[]>;
  close(): void;
}
interface TslabServer {
  init(): Promise<void>;
  iopub: ZmqSocket;
  shell: ZmqSocket;
  control: ZmqSocket;
  handleShellMessage(sock: { send(msg: unknown): Promise<void> }, ...frames: Buffer[]): Promise<void>;
  close(): void;
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The frames of a signed Jupyter request, as tslab's shell socket receives them. */
function request(key: string, msgType: string, msgId: string): Buffer[] {
  const parts = [JSON.stringify({ msg_id: msgId, msg_type: msgType, session: "s", username: "u", version: "5.3", date: "" }), "{}", "{}", "{}"];
  const hmac = createHmac("sha256", key);
  for (const p of parts) hmac.update(p);
  return [Buffer.from("client"), Buffer.from("<IDS|MSG>"), Buffer.from(hmac.digest("hex")), ...parts.map((p) => Buffer.from(p))];
}

describe("tslab send queue", () => {
  it("tslab's publishStatus survives 400 requests arriving in one tick: every status is published, in order", { timeout: 120_000 }, async () => {
    sendQueue.installSendQueue(TSLAB);
    const { ZmqServer } = require(path.join(TSLAB, "jupyter.js")) as { ZmqServer: new (handler: unknown, config: string) => TslabServer };
    const zmq = require(require.resolve("zeromq", { paths: [TSLAB] })) as { Subscriber: new (o?: object) => ZmqSocket };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "send-queue-"));
    const key = randomBytes(8).toString("hex");
    const conn = { transport: "tcp", ip: "127.0.0.1", key, signature_scheme: "hmac-sha256", iopub_port: await freePort(), shell_port: await freePort(), control_port: await freePort(), stdin_port: await freePort(), hb_port: await freePort() };
    fs.writeFileSync(path.join(dir, "connection.json"), JSON.stringify(conn));
    const server = new ZmqServer({ handleKernel: () => ({}), close: () => undefined }, path.join(dir, "connection.json"));
    const sub = new zmq.Subscriber({ receiveHighWaterMark: 0 });
    try {
      await server.init();
      const before = { ...sendQueue.status };
      sub.connect(`tcp://127.0.0.1:${conn.iopub_port}`);
      sub.subscribe();
      // ZeroMQ's "slow joiner": publish a marker until the subscription is in place.
      let joined = false;
      void sub.receive().then(() => (joined = true));
      while (!joined) {
        await server.iopub.send([Buffer.from("marker")]);
        await new Promise((r) => setTimeout(r, 20));
      }
      // 400 requests: 800 statuses, past zeromq's 512 synchronous sends (the 514th threw EBUSY) and below
      // the 1000 messages a publisher holds for a subscriber before it drops some (the option cannot be
      // changed once tslab has bound the socket), so every status must arrive.
      const n = 400;
      const replies: unknown[] = [];
      const shell = { send: async (msg: unknown) => void replies.push(msg) };
      // What tslab's shell loop does with a burst of queued requests: one handleShellMessage each, without waiting.
      const handled = await Promise.allSettled(Array.from({ length: n }, (_, i) => server.handleShellMessage(shell, ...request(key, "kernel_info_request", `m${i}`))));
      assert.deepEqual(handled.filter((h) => h.status === "rejected").map((h) => String((h as PromiseRejectedResult).reason)).slice(0, 3), [], "no request was lost to EBUSY");
      assert.equal(replies.length, n, "every request was answered");
      await new Promise((r) => setImmediate(r));
      assert.equal(sendQueue.status.failedSends, before.failedSends, "no status failed to be sent");
      const statuses: string[] = [];
      while (statuses.length < 2 * n) {
        const frames = await sub.receive();
        if (frames.length === 1) continue; // a late marker
        const header = JSON.parse(frames[3]!.toString()) as { msg_type: string };
        const parent = JSON.parse(frames[4]!.toString()) as { msg_id: string };
        const content = JSON.parse(frames[6]!.toString()) as { execution_state: string };
        statuses.push(`${header.msg_type} ${parent.msg_id} ${content.execution_state}`);
      }
      assert.deepEqual(statuses, Array.from({ length: n }, (_, i) => [`status m${i} busy`, `status m${i} idle`]).flat());
      assert.ok(sendQueue.status.queuedSockets >= 5, "tslab's five sockets are queued");
      for (const name of ["iopub", "shell", "control"] as const) {
        assert.equal((server[name] as unknown as { sendHighWaterMark: number }).sendHighWaterMark, sendQueue.HIGH_WATER_MARK, `${name} keeps a burst for a slow front end instead of dropping it`);
      }
      assert.ok(sendQueue.status.deferredSends > before.deferredSends, "the burst did wait for sends in progress (else this test proves nothing)");
    } finally {
      sub.close();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("queues sends behind the one in progress, keeps their order, and a failed send rejects only its own promise", async () => {
    /** Like a zeromq socket: sealed, one send at a time (EBUSY otherwise), state behind a private field. */
    class FakeSocket {
      #pending = false;
      #closed = false;
      sent: string[] = [];
      constructor() {
        Object.seal(this);
      }
      get closed(): boolean {
        return this.#closed;
      }
      close(): void {
        this.#closed = true;
      }
      send(msg: unknown): Promise<void> {
        if (this.#pending) throw Object.assign(new Error("Socket is busy writing"), { code: "EBUSY" });
        this.#pending = true;
        return new Promise((resolve, reject) =>
          setImmediate(() => {
            this.#pending = false;
            if (this.#closed) reject(Object.assign(new Error("Socket is closed"), { code: "EBADF" }));
            else {
              this.sent.push(String(msg));
              resolve();
            }
          }),
        );
      }
    }
    const raw = new FakeSocket();
    void raw.send("direct");
    assert.throws(() => void raw.send("again"), { code: "EBUSY" }, "the fake refuses a second send, as zeromq does");
    await new Promise((r) => setImmediate(r));

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const before = { ...sendQueue.status };
      const sock = sendQueue.withSendQueue(new FakeSocket());
      const first = ["a", "b", "c"].map((m) => sock.send(m));
      assert.deepEqual(await Promise.allSettled(first).then((r) => r.map((x) => x.status)), ["fulfilled", "fulfilled", "fulfilled"]);
      const target = sock as unknown as FakeSocket;
      assert.deepEqual(target.sent, ["a", "b", "c"], "sent one after the other, in order");
      assert.equal(sendQueue.status.deferredSends - before.deferredSends, 2, "b and c waited");
      assert.equal(target.closed, false, "accessors run on the socket itself");
      // Closed while messages wait (tslab's shutdown): those sends fail, each on its own promise, and nothing is unhandled.
      const last = ["d", "e"].map((m) => sock.send(m));
      target.close();
      assert.deepEqual(await Promise.allSettled(last).then((r) => r.map((x) => x.status)), ["rejected", "rejected"]);
      assert.equal(sendQueue.status.failedSends - before.failedSends, 2);
      assert.deepEqual(target.sent, ["a", "b", "c"]);
      // tslab never awaits its sends: an ignored failure must not become an unhandled rejection.
      const ignored = new FakeSocket();
      ignored.close();
      void sendQueue.withSendQueue(ignored).send("f");
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
