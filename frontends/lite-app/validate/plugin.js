// "Will the grader agree?" in the browser edition: a JupyterLab plugin with two
// commands, in the command palette, the File menu and each notebook's toolbar:
// - course:validate, "Check My Work as the Grader Will": saves the notebook,
//   then runs the lesson's visible checks on the SAVED file the way
//   `npm run validate` does (validate/driver.js: fresh workers, the grader's
//   own scoring, time limits and judge) and shows per check its status,
//   points and message, and the total;
// - course:submit, "Submit: Download for the Grader": saves the notebook and
//   downloads the saved file as it is, its edition stamp
//   (metadata.course.generatedHash) kept, which is what `npm run grade` reads
//   to tell the release it was made for.
// Both commands return their result (the browser tests call them), and the
// last one is also on <body data-course-validation> as JSON.
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { Dialog, ICommandPalette, showDialog, ToolbarButton } from "@jupyterlab/apputils";
import { IMainMenu } from "@jupyterlab/mainmenu";
import { INotebookTracker } from "@jupyterlab/notebook";
import { Widget } from "@lumino/widgets";
import { validateNotebook } from "./driver.js";
import { compileVerdicts } from "./verdicts.js";
import { saveBlob } from "../work/save-blob.js";

const VALIDATE = "course:validate";
const SUBMIT = "course:submit";

/**
 * The saved file of the notebook at `path` (as stored), or of the current
 * notebook (saved first when it has unsaved changes).
 * @param {import("@jupyterlab/application").JupyterFrontEnd} app
 * @param {import("@jupyterlab/notebook").INotebookTracker} tracker
 * @param {string | undefined} path
 * @returns {Promise<{ path: string, notebook: any }>}
 */
async function savedNotebook(app, tracker, path) {
  if (typeof path === "string" && path) {
    const model = await app.serviceManager.contents.get(path, { content: true, type: "notebook", format: "json" });
    return { path, notebook: model.content };
  }
  const panel = tracker.currentWidget;
  if (!panel) throw new Error("Open a lesson's notebook first.");
  await panel.context.ready;
  if (panel.context.model.dirty) await panel.context.save();
  const model = await app.serviceManager.contents.get(panel.context.path, { content: true, type: "notebook", format: "json" });
  return { path: panel.context.path, notebook: model.content };
}

/**
 * Whether the notebook carries the stamp of this site's edition of its lesson:
 * "current" (the site's lesson has the same stamp), "other-release" (another
 * stamp), "unstamped", or "unknown" (the site's copy could not be read).
 * @param {{ metadata?: { course?: { generatedHash?: unknown } } }} notebook
 * @param {string | null | undefined} lesson
 * @returns {Promise<keyof typeof EDITION_TEXT>}
 */
async function editionOf(notebook, lesson) {
  const stamp = notebook.metadata && notebook.metadata.course && notebook.metadata.course.generatedHash;
  if (typeof stamp !== "string") return "unstamped";
  if (!lesson) return "unknown";
  try {
    const res = await fetch(URLExt.join(PageConfig.getBaseUrl(), "files", `${lesson}.ipynb`), { cache: "no-cache" });
    const site = await res.json();
    const current = site.metadata && site.metadata.course && site.metadata.course.generatedHash;
    return current === stamp ? "current" : "other-release";
  } catch {
    return "unknown";
  }
}

const EDITION_TEXT = {
  current: "made from this release of the lesson",
  "other-release": "made from another release of the lesson: the grader grades it with the current checks",
  unstamped: "no student-edition stamp: the grader grades it by its lesson name and functions",
  unknown: "",
};

/**
 * @param {HTMLTableRowElement} tr
 * @param {string} text
 * @param {string} [style]
 */
function cell(tr, text, style = "") {
  const td = document.createElement("td");
  td.textContent = text;
  td.style.cssText = `padding: 2px 8px; vertical-align: top; ${style}`;
  tr.appendChild(td);
}

/**
 * The result as a table: check, status, points, message; then the total.
 * @param {{ path: string, lesson?: string, edition: keyof typeof EDITION_TEXT, problems: string[], checks: import("../../../build/grading/types.js").CheckGrade[], score?: number, maxScore?: number, recordedPoints?: number, seconds?: number }} result
 */
function resultNode(result) {
  const node = document.createElement("div");
  node.className = "course-validation";
  node.style.cssText = "max-width: 60em; max-height: 60vh; overflow: auto;";
  const say = (/** @type {string} */ text) => {
    const p = document.createElement("p");
    p.textContent = text;
    node.appendChild(p);
    return p;
  };
  say(`${result.path} (lesson ${result.lesson || "?"}), the saved file: unsaved changes would not be included, so it was saved first.`);
  if (EDITION_TEXT[result.edition]) say(`Edition: ${EDITION_TEXT[result.edition]}.`);
  for (const p of result.problems) say(`! ${p}`);
  if (result.checks.length) {
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const h of ["check", "status", "points", "message"]) cell(head, h, "font-weight: bold;");
    table.appendChild(head);
    for (const c of result.checks) {
      const tr = document.createElement("tr");
      tr.dataset.check = c.id;
      tr.dataset.status = c.status;
      cell(tr, c.id, "font-family: var(--jp-code-font-family);");
      cell(tr, c.status, c.passed ? "color: var(--jp-success-color1, green);" : "");
      // A recorded quiz answer has no verdict here (the key is the grader's): its points are pending.
      cell(tr, `${c.status === "recorded" ? "?" : c.points}/${c.maxPoints}`);
      cell(tr, c.message);
      table.appendChild(tr);
    }
    node.appendChild(table);
  }
  const pending = result.recordedPoints ? ` (${result.recordedPoints} of them for quiz answers, graded when you hand the notebook in)` : "";
  say(`Total ${result.score}/${result.maxScore}${pending}. Checked in ${result.seconds ? result.seconds.toFixed(1) : "?"} s.`).style.fontWeight = "bold";
  return node;
}

/** @type {import("@jupyterlab/application").JupyterFrontEndPlugin<void>} */
const plugin = {
  id: "nn-training-course:validate",
  description: "Check my work as the grader will (the grader's visible checks, in fresh workers) and Submit (download the saved notebook).",
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IMainMenu, ICommandPalette],
  /**
   * @param {import("@jupyterlab/application").JupyterFrontEnd} app
   * @param {import("@jupyterlab/notebook").INotebookTracker} tracker
   * @param {import("@jupyterlab/mainmenu").IMainMenu | null} mainMenu
   * @param {import("@jupyterlab/apputils").ICommandPalette | null} palette
   */
  activate: (app, tracker, mainMenu, palette) => {
    const workerUrl = URLExt.join(PageConfig.getBaseUrl(), "build", "validate-worker.js") + `?v=${PageConfig.getOption("courseBuild")}`;
    const baseUrl = new URL(PageConfig.getBaseUrl(), window.location.href).href;
    const body = document.body.dataset;
    let running = false;

    app.commands.addCommand(VALIDATE, {
      label: "Check My Work as the Grader Will",
      caption: "Saves the notebook and runs the lesson's checks on the saved file, as npm run validate does",
      isEnabled: (/** @type {{ path?: string, quiet?: boolean }} */ args = {}) => (!!tracker.currentWidget || !!args.path) && !running,
      // args: { path } a stored notebook instead of the current one; { quiet } no dialog (the tests).
      execute: async (/** @type {{ path?: string, quiet?: boolean }} */ args = {}) => {
        running = true;
        body.courseValidation = "running";
        try {
          const saved = await savedNotebook(app, tracker, args.path);
          const progress = (/** @type {string} */ text) => (body.courseValidationStep = text);
          progress("type-checking the cells as the course kernel does");
          const location = saved.path.includes("/") ? saved.path.slice(0, saved.path.lastIndexOf("/")) : "";
          // (Not awaited here: the plan's worker loads while the cells are type-checked.)
          const verdicts = compileVerdicts(saved.notebook, { baseUrl: PageConfig.getBaseUrl(), build: PageConfig.getOption("courseBuild"), location });
          const grade = await validateNotebook(saved.notebook, saved.path, { workerUrl, baseUrl, verdicts, onProgress: progress });
          const result = { path: saved.path, edition: await editionOf(saved.notebook, grade.lesson), ...grade };
          body.courseValidation = JSON.stringify(result);
          if (!args.quiet) void showDialog({ title: "What the grader will see", body: new Widget({ node: resultNode(result) }), buttons: [Dialog.okButton()] });
          return result;
        } catch (err) {
          body.courseValidation = JSON.stringify({ problem: String(err && /** @type {{ message?: unknown }} */ (err).message ? /** @type {{ message?: unknown }} */ (err).message : err) });
          throw err;
        } finally {
          running = false;
        }
      },
    });

    app.commands.addCommand(SUBMIT, {
      label: "Submit: Download for the Grader",
      caption: "Saves the notebook and downloads the saved file, its edition stamp kept, to hand in",
      isEnabled: (/** @type {{ path?: string, quiet?: boolean }} */ args = {}) => !!tracker.currentWidget || !!args.path,
      execute: async (/** @type {{ path?: string, quiet?: boolean }} */ args = {}) => {
        const saved = await savedNotebook(app, tracker, args.path);
        const name = /** @type {string} */ (saved.path.split("/").pop()); // (split gives one part at least)
        const text = JSON.stringify(saved.notebook, null, 1) + "\n";
        saveBlob(new Blob([text], { type: "application/x-ipynb+json" }), name);
        const source = saved.notebook.metadata && saved.notebook.metadata.course && saved.notebook.metadata.course.source;
        const lesson = typeof source === "string" ? (/(\d\d-[a-z0-9-]+)\.ipynb$/.exec(source) || [])[1] : undefined;
        return { path: saved.path, name, edition: await editionOf(saved.notebook, lesson || (/\d\d-[a-z0-9-]+/.exec(name) || [])[0]) };
      },
    });

    for (const command of [VALIDATE, SUBMIT]) {
      palette?.addItem({ command, category: "Course" });
    }
    mainMenu?.fileMenu.addGroup([{ command: VALIDATE }, { command: SUBMIT }], 101);
    // A button for each in every notebook's toolbar.
    app.docRegistry.addWidgetExtension("Notebook", {
      createNew: (/** @type {import("@jupyterlab/notebook").NotebookPanel} */ panel) => {
        const check = new ToolbarButton({ label: "Check as the grader", tooltip: "Check my work as the grader will", onClick: () => void app.commands.execute(VALIDATE) });
        const submit = new ToolbarButton({ label: "Submit", tooltip: "Download this notebook, saved, for the grader", onClick: () => void app.commands.execute(SUBMIT) });
        panel.toolbar.insertItem(10, "course-validate", check);
        panel.toolbar.insertItem(11, "course-submit", submit);
        return { dispose: () => [check, submit].forEach((b) => b.dispose()), get isDisposed() { return check.isDisposed; } };
      },
    });
  },
};

export default plugin;
