/**
 * lib/runtime/backend.ts: without tfjs-node (not installed here, which is the
 * situation the fallback exists for) the course runs on wasm and says why;
 * COURSE_TF_BACKEND forces a backend or fails with what to do.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_ENV, initBackend, isSoftwareRenderer, quietCpuFirstUse } from "../../lib/runtime/backend";

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

describe("initBackend", () => {
  after(async () => {
    // Leave the process on the backend the course normally uses here.
    await tf.setBackend("wasm");
    await tf.ready();
  });

  it("this machine has no tfjs-node (the tests below rely on it)", () => {
    assert.equal(tfjsNodeInstalled(), false);
    assert.equal(BACKEND_ENV, "COURSE_TF_BACKEND");
  });

  it("without tfjs-node it falls back to wasm, with a reason that mentions tfjs-node", async () => {
    const choice = await initBackend({ env: {} });
    assert.equal(choice.kind, "wasm");
    assert.equal(choice.tfName, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.match(choice.reason, /tfjs-node is not installed \(optional; `npm install @tensorflow\/tfjs-node` for native speed\)/);
    // And it computes.
    const y = tf.tidy(() => tf.tensor1d([1, 2, 3]).mul(2).arraySync());
    assert.deepEqual(y, [2, 4, 6]);
  });

  it(`${BACKEND_ENV}=cpu forces the cpu backend (case and spaces ignored)`, async () => {
    const choice = await initBackend({ env: { [BACKEND_ENV]: "cpu" } });
    assert.deepEqual(choice, { kind: "cpu", tfName: "cpu", reason: `forced by ${BACKEND_ENV}=cpu` });
    assert.equal(tf.getBackend(), "cpu");
    await initBackend({ env: {} });
    assert.equal(tf.getBackend(), "wasm");
    const again = await initBackend({ env: { [BACKEND_ENV]: " CPU " } });
    assert.equal(again.kind, "cpu");
    assert.equal(tf.getBackend(), "cpu");
  });

  it("the force option wins over the environment and says it was the setup option", async () => {
    const choice = await initBackend({ force: "cpu", env: { [BACKEND_ENV]: "wasm" } });
    assert.equal(choice.kind, "cpu");
    assert.equal(choice.reason, "forced by setup option=cpu");
    assert.equal(tf.getBackend(), "cpu");
  });

  it("reads process.env when no env is given", async () => {
    const saved = process.env[BACKEND_ENV];
    process.env[BACKEND_ENV] = "cpu";
    try {
      await initBackend({ env: { [BACKEND_ENV]: "wasm" } });
      assert.equal(tf.getBackend(), "wasm");
      const choice = await initBackend();
      assert.equal(choice.kind, "cpu");
      assert.equal(tf.getBackend(), "cpu");
    } finally {
      if (saved === undefined) delete process.env[BACKEND_ENV];
      else process.env[BACKEND_ENV] = saved;
    }
  });

  it(`${BACKEND_ENV}=node without tfjs-node throws an Error that says what to do`, async () => {
    await assert.rejects(initBackend({ env: { [BACKEND_ENV]: "node" } }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^The node backend was requested \(COURSE_TF_BACKEND\) but cannot run: tfjs-node is not installed/);
      assert.match(err.message, /`npm install @tensorflow\/tfjs-node`/);
      assert.match(err.message, /Unset COURSE_TF_BACKEND to let the course choose, or install what is missing\.$/);
      return true;
    });
    await assert.rejects(initBackend({ force: "node", env: {} }), /requested \(setup option\) but cannot run/);
  });

  it(`${BACKEND_ENV}=bogus throws, listing the valid names`, async () => {
    await assert.rejects(initBackend({ env: { [BACKEND_ENV]: "bogus" } }), {
      message: `${BACKEND_ENV}="bogus" is not a backend: use node, wasm or cpu (or unset it to choose automatically).`,
    });
    await assert.rejects(initBackend({ env: { [BACKEND_ENV]: "tensorflow" } }), /is not a backend/);
  });

  it("an empty COURSE_TF_BACKEND means automatic choice", async () => {
    const choice = await initBackend({ env: { [BACKEND_ENV]: "  " } });
    assert.equal(choice.kind, "wasm");
  });

  it("quietCpuFirstUse leaves PROD as it was and does nothing on other backends", async () => {
    await initBackend({ env: { [BACKEND_ENV]: "cpu" } });
    const prod = tf.env().getBool("PROD");
    const before = tf.memory().numTensors;
    quietCpuFirstUse();
    assert.equal(tf.env().getBool("PROD"), prod);
    assert.equal(tf.memory().numTensors, before, "its tensor is disposed");
  });
});

describe("isSoftwareRenderer (a browser with WebGL drawn by the CPU uses wasm instead)", () => {
  it("recognises the CPU renderers by the names browsers report", () => {
    const software = [
      "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)",
      "Google SwiftShader",
      "llvmpipe (LLVM 15.0.6, 256 bits)",
      "Mesa softpipe",
      "ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)",
    ];
    const hardware = [
      "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)",
      "ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)",
      "Mesa Intel(R) UHD Graphics 620 (KBL GT2)",
      "AMD Radeon Pro 5500M OpenGL Engine",
      "WebKit WebGL",
    ];
    assert.deepEqual(software.filter((r) => !isSoftwareRenderer(r)), []);
    assert.deepEqual(hardware.filter((r) => isSoftwareRenderer(r)), []);
  });
});
