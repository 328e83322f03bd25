/**
 * The notebooks in a real browser, in both front ends: JupyterLab
 * (jupyterlab-ui.ts) and the classic Notebook (classic-ui.ts), each running the
 * two lessons that between them produce every kind of output the course has
 * (jupyterlab-ui.ts says why those are enough). The two suites share
 * nothing but the read-only lessons (separate servers, ports, browsers and
 * settings), so they run side by side: on two cores that saves about half a
 * minute, and the first JupyterLab start (which installs and builds its front
 * end) overlaps the classic run instead of adding to it.
 */
import { describe } from "node:test";
import { classicNotebookSuite } from "./classic-ui";
import { jupyterLabSuite } from "./jupyterlab-ui";

describe("browser front ends", { concurrency: true }, () => {
  classicNotebookSuite();
  jupyterLabSuite();
});
