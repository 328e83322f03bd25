"""Expected values for lesson 05 (Adam, and the digit-recognition assignment), numpy float64."""
import numpy as np

from lessons.common import case, quiz_check, tolist

SLUG = "05-adam"

DEFAULTS = {"learningRate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}


def adam_run(w, grads, state, opts=None):
    """Adam as tf.train.adam applies it (the paper's Algorithm 1): t first, then both moments,
    both bias corrections, and epsilon added to sqrt(v_hat). Returns what each call returns and
    the state after the last call."""
    o = {**DEFAULTS, **(opts or {})}
    lr, b1, b2, eps = o["learningRate"], o["beta1"], o["beta2"], o["epsilon"]
    w = np.array(w, float)
    m, v, t = np.array(state["m"], float), np.array(state["v"], float), int(state["t"])
    returned = []
    for g in grads:
        g = np.asarray(g, float)
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        returned.append(tolist(w))
    return {"returnedWeights": returned, "state": {"m": tolist(m), "v": tolist(v), "t": t}}


def fresh(n):
    return {"m": [0.0] * n, "v": [0.0] * n, "t": 0}


def adam_case(name, w, grads, state, opts=None):
    args = [w, grads, state] + ([opts] if opts is not None else [])
    return case(name, args, adam_run(w, grads, state, opts))


# ---------------------------------------------------------------- the elongated bowl of the figures

K = 25.0
W0 = [-9.0, 1.5]


def bowl_cost(w):
    return float(w[0] ** 2 + K * w[1] ** 2)


def bowl_grad(w):
    return np.array([2 * w[0], 2 * K * w[1]])


def gd_path(w0, alpha, steps):
    w = np.array(w0, float)
    path, costs = [tolist(w)], []
    for _ in range(steps):
        w = w - alpha * bowl_grad(w)
        path.append(tolist(w))
        costs.append(bowl_cost(w))
    return path, costs


def adam_path(w0, lr, steps):
    w = np.array(w0, float)
    m, v = np.zeros(2), np.zeros(2)
    b1, b2, eps = 0.9, 0.999, 1e-7
    path, costs, grads = [tolist(w)], [], []
    for t in range(1, steps + 1):
        g = bowl_grad(w)
        grads.append(tolist(g))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        path.append(tolist(w))
        costs.append(bowl_cost(w))
    return path, costs, grads


DIVERGED = 1e6


def final_or_none(c):
    """A run whose cost is not finite or above DIVERGED is reported as diverged (null)."""
    return c if np.isfinite(c) and c <= DIVERGED else None


def bowl_values():
    steps = 50
    gd_slow_path, gd_slow = gd_path(W0, 0.02, steps)
    gd_fast_path, gd_fast = gd_path(W0, 0.038, steps)
    ad_path, ad_costs, ad_grads = adam_path(W0, 0.5, steps)
    sweep_steps = 100
    lrs = tolist(np.logspace(-4, 1, 21))
    with np.errstate(over="ignore", invalid="ignore"):
        gd_final = [final_or_none(gd_path(W0, a, sweep_steps)[1][-1]) for a in lrs]
    adam_final = [final_or_none(adam_path(W0, a, sweep_steps)[1][-1]) for a in lrs]
    return {
        "K": K, "w0": W0, "initialCost": bowl_cost(W0), "steps": steps,
        "gdSlow": {"alpha": 0.02, "path": gd_slow_path, "costs": gd_slow},
        "gdFast": {"alpha": 0.038, "path": gd_fast_path, "costs": gd_fast},
        "adam": {"learningRate": 0.5, "path": ad_path, "costs": ad_costs, "grads": ad_grads},
        "sweep": {"steps": sweep_steps, "learningRates": lrs, "gd": gd_final, "adam": adam_final, "divergedAbove": DIVERGED},
    }


# ---------------------------------------------------------------- weight shapes, predictions, accuracy


def layer_weight_shapes(sizes):
    """The shapes of each Dense layer's W and b, read off real numpy arrays stored as tfjs/Keras store
    them: W is (inputs, units), so X @ W maps a batch of rows to one column per unit; b has one entry per unit."""
    shapes = []
    for n_in, units in zip(sizes[:-1], sizes[1:]):
        W, b = np.zeros((n_in, units)), np.zeros(units)
        shapes.append({"W": list(W.shape), "b": list(b.shape)})
    return shapes


def predict_classes(logits):
    """numpy.argmax per row: on a tie the first maximum wins."""
    return [int(k) for k in np.argmax(np.asarray(logits, dtype=np.float64), axis=1)]


def accuracy(predicted, labels):
    """Fraction of examples whose predicted class equals the label."""
    return float(np.mean(np.asarray(predicted) == np.asarray(labels)))


def build():
    tight = {"atol": 1e-12, "rtol": 1e-9}
    # A saved state from the middle of a run (t = 5), to continue from.
    saved = {"m": [0.12, -0.05, 0.3], "v": [0.02, 0.004, 0.09], "t": 5}
    bowl = bowl_values()
    logits_small = [[2.0, 1.0, 0.1], [0.5, 3.2, -1.0], [-0.2, 0.0, 0.3]]
    logits_ties = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [0.0, -1.0, 0.0], [4.0, 5.0, 5.0]]
    logits_negative = [[-5.0, -1.0, -3.0], [-0.5, -0.25, -2.0], [-7.0, -9.0, -8.0]]
    rng = np.random.default_rng(5)
    logits_digits = tolist(np.round(3.0 * rng.standard_normal((8, 10)), 3))
    acc_labels = list(range(10))
    acc_pred = [0, 1, 2, 8, 4, 5, 5, 7, 8, 4]
    checks = {
        "05.adamStep": {**tight, "cases": [
            adam_case("one step from a fresh state, default options", [0.5, -1.2, 2.0], [[0.1, -0.3, 0.02]], fresh(3)),
            adam_case("first step moves each weight by ≈ learningRate·sign(g), whatever the gradient's size",
                      [1.0, 1.0, 1.0], [[1000.0, -0.001, 0.0]], fresh(3), {"learningRate": 0.01}),
            adam_case("five steps in a row on the bowl J = w1² + 25·w2², learningRate 0.5",
                      W0, bowl["adam"]["grads"][:5], fresh(2), {"learningRate": 0.5}),
            adam_case("a gradient that changes sign every step (oscillation), 6 steps",
                      [0.0, 0.0], [[1.0, 2.0], [-1.0, 2.0], [1.0, 2.0], [-1.0, 2.0], [1.0, 2.0], [-1.0, 2.0]], fresh(2), {"learningRate": 0.1}),
            adam_case("continues from a saved state (t = 5) with every option set",
                      [0.3, -0.7, 1.1], [[0.2, -0.1, 0.5], [0.1, 0.05, -0.4]], saved,
                      {"learningRate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-3}),
            adam_case("tiny gradients, where epsilon matters", [1.0, -1.0], [[1e-7, -2e-8], [1e-7, -2e-8]], fresh(2)),
        ]},
        "05.layerWeightShapes": {"atol": 0, "rtol": 0, "cases": [
            case("the assignment's network: 400 inputs → 25 → 15 → 10", [[400, 25, 15, 10]], layer_weight_shapes([400, 25, 15, 10])),
            case("the coffee network: 2 inputs → 3 → 1", [[2, 3, 1]], layer_weight_shapes([2, 3, 1])),
            case("a single layer: logistic regression on 400 pixels (400 inputs → 1 unit)", [[400, 1]], layer_weight_shapes([400, 1])),
            case("lesson 04's multiclass network: 2 inputs → 25 → 15 → 4", [[2, 25, 15, 4]], layer_weight_shapes([2, 25, 15, 4])),
            case("a widening network: 3 inputs → 8 → 8 → 2 (two layers with the same units)", [[3, 8, 8, 2]], layer_weight_shapes([3, 8, 8, 2])),
        ]},
        "05.predictClasses": {"atol": 0, "rtol": 0, "cases": [
            case("three examples, three classes", [logits_small], predict_classes(logits_small)),
            case("ties: the first maximum wins, as numpy.argmax and tf.argMax do", [logits_ties], predict_classes(logits_ties)),
            case("all logits negative (the largest is the one closest to 0)", [logits_negative], predict_classes(logits_negative)),
            case("one example (one row)", [[[0.1, 2.5, -0.3, 2.4]]], predict_classes([[0.1, 2.5, -0.3, 2.4]])),
            case("eight examples of ten digit logits (seeded, scale 3)", [logits_digits], predict_classes(logits_digits)),
        ]},
        "05.accuracy": {"atol": 0, "rtol": 1e-15, "cases": [
            case("3 right out of 5", [[0, 1, 2, 3, 4], [0, 1, 2, 0, 0]], accuracy([0, 1, 2, 3, 4], [0, 1, 2, 0, 0])),
            case("every prediction right", [[7, 7, 3], [7, 7, 3]], accuracy([7, 7, 3], [7, 7, 3])),
            case("every prediction wrong", [[1, 2, 3, 4], [0, 1, 2, 3]], accuracy([1, 2, 3, 4], [0, 1, 2, 3])),
            case("one example", [[5], [5]], accuracy([5], [5])),
            case("ten digits, 7 right (labels 0–9)", [acc_pred, acc_labels], accuracy(acc_pred, acc_labels)),
        ]},
        # A decision exercise (lib/checks/decision.ts): the assignment's hidden layers L1 and L2, then a
        # distribution over the 10 digits (softmax + sparse cross-entropy, or linear + from logits).
        # Parameters, by hand: 400·25+25 = 10,025; 25·15+15 = 390; 15·10+10 = 160; total 10,575
        # (the notebook records model.countParams() and test/lessons/05-adam checks it).
        "05.buildDigitModel": {"atol": 0, "rtol": 0, "cases": [
            case("the assignment's network: 400 pixels → L1 25 relu → L2 15 relu → a distribution over 10 digits, Adam (learning rate 0.001)", [], {
                "inputs": 400,
                "hidden": [{"units": 25, "activation": "relu", "name": "L1"}, {"units": 15, "activation": "relu", "name": "L2"}],
                "outputUnits": 10,
                "predicts": "class distribution",
                "optimizer": {"className": "Adam", "learningRate": 0.001},
            }),
        ]},
    }
    # Graded quiz (the lecture's intuition for Adam).
    checks["05.quiz.adamRaises"] = quiz_check("when Adam raises a parameter's learning rate", {
        "a": "when the parameter keeps moving in the same direction, step after step",
        "b": "when the parameter oscillates back and forth",
        "c": "at every step, for every parameter, by the same factor",
        "d": "never: Adam only lowers the learning rate",
    }, "a", feedback={
        "a": "steady steps in one direction suggest α is too small for that parameter, so Adam lets it move faster.",
        "b": "oscillating means the steps overshoot: Adam lowers that parameter's learning rate then, it does not raise it.",
        "c": "Adam adapts α for each parameter separately, from that parameter's own gradients, not by one common factor.",
        "d": "Adam can raise a parameter's effective learning rate as well as lower it.",
    })
    return {"checks": checks, "values": {"bowl": bowl}}
