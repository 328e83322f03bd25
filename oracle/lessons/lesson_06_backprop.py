"""Expected values for lesson 06 (derivatives and backprop), float64 and hand-derived."""
import math

from lessons.common import case

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
    """The small network of the lecture and the lab by hand: forward left to right, then the chain rule right to left."""
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
                case("J = w² at w = 3, default eps (the lecture's 6.001)", ["square", 3], forward_difference("square", 3)),
                case("J = w² at w = 3, eps = 0.002", ["square", 3, 0.002], forward_difference("square", 3, 0.002)),
                case("J = (2 + 3w)² at w = 3 (about 66)", ["twoPlusThreeWSquared", 3], forward_difference("twoPlusThreeWSquared", 3)),
                case("J = w³ at w = 2, eps = 1e-6", ["cube", 2, 1e-6], forward_difference("cube", 2, 1e-6)),
                case("J = 1/w at w = 2", ["inverse", 2], forward_difference("inverse", 2)),
                case("J = e^w at w = 0", ["exp", 0], forward_difference("exp", 0)),
            ]},
            "06.backpropSimpleNetwork": {"atol": 1e-12, "rtol": 1e-12, "cases": [
                # The lecture's computation graph (Course 2, Week 2, "Computation graph"): J = 2, dJ/dw = −4.
                case("the lecture's example: x = −2, w = 2, b = 8, y = 2", [-2, 2, 8, 2], backprop(-2, 2, 8, 2)),
                # The optional lab's example (same graph, other numbers): J = 4.5, dJ/dw = 6.
                case("the optional lab's example: x = 2, w = −2, b = 8, y = 1", [2, -2, 8, 1], backprop(2, -2, 8, 1)),
                case("a perfect prediction: J = 0, every derivative 0", [3, 1.5, -0.5, 4], backprop(3, 1.5, -0.5, 4)),
                case("other values", [-1.5, 0.75, 2.25, -3], backprop(-1.5, 0.75, 2.25, -3)),
            ]},
        },
    }
