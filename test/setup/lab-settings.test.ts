/**
 * Saving JupyterLab settings through the course's own JupyterLab server
 * (frontends/jupyterlab-app/course_lab.py), started by `npm start -- --lab` with a
 * scratch settings folder. JupyterLab 4 offers a setting's choices as
 * `oneOf: [{ const: … }]` (Settings → Notebook → Windowing mode); the server must
 * save every choice and still reject a value outside them.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { findJupyter } from "../../setup/jupyter";
import { ensureLabApp } from "../../frontends/jupyterlab-app";
import { startServer, type Server } from "../helpers/browser";
import { OUT } from "../helpers/notebooks";

const PLUGIN = "@jupyterlab/notebook-extension:tracker";
/** Where jupyterlab_server writes the plugin's user settings, under COURSE_LAB_STATE. */
const SETTINGS_FILE = path.join("user-settings", "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings");

interface PluginSettings {
  id: string;
  raw: string;
  settings: Record<string, unknown>;
  schema: { properties: Record<string, { oneOf?: { const: unknown }[] }> };
}

/** One settings API call with token auth; the body parsed when there is one. */
async function settingsApi(server: Server, method: "GET" | "PUT", plugin: string, raw?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.baseUrl}/lab/api/settings/${plugin}`, {
    method,
    headers: { Authorization: `token ${server.token}`, ...(raw === undefined ? {} : { "Content-Type": "application/json" }) },
    // What JupyterLab's front end sends: the settings as raw JSON5 text (comments kept).
    body: raw === undefined ? undefined : JSON.stringify({ raw }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Stops `npm start` (it stops its Jupyter server first) and waits until it has exited. */
async function stopServer(server: Server): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

// Where JupyterLab itself is installed, `npm start -- --lab` serves it, not the course's build.
const jupyter = findJupyter(undefined, "lab");
const skip = jupyter?.app === "course-lab" ? false : `npm start -- --lab serves ${jupyter ? `JupyterLab ${jupyter.version}` : "nothing here"}, not the course's build`;

describe("the course's JupyterLab server: settings API", { skip }, () => {
  let server: Server | undefined;
  let state = "";

  before(async () => {
    // Builds once (npm ci + webpack, about a minute); reused while its stamp is current.
    const built = ensureLabApp(() => undefined);
    assert.ok(built.ok, built.message);
    fs.mkdirSync(OUT, { recursive: true });
    state = fs.mkdtempSync(path.join(OUT, "lab-state-"));
    server = await startServer(["--lab"], { COURSE_LAB_STATE: state });
  }, { timeout: 6 * 60_000 });

  after(async () => {
    if (server) {
      const { baseUrl } = server;
      await stopServer(server);
      const answered = await fetch(`${baseUrl}/api/status`).then(() => true, () => false);
      assert.equal(answered, false, `the server at ${baseUrl} still answers after npm start stopped`);
    }
    if (state) fs.rmSync(state, { recursive: true, force: true });
  });

  it("saves each Windowing mode choice (oneOf of const) and reads it back", async () => {
    const srv = server as Server;
    const got = await settingsApi(srv, "GET", PLUGIN);
    assert.equal(got.status, 200);
    const choices = ((got.body as PluginSettings).schema.properties.windowingMode?.oneOf ?? []).map((c) => c.const);
    assert.ok(choices.includes("none") && choices.length >= 3, `windowingMode offers its choices as oneOf/const: ${JSON.stringify(choices)}`);
    // "none" last: the next tests read it back.
    for (const mode of [...choices.filter((c) => c !== "none"), "none"]) {
      const raw = `{\n  // Settings → Notebook → Windowing mode\n  "windowingMode": ${JSON.stringify(mode)}\n}`;
      const put = await settingsApi(srv, "PUT", PLUGIN, raw);
      assert.ok(put.status === 204 || put.status === 200, `PUT windowingMode ${JSON.stringify(mode)}: HTTP ${put.status} ${JSON.stringify(put.body)}`);
      const back = await settingsApi(srv, "GET", PLUGIN);
      assert.equal(back.status, 200);
      assert.equal((back.body as PluginSettings).settings.windowingMode, mode);
      assert.equal((back.body as PluginSettings).raw, raw, "the raw JSON5 (comment included) is what was saved");
    }
    // Saved in the scratch state folder, not the user's .jupyter/lab.
    assert.match(fs.readFileSync(path.join(state, SETTINGS_FILE), "utf8"), /"windowingMode": "none"/);
  });

  it("still rejects a value outside the choices with 400, keeping the saved one", async () => {
    const srv = server as Server;
    for (const bad of ['"bogus"', "3"]) {
      const put = await settingsApi(srv, "PUT", PLUGIN, `{ "windowingMode": ${bad} }`);
      assert.equal(put.status, 400, `windowingMode ${bad} must be rejected: ${JSON.stringify(put.body)}`);
      assert.match((put.body as { message: string }).message, /Failed validating input/);
    }
    const back = await settingsApi(srv, "GET", PLUGIN);
    assert.equal((back.body as PluginSettings).settings.windowingMode, "none");
  });

  it("lists every plugin's settings, the saved choice included (every schema passes the validator)", async () => {
    const res = await fetch(`${(server as Server).baseUrl}/lab/api/settings`, { headers: { Authorization: `token ${(server as Server).token}` } });
    assert.equal(res.status, 200);
    const list = ((await res.json()) as { settings: PluginSettings[] }).settings;
    assert.ok(list.length > 20, `${list.length} plugins listed`);
    assert.equal(list.find((p) => p.id === PLUGIN)?.settings.windowingMode, "none");
  });
});
