"""Expected values for lesson 03 (activation functions), numpy float64."""
import numpy as np

from course_rng import Rng
from lessons.common import case, quiz_check, tolist

SLUG = "03-activations"


def relu(z):
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def random_network(seed, sizes):
    """A random all-linear network: W of each layer is inputs×units, rounded so the JSON stays short."""
    g = np.random.default_rng(seed)
    return [{"W": tolist(np.round(g.normal(size=(a, b)), 3)), "b": tolist(np.round(g.normal(size=b), 3))} for a, b in zip(sizes, sizes[1:])]


def collapse(layers):
    """x·W1 + b1, then ·W2 + b2, …: fold every layer into one (W, b)."""
    W = np.asarray(layers[0]["W"], dtype=np.float64)
    b = np.asarray(layers[0]["b"], dtype=np.float64)
    for layer in layers[1:]:
        W2 = np.asarray(layer["W"], dtype=np.float64)
        W, b = W @ W2, b @ W2 + np.asarray(layer["b"], dtype=np.float64)
    return W, b


def forward(layers, X):
    """Layer-by-layer forward pass of the all-linear network (independent of `collapse`)."""
    A = np.asarray(X, dtype=np.float64)
    for layer in layers:
        A = A @ np.asarray(layer["W"], dtype=np.float64) + np.asarray(layer["b"], dtype=np.float64)
    return A


def collapse_case(name, seed, sizes, n_inputs=4):
    layers = random_network(seed, sizes)
    X = np.round(np.random.default_rng(seed + 100).normal(size=(n_inputs, sizes[0])), 3)
    W, b = collapse(layers)
    c = case(name, [layers], {"W": tolist(W), "b": tolist(b), "outputs": tolist(forward(layers, X))})
    c["inputs"] = tolist(X)
    return c


# The piecewise target: −2x + 2 on [0, 1), x − 1 on [1, 2), 3x − 5 on [2, 3].
def target(x):
    return -2 * x + 2 if x < 1 else (x - 1 if x < 2 else 3 * x - 5)


def piecewise_case(name, grid):
    c = case(name, [], [target(x) for x in grid])
    c["grid"] = list(grid)
    return c


# ---------------------------------------------------------------- regression (output layer by target range)

def houses(m=80, seed=31):
    """House size (100 m²) → price (100 000s): the same draws, in the same order, as lib/course/regression-data.ts."""
    rng = Rng(seed)
    X, y = [], []
    for _ in range(m):
        size = rng.uniform(0.5, 3)
        noise = rng.uniform(-0.25, 0.25)
        X.append([size])
        y.append([1.1 * size + 0.2 + noise])
    return {"X": X, "y": y}


def weather(m=80, seed=32):
    """Pressure change (hPa) → tomorrow's temperature change (°C), which can be negative."""
    rng = Rng(seed)
    X, y = [], []
    for _ in range(m):
        dp = rng.uniform(-3, 3)
        noise = rng.uniform(-0.8, 0.8)
        X.append([dp])
        y.append([1.2 * dp + noise])
    return {"X": X, "y": y}


LEARNING_RATE = 0.01


def regression_decision(num_features, can_be_negative):
    """The decisions a regression network for this target must make (lib/checks/decision.ts's ModelDecision)."""
    return {"inputs": num_features, "hidden": "non-linear", "outputUnits": 1,
            "predicts": "real number" if can_be_negative else "non-negative number",
            "optimizer": {"className": "Adam", "learningRate": LEARNING_RATE}}


def build():
    tight = {"atol": 1e-12, "rtol": 1e-12}
    return {
        "checks": {
            "03.relu": {**tight, "cases": [
                case("mixed signs", [[-2, -0.5, 0, 0.5, 3]], tolist(relu([-2, -0.5, 0, 0.5, 3]))),
                case("all negative gives all zeros", [[-1e-9, -7, -1000]], tolist(relu([-1e-9, -7, -1000]))),
                case("large positive passes through", [[1e6, 42.25]], tolist(relu([1e6, 42.25]))),
                case("empty array", [[]], []),
            ]},
            # A quiz: the answer for every kind of target, derived from the lecture.
            "03.chooseOutputActivation": {"atol": 0, "rtol": 0, "cases": [
                case("binary classification (y is 0 or 1)", ["binary"], "sigmoid"),
                case("regression, y can be negative (e.g. tomorrow's stock price change)", ["real"], "linear"),
                case("regression, y is never negative (e.g. a house price)", ["nonNegative"], "relu"),
            ]},
            "03.collapseLinearNetwork": {"atol": 1e-9, "rtol": 1e-9, "cases": [
                collapse_case("two layers, 3 → 4 → 2", 1, [3, 4, 2]),
                collapse_case("three layers, 2 → 5 → 3 → 1", 2, [2, 5, 3, 1]),
                collapse_case("one layer is itself", 3, [4, 3]),
                collapse_case("four layers, 5 → 6 → 4 → 3 → 2", 4, [5, 6, 4, 3, 2]),
            ]},
            # Compared as a function on the grid, so the two units may come in either order.
            "03.piecewiseReluUnits": {"atol": 1e-9, "rtol": 1e-9, "cases": [
                piecewise_case("f(x) = target on [0, 3]", tolist(np.linspace(0.0, 3.0, 31))),
                piecewise_case("f(x) = target around the kinks x = 1 and x = 2", [0.9, 0.99, 1.0, 1.01, 1.1, 1.9, 1.99, 2.0, 2.01, 2.1]),
            ]},
            # A decision exercise: the same builder must choose the output by the target's range.
            # A decision exercise (lib/checks/decision.ts): any non-linear hidden layers, one output whose range
            # matches the target (linear if y can be negative, ReLU if never), trained with squared error, Adam 0.01.
            "03.buildRegressionModel": {"atol": 0, "rtol": 0, "cases": [
                case("house price from size: 1 feature, y ≥ 0", [1, False], regression_decision(1, False)),
                case("temperature change: 1 feature, y can be negative", [1, True], regression_decision(1, True)),
                case("3 features, y can be negative", [3, True], regression_decision(3, True)),
                case("4 features, y ≥ 0", [4, False], regression_decision(4, False)),
            ]},
            # Graded quiz: a target that is never negative (the lecture's house price) → ReLU.
            "03.quiz.outputActivation": quiz_check("output activation for a house price", {
                "a": "sigmoid",
                "b": "linear",
                "c": "ReLU",
                "d": "softmax",
            }, "c", feedback={
                "a": "a sigmoid squeezes its output into (0, 1), right for the probability that y = 1, but a price can be far larger than 1.",
                "b": "a linear output can also go negative; it is the choice when y can be negative (a change in a stock price, say), and a price never is.",
                "c": "ReLU gives zero or any positive number, the same range as a price.",
                "d": "softmax turns several outputs into probabilities of N classes that add up to 1; a price is one number, not a class.",
            }),
        },
        "values": {"regressionData": {"houses": houses(), "weather": weather()}},
    }
