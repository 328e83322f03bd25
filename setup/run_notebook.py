#!/usr/bin/env python3
"""Executes a notebook in a real kernel through Jupyter's nbclient and reports,
as JSON, what every cell did.

tslab does not follow the usual error protocol: a failed cell's message goes to
stderr only, and the kernel then *aborts* requests that arrive within 200 ms.
nbclient treats neither as an error, so this runner records each cell's reply
status ("ok", "error", "abort"), its stdout, stderr and rich outputs, and a
timeout as "timeout" (the remaining cells are "not-run").

After a cell fails, the cells below it are recorded as "abort" without being
sent: that is what Run All does in JupyterLab and the classic Notebook, which
queue every cell at once, so tslab aborts all of them. nbclient sends one cell
at a time instead, and whether the next one arrived within tslab's 200 ms
depended on how busy the machine was, so the same notebook got different reports.

    python3 run_notebook.py NOTEBOOK [--out result.json] [--executed copy.ipynb]
                            [--cell-timeout 120] [--kernel tslab]
"""
import argparse
import json
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


def cell_record(index, cell, status):
    stdout, stderr, html, other = [], [], [], []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            (stderr if out.get("name") == "stderr" else stdout).append(out.get("text", ""))
        elif kind in ("display_data", "execute_result", "update_display_data"):
            data = out.get("data", {})
            if "text/html" in data:
                html.append(data["text/html"])
            else:
                other.append({k: (v if len(str(v)) < 2000 else str(v)[:2000]) for k, v in data.items()})
        elif kind == "error":
            stderr.append(f"{out.get('ename')}: {out.get('evalue')}")
    return {
        "index": index,
        "type": cell.get("cell_type"),
        "status": status,
        "source": cell.get("source", ""),
        "stdout": "".join(stdout),
        "stderr": "".join(stderr),
        "html": html,
        "other": other,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out")
    ap.add_argument("--executed", help="also save the executed notebook here")
    ap.add_argument("--cell-timeout", type=int, default=180)
    ap.add_argument("--kernel", default=None, help="kernel name (default: the notebook's)")
    ap.add_argument("--probe", action="store_true", help="also measure tf.memory() after the first code cell and at the end, and the kernel's peak memory")
    args = ap.parse_args()

    path = pathlib.Path(args.notebook).resolve()
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # malformed notebook: say so, in the same JSON shape
        result = {"notebook": str(path), "error": f"cannot read notebook: {exc}", "cells": []}
        print(json.dumps(result)) if not args.out else pathlib.Path(args.out).write_text(json.dumps(result))
        return 2

    statuses = {}

    def on_executed(cell, cell_index, execute_reply, **_):
        statuses[cell_index] = (execute_reply or {}).get("content", {}).get("status", "unknown")

    kw = {"timeout": args.cell_timeout, "allow_errors": True, "record_timing": True,
          "resources": {"metadata": {"path": str(path.parent)}}, "on_cell_executed": on_executed}
    if args.kernel:
        kw["kernel_name"] = args.kernel
    client = NotebookClient(nb, **kw)
    started = time.time()
    failure = None
    kernel_ready = None
    probes = {}
    aborted = False  # a cell failed: the rest are aborted, as in Run All
    total_cells = None  # time to run the notebook's own cells (without the probes and shutdown)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)

    def probe(name):
        """tf.memory() in the kernel, via an extra cell that is not part of the notebook."""
        cell = nbformat.v4.new_code_cell(
            f'import * as courseProbe_{name} from "@tensorflow/tfjs";\nconsole.log("__probe__" + JSON.stringify(courseProbe_{name}.memory()));')
        nb.cells.append(cell)  # nbclient stores the executed cell at its index
        try:
            client.execute_cell(cell, len(nb.cells) - 1)
        finally:
            nb.cells.pop()
            statuses.pop(len(nb.cells), None)
        for out in cell.get("outputs", []):
            for line in out.get("text", "").splitlines():
                if line.startswith("__probe__"):
                    probes[name] = json.loads(line[len("__probe__"):])
        if name not in probes:
            raise RuntimeError(f"the {name} probe failed: {cell.get('outputs')}")

    def peak_rss_mb():
        """Peak resident memory of the kernel process (VmHWM), Linux only."""
        try:
            pid = client.km.provisioner.process.pid
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except Exception:
            return None
        return None

    try:
        with client.setup_kernel():
            kernel_ready = time.time() - started
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if aborted:
                    statuses[index] = "abort"
                    continue
                try:
                    client.execute_cell(cell, index)
                    if statuses.get(index) == "error":
                        aborted = True
                        continue
                    if args.probe and index == first_code:
                        probe("afterSetup")
                except CellTimeoutError:
                    statuses[index] = "timeout"
                    failure = f"cell {index} did not finish within {args.cell_timeout} s"
                    break
                except DeadKernelError as exc:
                    statuses[index] = "dead"
                    failure = f"the kernel died in cell {index}: {exc}"
                    break
            total_cells = time.time() - started
            if args.probe and not failure and not aborted:
                probe("atEnd")
                probes["peakRssMb"] = peak_rss_mb()
    except Exception as exc:  # kernel would not start, etc.
        failure = failure or f"{type(exc).__name__}: {exc}"
    total = total_cells if total_cells is not None else time.time() - started

    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            cells.append({"index": index, "type": cell.cell_type, "status": "markdown", "source": cell.get("source", ""),
                          "stdout": "", "stderr": "", "html": [], "other": []})
            continue
        cells.append(cell_record(index, cell, statuses.get(index, "not-run")))
    result = {
        "notebook": str(path),
        "error": failure,
        "kernelStartSeconds": kernel_ready,
        "totalSeconds": total,
        "cells": cells,
        "probes": probes,
    }
    if args.executed:
        nbformat.write(nb, args.executed)
    text = json.dumps(result)
    if args.out:
        pathlib.Path(args.out).write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
