"""Helpers shared by the lesson oracles."""
import numpy as np


def tolist(a):
    """numpy value -> plain JSON data (Python floats keep every float64 bit via repr)."""
    return np.asarray(a, dtype=np.float64).tolist()


def case(name, args, expected, **tol):
    """One stored case; `tol` may override atol or rtol, and a hidden case may carry a `category`."""
    c = {"name": name, "args": args, "expected": expected}
    c.update(tol)
    return c


def quiz_check(name, options, answer, feedback):
    """A graded quiz question. Its options {key: text} are the case's first argument, in data/expected/ (public:
    the notebook shows them too). The right key and the per-option feedback are its key, which expected.py writes
    to grading/quiz-keys/ (instructor-only: never released, never shown to a grading sandbox); the case has no
    expected value. A list of keys makes it a multi-select question ("all that apply", the case's second
    argument): the key's answer is the sorted list. `feedback` explains every option (why a wrong one is wrong),
    so the grade can explain the student's choice without naming the right one."""
    assert set(feedback) == set(options), f"{name!r} needs feedback for exactly its options {sorted(options)}"
    if isinstance(answer, list):
        assert answer and all(k in options for k in answer), f"{answer!r} are not options of {name!r}"
        args, right = [options, "all that apply"], sorted(set(answer))
    else:
        assert answer in options, f"{answer!r} is not an option of {name!r}"
        args, right = [options], answer
    return {"atol": 0, "rtol": 0, "cases": [{"name": name, "args": args}], QUIZ_KEY: {"answer": right, "feedback": feedback}}


# The field of a quiz check that expected.py moves out of data/expected/ into grading/quiz-keys/.
QUIZ_KEY = "quizKey"


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    # exp(-z) overflows to inf for z < -709; 1/(1+inf) = 0 is the right limit.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
