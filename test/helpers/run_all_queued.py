#!/usr/bin/env python3
"""Runs a notebook's code cells the way Run All does in JupyterLab and the
classic Notebook: every execute request is sent at once, without waiting for
replies, then the replies and outputs are collected. Prints JSON:

    {"error": null | "...", "alive": bool, "exitCode": int | null,
     "cells": [{"index", "status", "stdout", "stderr", "displays"}],
     "afterwards": "ok" | ...}

`status` is the execute_reply's ("ok", "error", "abort") or "no-reply";
`afterwards` is the status of one more request sent once all replies are in
(the kernel still answers). Stops early when the kernel dies.

    python3 run_all_queued.py NOTEBOOK [--kernel tslab] [--timeout 300]
"""
import argparse
import json
import pathlib
import queue
import sys
import time

from jupyter_client.manager import KernelManager


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    path = pathlib.Path(args.notebook).resolve()
    nb = json.loads(path.read_text())
    sources = [(i, c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
               for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code"]

    km = KernelManager(kernel_name=args.kernel)
    km.start_kernel(cwd=str(path.parent))
    kc = km.client()
    kc.start_channels()
    result = {"error": None, "alive": False, "exitCode": None, "cells": [], "afterwards": None}
    try:
        kc.wait_for_ready(timeout=120)
        cells = {}
        by_msg = {}
        for index, source in sources:
            msg_id = kc.execute(source, store_history=True)
            by_msg[msg_id] = index
            cells[index] = {"index": index, "status": "no-reply", "stdout": "", "stderr": "", "displays": 0}
        replies = 0
        idle = set()
        deadline = time.time() + args.timeout

        def drain_iopub(wait):
            try:
                msg = kc.get_iopub_msg(timeout=wait)
            except queue.Empty:
                return False
            index = by_msg.get(msg["parent_header"].get("msg_id"))
            if index is None:
                return True
            kind = msg["msg_type"]
            if kind == "stream":
                cells[index][msg["content"]["name"]] += msg["content"]["text"]
            elif kind == "display_data":
                cells[index]["displays"] += 1
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle.add(index)
            return True

        while (replies < len(sources) or len(idle) < len(sources)) and time.time() < deadline:
            got = False
            try:
                msg = kc.get_shell_msg(timeout=0.05)
                got = True
                index = by_msg.get(msg["parent_header"].get("msg_id"))
                if msg["msg_type"] == "execute_reply" and index is not None:
                    cells[index]["status"] = msg["content"]["status"]
                    replies += 1
            except queue.Empty:
                pass
            while drain_iopub(0.01):
                got = True
            if not got and not km.is_alive():
                break
        if replies < len(sources) or len(idle) < len(sources):
            result["error"] = (f"{replies} replies and {len(idle)} idle statuses for {len(sources)} cells"
                               + ("; the kernel died" if not km.is_alive() else f" within {args.timeout} s"))
        result["cells"] = [cells[i] for i, _ in sources]
        if km.is_alive():
            reply = kc.execute_interactive("1;", timeout=60, output_hook=lambda msg: None)
            result["afterwards"] = reply["content"]["status"]
    except Exception as exc:  # the kernel would not start, etc.
        result["error"] = result["error"] or f"{type(exc).__name__}: {exc}"
    finally:
        result["alive"] = km.is_alive()
        proc = getattr(km.provisioner, "process", None) if km.provisioner else None
        result["exitCode"] = proc.poll() if proc is not None else None
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
