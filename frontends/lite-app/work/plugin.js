// The student's work in the browser edition: a JupyterLab plugin that
// - asks the browser to keep the site's storage (navigator.storage.persist())
//   and shows the answer;
// - adds "Download all my work" (File menu, command palette, status bar): a
//   zip of every notebook (work/zip.js);
// - shows when the work was last downloaded, and reminds the student when work
//   saved only in the browser is older than a set time (page config
//   courseRemindMinutes, 30 by default; ?COURSE_REMIND_MINUTES=… overrides).
// Its state is also on <body> as data attributes (coursePersist,
// courseLastDownloaded, courseReminder), which the browser tests read.
import { PageConfig } from "@jupyterlab/coreutils";
import { ICommandPalette, Notification } from "@jupyterlab/apputils";
import { IMainMenu } from "@jupyterlab/mainmenu";
import { IStatusBar } from "@jupyterlab/statusbar";
import { Widget } from "@lumino/widgets";
import { zipStore } from "./zip.js";
import { saveBlob } from "./save-blob.js";

const DOWNLOAD_ALL = "course:download-all-work";

/**
 * Every notebook the file browser shows (the student's copies and the site's lessons), path → nbformat JSON.
 * @param {import("@jupyterlab/services").Contents.IManager} contents
 */
async function allNotebooks(contents) {
  /** @type {string[]} */
  const found = [];
  const walk = async (/** @type {string} */ dir) => {
    const listing = await contents.get(dir, { content: true });
    for (const item of listing.content || []) {
      if (item.type === "directory") await walk(item.path);
      else if (item.type === "notebook") found.push(item.path);
    }
  };
  await walk("");
  const out = [];
  for (const p of found.sort()) {
    const model = await contents.get(p, { content: true, type: "notebook", format: "json" });
    out.push({ path: p, notebook: model.content, modified: model.last_modified ? new Date(model.last_modified) : new Date() });
  }
  return out;
}

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
const day = (/** @type {Date} */ d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const clock = (/** @type {Date} */ d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

function remindMinutes() {
  const fromUrl = Number(new URLSearchParams(window.location.search).get("COURSE_REMIND_MINUTES"));
  if (fromUrl > 0) return fromUrl;
  const fromConfig = Number(PageConfig.getOption("courseRemindMinutes"));
  return fromConfig > 0 ? fromConfig : 30;
}

/** @type {import("@jupyterlab/application").JupyterFrontEndPlugin<void>} */
const plugin = {
  id: "nn-training-course:work",
  description: "Keeps the student's work: persistent storage, Download all my work, the last-downloaded note and reminder.",
  autoStart: true,
  optional: [IMainMenu, ICommandPalette, IStatusBar],
  /**
   * @param {import("@jupyterlab/application").JupyterFrontEnd} app
   * @param {import("@jupyterlab/mainmenu").IMainMenu | null} mainMenu
   * @param {import("@jupyterlab/apputils").ICommandPalette | null} palette
   * @param {import("@jupyterlab/statusbar").IStatusBar | null} statusBar
   */
  activate: (app, mainMenu, palette, statusBar) => {
    const storage = PageConfig.getOption("contentsStorageName") || "course";
    const keyDownloaded = `${storage}: last downloaded`;
    const keyUnsaved = `${storage}: in the browser only since`;
    const body = document.body.dataset;
    const remindAfter = remindMinutes() * 60_000;
    let persist = "asking";
    let lastReminder = 0;

    const node = document.createElement("div");
    node.className = "course-work-status";
    node.style.cssText = "padding: 0 8px; cursor: pointer; white-space: nowrap;";
    node.title = "Download all my work (a zip of every notebook)";
    node.onclick = () => void app.commands.execute(DOWNLOAD_ALL);

    const render = () => {
      const last = localStorage.getItem(keyDownloaded);
      const since = Number(localStorage.getItem(keyUnsaved) || 0);
      const due = since > 0 && Date.now() - since >= remindAfter;
      const kept = persist === "granted" ? "kept by the browser" : persist === "asking" ? "in this browser" : "in this browser only (may be cleared)";
      const lastText = last ? `${day(new Date(last))} ${clock(new Date(last))}` : "never";
      node.textContent = `Work: ${kept} · last downloaded: ${lastText}${due ? " · download it now!" : ""}`;
      node.style.color = due ? "var(--jp-warn-color0, #b35900)" : "";
      body.coursePersist = persist;
      body.courseLastDownloaded = last || "";
      body.courseReminder = due ? "due" : "";
      if (due && Date.now() - lastReminder >= remindAfter) {
        lastReminder = Date.now();
        Notification.warning(`Your work since ${clock(new Date(since))} is only in this browser. Download it to keep it safe.`, {
          autoClose: false,
          actions: [{ label: "Download all my work", callback: () => void app.commands.execute(DOWNLOAD_ALL) }],
        });
      }
    };

    app.commands.addCommand(DOWNLOAD_ALL, {
      label: "Download All My Work",
      caption: "A zip of every notebook, to keep on disk, move to another browser or submit",
      execute: async () => {
        const notebooks = await allNotebooks(app.serviceManager.contents);
        const enc = new TextEncoder();
        const zip = zipStore(notebooks.map((n) => ({ name: n.path, data: enc.encode(JSON.stringify(n.notebook, null, 1) + "\n"), date: n.modified })));
        const now = new Date();
        saveBlob(new Blob([zip], { type: "application/zip" }), `nn-course-work-${day(now)}.zip`);
        localStorage.setItem(keyDownloaded, now.toISOString());
        localStorage.removeItem(keyUnsaved);
        render();
        return { files: notebooks.map((n) => n.path) };
      },
    });
    mainMenu?.fileMenu.addGroup([{ command: DOWNLOAD_ALL }], 100);
    palette?.addItem({ command: DOWNLOAD_ALL, category: "Course" });
    statusBar?.registerStatusItem(plugin.id, { item: new Widget({ node }), align: "left", rank: 1000 });

    // Work saved into the browser and not yet downloaded.
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      if (change.type === "save" || change.type === "new" || change.type === "rename" || change.type === "delete") {
        if (!localStorage.getItem(keyUnsaved)) localStorage.setItem(keyUnsaved, String(Date.now()));
        render();
      }
    });
    setInterval(render, Math.min(60_000, Math.max(1000, remindAfter / 4)));

    const ask = navigator.storage && typeof navigator.storage.persist === "function" ? navigator.storage.persist() : Promise.resolve(null);
    void ask.then(
      (granted) => {
        persist = granted === null ? "unsupported" : granted ? "granted" : "not-granted";
        render();
      },
      () => {
        persist = "unsupported";
        render();
      },
    );
    render();
  },
};

export default plugin;
