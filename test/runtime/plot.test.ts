/**
 * lib/runtime/plot.ts: a figure is a <div> plus a script that draws the JSON data
 * with Plotly.newPlot; data cannot break out of the script; the bundle is the
 * installed plotly.js; linspace is numpy's.
 */
import { describe, it, mock } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { courseRoot } from "../../lib/runtime/paths";
import { figureHtml, linspace, plot, plotlyBundleHtml } from "../../lib/runtime/plot";

const count = (s: string, sub: string): number => s.split(sub).length - 1;

describe("figureHtml", () => {
  it("has a div whose id the script draws into with Plotly.newPlot, and carries the data as JSON", () => {
    const data = [{ x: [1, 2, 3], y: [2, 4, 8], mode: "lines", name: "growth" }];
    const fig = figureHtml(data, { title: "t", xaxis: { title: { text: "x" } } });
    const id = /<div id="([^"]+)" class="course-figure"/.exec(fig.html)?.[1];
    assert.ok(id, "a div with an id");
    assert.ok(fig.html.includes(`var id = ${JSON.stringify(id)}`), "the script targets that div");
    assert.ok(fig.html.includes("window.Plotly.newPlot(id, fig.data, fig.layout, fig.config)"));
    assert.ok(fig.html.includes(JSON.stringify(data)), "the data, as JSON");
    assert.deepEqual(fig.data, data);
    assert.equal(fig.layout.height, 400);
    assert.deepEqual(fig.layout.xaxis, { title: { text: "x" } });
    assert.ok(fig.html.includes('data-title="t"'));
  });

  it("the embedded JSON parses back to the data, layout and config", () => {
    const data = [{ x: [0.5], y: [-1e-9], text: ["a & b"] }];
    const fig = figureHtml(data, { height: 250 });
    const json = /fig = (\{.*\}), tries = 0/.exec(fig.html)?.[1];
    assert.ok(json);
    const parsed = JSON.parse(json) as { data: unknown; layout: Record<string, unknown>; config: unknown };
    assert.deepEqual(parsed.data, data);
    assert.equal(parsed.layout.height, 250);
    assert.deepEqual(parsed.config, { responsive: true, displaylogo: false });
    assert.ok(fig.html.includes("min-height:250px"));
  });

  it("each figure gets its own id", () => {
    const ids = [figureHtml([]), figureHtml([])].map((f) => /<div id="([^"]+)"/.exec(f.html)?.[1]);
    assert.ok(ids[0] && ids[1]);
    assert.notEqual(ids[0], ids[1]);
  });

  it("'</script>' in data or titles cannot end the script early, and survives as data", () => {
    const evil = "</script><script>alert(1)</script>";
    const fig = figureHtml([{ x: [1], y: [1], name: evil }], { title: `<b>${evil}</b>` });
    assert.equal(count(fig.html.toLowerCase(), "</script"), 1, "only the figure's own closing tag");
    assert.equal(count(fig.html.toLowerCase(), "<script"), 1);
    assert.ok(!fig.html.includes("<b>"));
    const json = /fig = (\{.*\}), tries = 0/.exec(fig.html)?.[1] ?? "";
    const parsed = JSON.parse(json) as { data: { name: string }[]; layout: { title: { text: string } } };
    assert.equal(parsed.data[0]?.name, evil, "the text itself is kept");
    assert.equal(parsed.layout.title.text, `<b>${evil}</b>`);
  });

  it("a string title becomes { text } (plotly 3); a { text } title is kept", () => {
    assert.deepEqual(figureHtml([], { title: "cost" }).layout.title, { text: "cost" });
    assert.deepEqual(figureHtml([], { title: { text: "cost", x: 0.1 } }).layout.title, { text: "cost", x: 0.1 });
    assert.ok(figureHtml([], { title: { text: "obj" } }).html.includes('data-title="obj"'));
    assert.ok(figureHtml([]).html.includes('data-title="figure"'));
  });
});

describe("plot", () => {
  it("outside a kernel prints a one-line placeholder; a non-object trace is a TypeError", () => {
    const logged: string[] = [];
    const spy = mock.method(console, "log", (...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    try {
      plot([{ x: [1], y: [1] }, { x: [2], y: [2] }], { title: "loss" });
    } finally {
      spy.mock.restore();
    }
    assert.equal(logged.length, 1);
    assert.match(logged[0] ?? "", /^\[figure: loss — 2 trace\(s\);/);
    assert.throws(() => plot([null as unknown as Record<string, unknown>]), { name: "TypeError", message: "plot: trace 0 must be an object, got null" });
  });
});

describe("plotlyBundleHtml", () => {
  it("inlines the installed plotly.js bundle in one script tag", () => {
    const bundle = fs.readFileSync(path.join(courseRoot(), "node_modules", "plotly.js-dist-min", "plotly.min.js"), "utf8");
    const html = plotlyBundleHtml();
    assert.ok(html.startsWith('<script type="text/javascript">'));
    assert.ok(html.includes(bundle.slice(0, 2000)), "starts with the bundle's code");
    assert.ok(html.includes(bundle.slice(-2000).replace(/<\/script/gi, "<\\/script")), "ends with the bundle's code");
    assert.ok(html.length >= bundle.length);
    assert.equal(count(html.toLowerCase(), "</script"), 1, "only its own closing tag");
    assert.match(html, /plotly\.js loaded for this session's figures/);
  });
});

describe("linspace", () => {
  it("includes both endpoints exactly and is evenly spaced", () => {
    assert.deepEqual(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    const xs = linspace(0.1, 0.7, 7);
    assert.equal(xs.length, 7);
    assert.equal(xs[0], 0.1);
    assert.equal(xs[6], 0.7);
    // -3 + 12·((7.3 + 3) / 12) is 7.300000000000001 in floating point: the end must be `stop` itself.
    assert.equal(linspace(-3, 7.3, 13)[12], 7.3);
    for (let i = 1; i < xs.length; i++) assert.ok(Math.abs((xs[i] as number) - (xs[i - 1] as number) - 0.1) < 1e-12);
    assert.deepEqual(linspace(5, -5, 3), [5, 0, -5]);
  });

  it("num < 2 gives just the start, like numpy for num = 1", () => {
    assert.deepEqual(linspace(3, 9, 1), [3]);
    assert.deepEqual(linspace(-2, 4, 2), [-2, 4]);
  });
});

describe("a text alternative for every figure", () => {
  it("the figure's div is role=img with an aria-label naming the title, the axes and each trace's values", () => {
    const fig = figureHtml([{ x: [1, 2, 3], y: [0.5, 0.25, 0.125], name: "cost", mode: "lines" }], { title: "Cost per step", xaxis: { title: { text: "step" } }, yaxis: { title: "J" } });
    assert.equal(fig.description, "Cost per step. cost (scatter, 3 points): step 1, 2, 3; J 0.5, 0.25, 0.125.");
    const label = /<div id="[^"]+" class="course-figure"[^>]* role="img" aria-label="([^"]*)"/.exec(fig.html)?.[1];
    assert.equal(label, fig.description);
  });

  it("long traces are summarised by their range, heat maps by their values' range, and the label is escaped", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i / 10);
    const fig = figureHtml([{ x: xs, y: xs.map((v) => -v), name: "<b>line</b>" }, { type: "heatmap", z: [[0, 1], [0.5, 0.25]] }], { title: "t" });
    assert.equal(fig.description, "t. <b>line</b> (scatter, 100 points): x from 0 to 9.9; y from -9.9 to 0. trace 2 (heatmap, 4 points): value 0, 1, 0.5, 0.25.");
    assert.ok(!fig.html.includes('aria-label="t. <b>'), "escaped in the attribute");
  });

  it("a figure helper's own description replaces the summary and is not passed to plotly", () => {
    const fig = figureHtml([{ x: [1], y: [2] }], { title: "Windows", description: "Unit 1 sees samples 1–20." });
    assert.equal(fig.description, "Windows. Unit 1 sees samples 1–20.");
    assert.equal("description" in fig.layout, false);
  });
});
