#!/usr/bin/env python3
"""Executes a notebook in a real kernel through Jupyter's nbclient and reports,
as JSON, what every cell did.

tslab does not follow the usual error protocol: a failed cell's message goes to
stderr only, and the kernel then *aborts* requests that arrive within 200 ms.
nbclient treats neither as an error, so this runner records each cell's reply
status ("ok", "error", "abort"), its stdout, stderr and rich outputs, and a
timeout as "timeout" (the remaining cells are "not-run").

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
    try:
        with client.setup_kernel():
            kernel_ready = time.time() - started
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    statuses[index] = "timeout"
                    failure = f"cell {index} did not finish within {args.cell_timeout} s"
                    break
                except DeadKernelError as exc:
                    statuses[index] = "dead"
                    failure = f"the kernel died in cell {index}: {exc}"
                    break
    except Exception as exc:  # kernel would not start, etc.
        failure = failure or f"{type(exc).__name__}: {exc}"
    total = time.time() - started

    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            cells.append({"index": index, "type": cell.cell_type, "status": "markdown"})
            continue
        cells.append(cell_record(index, cell, statuses.get(index, "not-run")))
    result = {
        "notebook": str(path),
        "error": failure,
        "kernelStartSeconds": kernel_ready,
        "totalSeconds": total,
        "cells": cells,
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
