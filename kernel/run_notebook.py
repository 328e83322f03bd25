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
`--keep-going` runs them instead, one by one, as a student who runs the cells by
hand would: it waits a little after a failed cell so that tslab does not abort
the next one.

The grader runs this file in its sandbox, beside the submitted code, with
`--report-fd 3`: the report goes straight to a pipe the grader handed over, and
nothing in the sandbox can write there or stand in for it (see report_to_fd).

    python3 run_notebook.py NOTEBOOK [--out result.json | --report-fd 3] [--executed copy.ipynb]
                            [--cell-timeout 120] [--startup-timeout 60] [--kernel tslab] [--keep-going]
"""
import argparse
import ctypes
import json
import os
import pathlib
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


# tslab aborts every request that arrives within 200 ms of a failed cell (docs: NOTES.md); --keep-going waits this long.
AFTER_FAILURE_SECONDS = 0.3
PR_SET_DUMPABLE = 4


def guard_report_fd(fd):
    """Makes `fd` (the grader's pipe) reachable by this process only, before any kernel starts.

    The kernel runs as the same uid in the same sandbox, so it could otherwise
    write a report of its own: through an inherited copy of the pipe, through
    /proc/<this pid>/fd/<fd>, or by ptrace. Not inheritable: no child gets it,
    whatever close_fds it is started with. Not dumpable (prctl PR_SET_DUMPABLE 0):
    /proc/<this pid>/fd, /mem and ptrace then need CAP_SYS_PTRACE, which nothing
    in the sandbox has. It may still kill this process; the grader then finds no
    complete report and says the notebook did not run. SIGINT is the one signal
    Python turns into an exception that library code might swallow halfway
    through a cell; it is ignored here (a Python handler, which exec resets, so
    the kernel keeps its own). Raises OSError when the guard cannot be set.
    """
    os.fstat(fd)  # the pipe must be there
    os.set_inheritable(fd, False)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")
    signal.signal(signal.SIGINT, lambda *_: None)


def report_to_fd(fd, text):
    """Writes the report, then closes the pipe. The grader accepts it only whole
    (it ends with "complete": true and a newline) and only when this process
    exited with a status of its own, not by a signal."""
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]
    os.close(fd)


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
    ap.add_argument("--startup-timeout", type=int, default=60, help="seconds the kernel may take to answer first (the course's launcher compiles an edited lib/ before it starts)")
    ap.add_argument("--kernel", default=None, help="kernel name (default: the notebook's)")
    ap.add_argument("--probe", action="store_true", help="also measure tf.memory() after the first code cell and at the end, and the kernel's peak memory")
    ap.add_argument("--report-fd", type=int, default=None, help="write the report to this inherited file descriptor (a pipe), guarded from the kernel")
    ap.add_argument("--keep-going", action="store_true", help="after a failed cell, run the next ones (as a student running cells one by one) instead of recording them as aborted")
    args = ap.parse_args()
    if args.report_fd is not None:
        try:
            guard_report_fd(args.report_fd)
        except OSError as exc:
            print(f"run_notebook.py: cannot guard the report's file descriptor {args.report_fd}: {exc}", file=sys.stderr)
            return 3

    def emit(result):
        text = json.dumps({**result, "complete": True})
        if args.report_fd is not None:
            report_to_fd(args.report_fd, text + "\n")
        elif args.out:
            pathlib.Path(args.out).write_text(text)
        else:
            print(text)

    path = pathlib.Path(args.notebook).resolve()
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # malformed notebook: say so, in the same JSON shape
        emit({"notebook": str(path), "error": f"cannot read notebook: {exc}", "cells": []})
        return 2

    statuses = {}

    def on_executed(cell, cell_index, execute_reply, **_):
        statuses[cell_index] = (execute_reply or {}).get("content", {}).get("status", "unknown")

    kw = {"timeout": args.cell_timeout, "startup_timeout": args.startup_timeout, "allow_errors": True, "record_timing": True,
          "resources": {"metadata": {"path": str(path.parent)}}, "on_cell_executed": on_executed}
    if args.kernel:
        kw["kernel_name"] = args.kernel
    client = NotebookClient(nb, **kw)
    started = time.time()
    failure = None
    kernel_ready = None
    probes = {}
    aborted = False  # a cell failed: the rest are aborted, as in Run All (unless --keep-going)
    failed_at = None  # when the last cell failed (--keep-going waits before sending the next)
    total_cells = None  # time to run the notebook's own cells (without the probes and shutdown)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)

    def probe(name):
        """tf.memory() in the kernel, via an extra cell that is not part of the notebook.

        The cell declares nothing (a dynamic import, no top-level name): tslab
        compiles each cell against the declarations of the cells before it, so
        a declaring probe after the setup cell changed what every later cell is
        compiled against, and the kernel's cell cache, filled from the
        notebooks themselves (npm test's warm), then held none of them. Its
        source is in probe-cells.json, which npm test's warm reads too
        (kernel/jupyter.ts withProbes), so the probes are compiled there."""
        probes_file = pathlib.Path(__file__).resolve().parent / "probe-cells.json"
        cell = nbformat.v4.new_code_cell(json.loads(probes_file.read_text())[name])
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
                if failed_at is not None:
                    time.sleep(max(0.0, failed_at + AFTER_FAILURE_SECONDS - time.monotonic()))
                    failed_at = None
                try:
                    client.execute_cell(cell, index)
                    if statuses.get(index) != "ok":
                        failed_at = time.monotonic()
                    if statuses.get(index) == "error":
                        aborted = not args.keep_going
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
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
