#!/usr/bin/env python3
"""Writes data/expected/<lesson>.json: the stored cases and expected values of
every graded check, computed independently in float64 with numpy (never with
the course's own TypeScript solutions). A graded quiz question's key (its right
option and the explanation of every option) goes to grading/quiz-keys/<lesson>.json
instead: that folder is the instructor's (never released, never shown to a
grading sandbox), and data/expected/ keeps only the question's options.

    python3 oracle/expected.py            # regenerate every lesson
    python3 oracle/expected.py --check    # exit 1 if any file is stale
    python3 oracle/expected.py --lesson 01-logistic-regression

Each lesson is a module oracle/lessons/lesson_NN_name.py with SLUG and build().
"""
import argparse
import importlib
import json
import math
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "expected"
HIDDEN = ROOT / "grading" / "hidden-example"
QUIZ_KEYS = ROOT / "grading" / "quiz-keys"
sys.path.insert(0, str(ROOT / "oracle"))

from lessons.common import QUIZ_KEY  # noqa: E402  (after the path is set)


def lesson_modules():
    for path in sorted((ROOT / "oracle" / "lessons").glob("lesson_*.py")):
        yield importlib.import_module(f"lessons.{path.stem}")


def dumps(v, indent=0) -> str:
    """JSON with one object key per line but every list of numbers on a single line (readable diffs)."""
    pad = " " * indent
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [f'{pad} {json.dumps(k, ensure_ascii=False)}: {dumps(x, indent + 1)}' for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and any(isinstance(x, dict) for x in v):
        return "[\n" + ",\n".join(f"{pad} {dumps(x, indent + 1)}" for x in v) + "\n" + pad + "]"
    # allow_nan=False: an expected value must never be NaN or infinite.
    return json.dumps(v, allow_nan=False, separators=(", ", ": "), ensure_ascii=False)


def render_hidden(mod) -> str:
    doc = {"lesson": mod.SLUG, "generatedBy": f"oracle/lessons/{mod.__name__.split('.')[-1]}.py hidden() (numpy float64)", **mod.hidden()}
    return dumps(doc) + "\n"


def render(mod):
    """(data/expected text, grading/quiz-keys text or None): the quiz keys are taken out of the public file."""
    body = mod.build()
    source = f"oracle/lessons/{mod.__name__.split('.')[-1]}.py"
    keys = {cid: check.pop(QUIZ_KEY) for cid, check in body["checks"].items() if QUIZ_KEY in check}
    doc = {"lesson": mod.SLUG, "generatedBy": f"{source} (numpy float64)", **body}
    key_doc = {"lesson": mod.SLUG, "generatedBy": f"{source} (quiz_check)", "keys": keys} if keys else None
    return dumps(doc) + "\n", (dumps(key_doc) + "\n") if key_doc else None


# Two float64 results agree when they differ by round-off alone. numpy's
# vectorised exp/log/sum pick SIMD kernels by CPU (AVX2 vs AVX-512) and by numpy
# version, and those differ in the last bit or two: the same oracle gives
# 0.6443966600735709 on one machine and 0.6443966600735708 on another. A stored
# file is stale when a value moves by more than that; checks compare students'
# float32 results at 1e-4 or looser, so 1e-12 relative is far below anything a
# check can see and far above round-off.
REL_TOL = 1e-12
ABS_TOL = 1e-300


def differ(a, b, where="$"):
    """The JSON path of the first place where a and b differ beyond round-off, or None."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else where
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return None if a == b else where
        return None if math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL) else where
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{where} (keys {sorted(a.keys())} vs {sorted(b.keys())})"
        for k in a:
            d = differ(a[k], b[k], f"{where}.{k}")
            if d is not None:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where} (length {len(a)} vs {len(b)})"
        for i, (x, y) in enumerate(zip(a, b)):
            d = differ(x, y, f"{where}[{i}]")
            if d is not None:
                return d
        return None
    return None if a == b else where


def keep_stored(new, stored):
    """`new` with every number that only round-off separates from the stored one
    replaced by the stored one, so a regeneration rewrites what changed and
    leaves the last bits of everything else as they were (no churn in diffs)."""
    if isinstance(new, bool) or isinstance(stored, bool):
        return new
    if isinstance(new, float) and isinstance(stored, (int, float)) and not isinstance(stored, bool):
        return stored if differ(stored, new) is None else new
    if isinstance(new, dict) and isinstance(stored, dict):
        return {k: keep_stored(v, stored[k]) if k in stored else v for k, v in new.items()}
    if isinstance(new, list) and isinstance(stored, list) and len(new) == len(stored):
        return [keep_stored(x, y) for x, y in zip(new, stored)]
    return new


def stable_text(target, text):
    """The text to write to `target`: `text`, with the stored file's numbers kept where they did not change."""
    try:
        stored = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return text
    return dumps(keep_stored(json.loads(text), stored)) + "\n"


def first_difference(target, text):
    """None when the file on disk holds these values (up to round-off); otherwise what differs."""
    if not target.exists():
        return "missing"
    try:
        stored = json.loads(target.read_text(encoding="utf-8"))
    except ValueError as e:
        return f"not valid JSON ({e})"
    d = differ(stored, json.loads(text))
    return None if d is None else f"differs at {d}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    ap.add_argument("--lesson", help="only this lesson slug")
    args = ap.parse_args()
    stale = []
    for mod in lesson_modules():
        if args.lesson and mod.SLUG != args.lesson:
            continue
        expected, keys = render(mod)
        outputs = [(OUT / f"{mod.SLUG}.json", expected)]
        # Graded quiz keys: the instructor's, next to the grader (a lesson without a quiz has no file).
        if keys is not None:
            outputs.append((QUIZ_KEYS / f"{mod.SLUG}.json", keys))
        elif (QUIZ_KEYS / f"{mod.SLUG}.json").exists():
            # The lesson no longer has a graded quiz: its old key file is stale.
            if args.check:
                stale.append(f"{(QUIZ_KEYS / f'{mod.SLUG}.json').relative_to(ROOT)}: the lesson has no quiz any more")
            else:
                (QUIZ_KEYS / f"{mod.SLUG}.json").unlink()
                print(f"removed {(QUIZ_KEYS / f'{mod.SLUG}.json').relative_to(ROOT)}")
        # Example hidden checks (an instructor's real ones live outside the repository).
        if hasattr(mod, "hidden"):
            outputs.append((HIDDEN / f"{mod.SLUG}.json", render_hidden(mod)))
        for target, text in outputs:
            difference = first_difference(target, text)
            if args.check:
                if difference is not None:
                    stale.append(f"{target.relative_to(ROOT)}: {difference}")
            elif difference is None:
                print(f"unchanged {target.relative_to(ROOT)}")
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(stable_text(target, text), encoding="utf-8")
                print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale expected values (run `npm run expected` and commit the result):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    if args.check:
        print("expected values are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
