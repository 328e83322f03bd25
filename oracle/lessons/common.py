"""Helpers shared by the lesson oracles."""
import numpy as np


def tolist(a):
    """numpy value -> plain JSON data (Python floats keep every float64 bit via repr)."""
    return np.asarray(a, dtype=np.float64).tolist()


def case(name, args, expected, **tol):
    c = {"name": name, "args": args, "expected": expected}
    c.update(tol)
    return c


def quiz_check(name, options, answer):
    """A self-check question: its options {key: text} are the case's first argument and the right key is the
    expected value (the grader's sandbox sees the options, never the answer). A list of keys makes it a
    multi-select question ("all that apply", the case's second argument): the expected value is the sorted list."""
    if isinstance(answer, list):
        assert answer and all(k in options for k in answer), f"{answer!r} are not options of {name!r}"
        return {"atol": 0, "rtol": 0, "cases": [case(name, [options, "all that apply"], sorted(set(answer)))]}
    assert answer in options, f"{answer!r} is not an option of {name!r}"
    return {"atol": 0, "rtol": 0, "cases": [case(name, [options], answer)]}


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    # exp(-z) overflows to inf for z < -709; 1/(1+inf) = 0 is the right limit.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
