/**
 * HOOK into @jupyterlab/notebook's internals (4.6.x).
 *
 * The two methods it patches (below) are the private methods that
 * NotebookPanel._onKernelChanged calls whenever a kernel starts, to write the
 * kernel's display name into metadata.kernelspec and its kernel_info
 * language_info (with its TypeScript version) into metadata.language_info.
 *
 * Why: the course's notebooks name the kernel `tslab` and carry tslab's
 * metadata ("TypeScript (course: tslab)", TypeScript 5.0.4). This site's kernel
 * registers the same name but says "TypeScript (course: browser)" and runs
 * another TypeScript, so opening a lesson rewrote its metadata: the untouched
 * lesson was marked modified, asked to be saved on close, was autosaved into
 * the browser after about two minutes and from then on counted as the
 * student's own copy, hiding the lesson's next release. When the notebook
 * already names the kernel that starts, its metadata is kept as it is; a
 * notebook that names another kernel (or none) is updated as JupyterLab does.
 *
 * Patches: NotebookPanel.prototype._updateSpec and NotebookPanel.prototype._updateLanguage (@jupyterlab/notebook).
 * Relies on: @jupyterlab/notebook 4.6.x's NotebookPanel._onKernelChanged calling these two private methods when a kernel starts, with the kernel (for _updateSpec) and its language_info (for _updateLanguage).
 * Guarded by: test/browser/lite-work.test.ts "opening a lesson changes nothing: not modified, metadata kept, never saved into the browser, quiet console; the site's next release shows"
 */
import { NotebookPanel } from "@jupyterlab/notebook";

/**
 * The panel as this hook sees it: its private methods (declared private by the package, so not part of
 * NotebookPanel's type) and the mark the hook leaves.
 * @typedef {{ model: { getMetadata(key: string): any } | null, context?: { sessionContext?: { session?: { kernel?: { name: string } | null } | null } }, _updateSpec: (kernel: { name: string }) => Promise<void>, _updateLanguage: (language: unknown) => void, _courseKeepsMetadata?: boolean }} HookedPanel
 */

/**
 * True when the panel's notebook already names the kernel `name`.
 * @param {HookedPanel} panel
 * @param {string} name
 */
function namesKernel(panel, name) {
  const spec = panel.model?.getMetadata("kernelspec");
  return !!spec && spec.name === name;
}

/** Installs the hook (once); returns false when the internals it relies on are gone. */
export function keepNotebookMetadata() {
  const proto = /** @type {HookedPanel} */ (/** @type {unknown} */ (NotebookPanel.prototype));
  if (proto._courseKeepsMetadata) return true;
  const updateSpec = proto._updateSpec;
  const updateLanguage = proto._updateLanguage;
  if (typeof updateSpec !== "function" || typeof updateLanguage !== "function") {
    console.error("keep-notebook-metadata: NotebookPanel._updateSpec/_updateLanguage are gone; opening a notebook will rewrite its metadata.");
    return false;
  }
  /**
   * @this {HookedPanel}
   * @param {{ name: string }} kernel
   */
  proto._updateSpec = function (kernel) {
    if (namesKernel(this, kernel.name)) return Promise.resolve();
    return updateSpec.call(this, kernel);
  };
  /**
   * @this {HookedPanel}
   * @param {unknown} language
   */
  proto._updateLanguage = function (language) {
    const kernel = this.context?.sessionContext?.session?.kernel;
    // Keep the notebook's language_info when it has one and names the kernel that runs.
    if (kernel && namesKernel(this, kernel.name) && this.model?.getMetadata("language_info")) return;
    updateLanguage.call(this, language);
  };
  proto._courseKeepsMetadata = true;
  return true;
}
