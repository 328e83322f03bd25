/**
 * plotly.js figures that render offline in JupyterLab, classic Notebook and
 * nbconvert's HTML export.
 *
 * No front end here has a renderer for plotly's own MIME type, so a figure is
 * `text/html`: a <div> plus a script that calls `Plotly.newPlot`. The plotly
 * bundle itself (plotly.js-dist-min, ~4.8 MB, no AMD header so require.js in
 * classic Notebook leaves it alone) is sent once per kernel session by
 * `setup()`. Each figure's script waits for `window.Plotly`; if the bundle's
 * output is gone (cleared, or untrusted after reopening) it loads the same file
 * from the Jupyter server's /files/ route, and if that fails too it says so.
 */
import * as fs from "fs";
import * as path from "path";
import { courseRoot } from "./paths";
import { escapeHtml, showHtml } from "./display";

/** One plotly trace; see https://plotly.com/javascript/reference/. */
export type Trace = Record<string, unknown>;
/** A plotly layout object. */
export type Layout = Record<string, unknown>;

/** A figure: what was drawn and the HTML that draws it. */
interface Figure {
  data: Trace[];
  layout: Layout;
  html: string;
  /** The figure's text alternative (its aria-label): title, axes and each trace's values in words. */
  description: string;
}

const BUNDLE = ["node_modules", "plotly.js-dist-min", "plotly.min.js"];
let figureCounter = 0;

/**
 * Where the browser edition (frontends/lite-app/) serves the bundle: there the
 * setup cell's output loads it by URL instead of carrying 4.8 MB in the
 * notebook, which the browser saves on every change.
 */
const PLOTLY_SRC_ENV = "COURSE_PLOTLY_SRC";

/** The line under the bundle in a notebook (its setup cell's output would otherwise look empty). */
const BUNDLE_NOTE = `<div class="course-plotly-note" style="font-size:smaller;color:#888">plotly.js loaded for this session's figures</div>`;

/**
 * The bundle as an HTML <script>, to be displayed once per kernel session. `note: false` leaves out the line
 * that says so (a page that is not a notebook, such as the grader's class summary, has no session to speak of).
 */
export function plotlyBundleHtml(opts: { note?: boolean } = {}): string {
  const note = opts.note === false ? "" : BUNDLE_NOTE;
  const src = process.env[PLOTLY_SRC_ENV];
  if (src) return `<script type="text/javascript" src="${escapeHtml(src)}"></script>${note}`;
  const file = path.join(courseRoot(), ...BUNDLE);
  let js: string;
  try {
    js = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`plotly.js is missing (${BUNDLE.join("/")}): run \`npm ci\` in the course folder.`);
  }
  // "</script" inside the bundle would end the tag early.
  return `<script type="text/javascript">${js.replace(/<\/script/gi, "<\\/script")}</script>${note}`;
}

/** Default look shared by every course figure. */
const BASE_LAYOUT: Layout = {
  template: { layout: { font: { family: "sans-serif" } } },
  margin: { l: 60, r: 20, t: 50, b: 50 },
  height: 400,
};

/** A number for a text alternative: short, without float noise. */
function short(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString();
}

/** The numbers of one trace's coordinate, if it has any (heat maps' z is a grid: flattened). */
function numbersOf(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return (v as unknown[]).flat(2).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
}

/** An axis' title text, from either plotly form ({ title: "x" } or { title: { text: "x" } }). */
function axisTitle(layout: Layout, axis: "xaxis" | "yaxis"): string {
  const t = (layout[axis] as { title?: unknown } | undefined)?.title;
  return typeof t === "string" ? t : typeof (t as { text?: unknown } | undefined)?.text === "string" ? String((t as { text: string }).text) : axis[0] as string;
}

/**
 * A short text alternative for a figure, for screen readers and for a student
 * without the picture: the title, the axes, and per trace its name, its
 * number of points and the range of its values (every value when there are
 * at most 12). A figure helper can pass its own with `layout.description`.
 */
export function describeFigure(data: readonly Trace[], layout: Layout = {}): string {
  const title = typeof layout.title === "string" ? layout.title : typeof (layout.title as { text?: unknown } | undefined)?.text === "string" ? String((layout.title as { text: string }).text) : "Figure";
  if (typeof layout.description === "string") return `${title}. ${layout.description}`;
  const [xName, yName] = [axisTitle(layout, "xaxis"), axisTitle(layout, "yaxis")];
  const parts = data.map((t, i) => {
    const name = typeof t.name === "string" ? t.name : `trace ${i + 1}`;
    const kind = typeof t.type === "string" ? t.type : "scatter";
    const coords = (["x", "y", "z"] as const).map((k) => [k, numbersOf(t[k])] as const).filter(([, v]) => v.length > 0);
    if (coords.length === 0) return `${name} (${kind})`;
    const n = Math.max(...coords.map(([, v]) => v.length));
    const ranges = coords.map(([k, v]) => {
      const label = k === "x" ? xName : k === "y" ? yName : "value";
      if (v.length <= 12) return `${label} ${v.map(short).join(", ")}`;
      return `${label} from ${short(Math.min(...v))} to ${short(Math.max(...v))}`;
    });
    return `${name} (${kind}, ${n} point${n === 1 ? "" : "s"}): ${ranges.join("; ")}`;
  });
  return `${title}. ${parts.join(". ")}${parts.length ? "." : ""}`;
}

/** Builds the HTML for a figure without displaying it. */
export function figureHtml(data: Trace[], layout: Layout = {}): Figure {
  const id = `course-fig-${process.pid}-${Date.now().toString(36)}-${++figureCounter}`;
  // plotly.js 3 dropped plain-string titles (it wants { text }); accept both, as most examples use strings.
  const fullLayout: Layout = { ...BASE_LAYOUT, ...layout };
  // The text alternative is the figure's accessible name (role="img"); plotly never reads `description`.
  const alt = describeFigure(data, layout);
  delete fullLayout.description;
  if (typeof fullLayout.title === "string") fullLayout.title = { text: fullLayout.title };
  const payload = JSON.stringify({ data, layout: fullLayout, config: { responsive: true, displaylogo: false } })
    .replace(/</g, "\\u003c"); // keep "</script>" out of the inline JSON
  const height = typeof fullLayout.height === "number" ? fullLayout.height : 400;
  const title = typeof layout.title === "string" ? layout.title : typeof (layout.title as { text?: unknown } | undefined)?.text === "string" ? String((layout.title as { text: string }).text) : "figure";
  const html = `<div id="${id}" class="course-figure" data-title="${escapeHtml(title)}" role="img" aria-label="${escapeHtml(alt)}" style="width:100%;min-height:${height}px"></div>
<script type="text/javascript">
(function () {
  var id = ${JSON.stringify(id)}, fig = ${payload}, tries = 0, fetched = false;
  function el() { return document.getElementById(id); }
  function say(msg) { var e = el(); if (e) e.innerHTML = '<pre style="color:#a00">' + msg + '</pre>'; }
  function draw() { window.Plotly.newPlot(id, fig.data, fig.layout, fig.config).catch(function (e) { say('Figure failed: ' + e); }); }
  function fetchBundle() {
    fetched = true;
    var cfg = document.getElementById('jupyter-config-data');
    var base = (document.body && document.body.getAttribute('data-base-url')) || (cfg ? (JSON.parse(cfg.textContent).baseUrl || '/') : null);
    if (!base) return;
    var s = document.createElement('script');
    s.src = base.replace(/\\/?$/, '/') + 'files/${BUNDLE.join("/")}';
    document.head.appendChild(s);
  }
  (function wait() {
    if (!el()) return;
    if (window.Plotly && window.Plotly.newPlot) return draw();
    tries += 1;
    if (tries === 20 && !fetched) fetchBundle();
    if (tries > 300) return say('plotly.js is not loaded: run the setup cell at the top of the notebook, then this cell again.');
    setTimeout(wait, 50);
  })();
})();
</script>`;
  return { data, layout: fullLayout, html, description: alt };
}

/**
 * Draws a figure in the notebook. Returns nothing, since tslab prints a cell's
 * last value; `figureHtml` builds the same figure without showing it.
 *
 * @example plot([{ x: [1, 2, 3], y: [2, 4, 8], mode: "lines" }], { title: "growth" })
 */
export function plot(data: Trace[], layout: Layout = {}): void {
  for (const [i, t] of data.entries()) {
    if (typeof t !== "object" || t === null) throw new TypeError(`plot: trace ${i} must be an object, got ${String(t)}`);
  }
  const fig = figureHtml(data, layout);
  if (!showHtml(fig.html)) console.log(`[figure: ${String((layout as { title?: unknown }).title ?? "untitled")} — ${data.length} trace(s); open the notebook in Jupyter to see it]`);
}

/** Evenly spaced numbers, like numpy.linspace (inclusive of both ends). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num < 2) return [start];
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}
