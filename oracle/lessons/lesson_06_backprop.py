"""Expected values for lesson 06 (derivatives and backprop), float64 and hand-derived."""
import math

from lessons.common import case, quiz_check

SLUG = "06-backprop"

# The functions the numericalDerivative check calls, by name (lib/06-backprop.ts has the same ones).
FUNCTIONS = {
    "square": lambda w: w * w,
    "cube": lambda w: w * w * w,
    "twoPlusThreeWSquared": lambda w: (2 + 3 * w) * (2 + 3 * w),
    "inverse": lambda w: 1 / w,
    "exp": lambda w: math.exp(w),
}


def forward_difference(name, w, eps=0.001):
    f = FUNCTIONS[name]
    return (f(w + eps) - f(w)) / eps


def backprop(x, w, b, y):
    """The small network of the course notes and the optional lab by hand: forward left to right, then the chain rule right to left."""
    c = w * x
    a = c + b
    d = a - y
    J = 0.5 * d * d
    dJ_dd = d
    dJ_da = dJ_dd * 1
    dJ_dc = dJ_da * 1
    dJ_db = dJ_da * 1
    dJ_dw = dJ_dc * x
    return {"c": c, "a": a, "d": d, "J": J, "dJ_dd": dJ_dd, "dJ_da": dJ_da, "dJ_dc": dJ_dc, "dJ_db": dJ_db, "dJ_dw": dJ_dw}


def build():
    return {
        "checks": {
            # A forward difference divides a rounding error by eps: 1e-9 relative is tight but safe in float64.
            "06.numericalDerivative": {"atol": 1e-9, "rtol": 1e-9, "cases": [
                case("J = w² at w = 3, default eps (about 6.001)", ["square", 3], forward_difference("square", 3)),
                case("J = w² at w = 3, eps = 0.002", ["square", 3, 0.002], forward_difference("square", 3, 0.002)),
                case("J = (2 + 3w)² at w = 3 (about 66)", ["twoPlusThreeWSquared", 3], forward_difference("twoPlusThreeWSquared", 3)),
                case("J = w³ at w = 2, eps = 1e-6", ["cube", 2, 1e-6], forward_difference("cube", 2, 1e-6)),
                case("J = 1/w at w = 2", ["inverse", 2], forward_difference("inverse", 2)),
                case("J = e^w at w = 0", ["exp", 0], forward_difference("exp", 0)),
            ]},
            "06.backpropSimpleNetwork": {"atol": 1e-12, "rtol": 1e-12, "cases": [
                # The course notes' computation graph (Course 2, Week 2, the notes' backprop page): J = 2, dJ/dw = −4.
                case("the course notes' example: x = −2, w = 2, b = 8, y = 2", [-2, 2, 8, 2], backprop(-2, 2, 8, 2)),
                # The optional lab's example (same graph, other numbers): J = 4.5, dJ/dw = 6.
                case("the optional lab's example: x = 2, w = −2, b = 8, y = 1", [2, -2, 8, 1], backprop(2, -2, 8, 1)),
                case("a perfect prediction: J = 0, every derivative 0", [3, 1.5, -0.5, 4], backprop(3, 1.5, -0.5, 4)),
                case("other values", [-1.5, 0.75, 2.25, -3], backprop(-1.5, 0.75, 2.25, -3)),
            ]},
            **quiz(),
        },
    }


def quiz():
    """Graded quiz on the notes' computation graph (x = -2, w = 2, b = 8, y = 2): J(x = -1.999) - J(-2) is about
    +4 x 0.001, since dJ/dx = w dJ/dc = 2 * 2 = 4 (section 3 works out dJ/dw, not dJ/dx, so the quiz is not answered
    above it); and why one backward pass gives every derivative."""
    nudge = 0.001
    change = backprop(-2 + nudge, 2, 8, 2)["J"] - backprop(-2, 2, 8, 2)["J"]
    slope = round(change / nudge)
    assert slope == 4 and abs(change - slope * nudge) < 1e-5, change
    nudge_options = {
        "a": "J goes up by about 4 × 0.001",
        "b": "J goes down by about 4 × 0.001",
        "c": "J goes up by about 2 × 0.001",
        "d": "J does not change: x is an input, not a parameter",
    }
    nudge_answer = next(k for k, v in nudge_options.items() if v == f"J goes {'up' if slope > 0 else 'down'} by about {abs(slope)} × 0.001")
    return {
        "06.quiz.nudgeX": quiz_check("how J changes when x moves from −2 to −1.999", nudge_options, nudge_answer, feedback={
            "a": "∂J/∂x = ∂J/∂c · w = 2 · 2 = 4, so J moves by about 4 times the change in x: from 2 to about 2.004.",
            "b": "−4 is ∂J/∂w, which multiplies ∂J/∂c by x = −2; x's own derivative multiplies ∂J/∂c by w = 2, which is positive.",
            "c": "2 is ∂J/∂c (and ∂J/∂a, ∂J/∂d); x enters through c = w·x, which multiplies that derivative by w = 2.",
            "d": "the chain rule does not ask whether a node is an input or a parameter: J depends on x through c = w·x, so nudging x changes J. Training uses only the parameters' derivatives, but x has one too.",
        }),
        "06.quiz.oneBackwardPass": quiz_check("why one backward pass gives every derivative", {
            "a": "it nudges every parameter by ε at the same time and measures the change in J once",
            "b": "each node's derivative of J is computed once, right to left, and reused by the chain rule for everything to its left",
            "c": "TensorFlow.js computes every parameter's derivative in parallel, on its own thread",
            "d": "every parameter has the same derivative, so computing one is enough",
        }, "b", feedback={
            "a": "nudging all parameters together gives one number, the change along that one direction, not each parameter's own derivative.",
            "b": "∂J/∂d, then ∂J/∂a, ∂J/∂c, … each comes from the one to its right with one multiplication, so all P derivatives cost about N + P steps.",
            "c": "the saving is in the arithmetic, not in threads: even on one thread the backward pass needs about N + P steps instead of N × P.",
            "d": "in the graph above ∂J/∂b = 2 while ∂J/∂w = −4: the derivatives differ, and the backward pass gets each of them.",
        }),
    }
