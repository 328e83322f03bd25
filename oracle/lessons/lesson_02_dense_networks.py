"""Expected values for lesson 02 (dense layers, Sequential models, loss and cost), numpy float64.

Activations cannot be stored in JSON, so the cases name them ("sigmoid",
"linear", "relu") and the lesson module turns each name into the function
before calling the student's code.
"""
import numpy as np

from lessons.coffee_network import B1, INPUTS as COFFEE_INPUTS, LAYERS as coffee_layers, W1, normalise
from lessons.common import case, quiz_check, sigmoid, tolist

SLUG = "02-dense-networks"

ACTIVATIONS = {
    "sigmoid": sigmoid,
    "linear": lambda z: np.asarray(z, dtype=np.float64),
    "relu": lambda z: np.maximum(0.0, np.asarray(z, dtype=np.float64)),
}

def dense(a_in, W, b, g):
    """a_out[j] = g(a_in · W[:, j] + b[j]): column j of W holds unit j's weights."""
    return tolist(ACTIVATIONS[g](np.asarray(a_in, float) @ np.asarray(W, float) + np.asarray(b, float)))


def dense_batch(A, W, b, g):
    A = np.asarray(A, float).reshape(len(A), len(W))
    return tolist(ACTIVATIONS[g](A @ np.asarray(W, float) + np.asarray(b, float)))


def sequential(x, layers):
    a = np.asarray(x, float)
    for layer in layers:
        a = ACTIVATIONS[layer["g"]](a @ np.asarray(layer["W"], float) + np.asarray(layer["b"], float))
    return tolist(a)


def bce(y, p):
    y, p = np.asarray(y, float), np.asarray(p, float)
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


def mse(y, p):
    y, p = np.asarray(y, float), np.asarray(p, float)
    return float(np.mean((p - y) ** 2))


def rand(g, *shape):
    return tolist(np.round(g.normal(size=shape), 3))


def build():
    g = np.random.default_rng(2)
    xn = tolist(normalise(COFFEE_INPUTS))
    tight = {"atol": 1e-12, "rtol": 1e-9}

    # dense: W is inputs × units.
    W23 = [[1, -1, 0], [2, 0.5, 3]]
    W22 = [[1, 2], [3, 4]]  # not symmetric: reading W[j][i] instead of W[i][j] gives other numbers
    # relu: the first unit's z is 1.1, the second's is −2.95 (relu gives 0 there).
    ar, Wr, br = [1, -2, 0.5], [[0.5, -1], [0.25, 1], [2, 0.5]], [0.1, -0.2]
    W41, b1, a4 = rand(g, 4, 1), rand(g, 1), rand(g, 4)
    dense_cases = [
        case("coffee layer 1 (3 sigmoid units) on 200 °C, 13.9 min (normalised)", [xn[0], W1, B1, "sigmoid"], dense(xn[0], W1, B1, "sigmoid")),
        case("2 inputs → 3 linear units", [[1, 2], W23, [0, 1, -1], "linear"], dense([1, 2], W23, [0, 1, -1], "linear")),
        case("square W that is not symmetric, linear", [[1, -1], W22, [0.5, -0.5], "linear"], dense([1, -1], W22, [0.5, -0.5], "linear")),
        case("3 inputs → 2 relu units", [ar, Wr, br, "relu"], dense(ar, Wr, br, "relu")),
        case("4 inputs → 1 sigmoid unit", [a4, W41, b1, "sigmoid"], dense(a4, W41, b1, "sigmoid")),
    ]

    A43, W32, b2 = rand(g, 4, 3), rand(g, 3, 2), rand(g, 2)
    A35 = rand(g, 3, 5)
    W54, b4 = rand(g, 5, 4), rand(g, 4)
    batch_cases = [
        case("coffee layer 1 on both roasts (2 × 2 input)", [xn, W1, B1, "sigmoid"], dense_batch(xn, W1, B1, "sigmoid")),
        case("3 examples, 2 inputs → 3 linear units", [[[1, 2], [0, 0], [-1, 3]], W23, [0, 1, -1], "linear"], dense_batch([[1, 2], [0, 0], [-1, 3]], W23, [0, 1, -1], "linear")),
        case("4 examples, 3 inputs → 2 relu units", [A43, W32, b2, "relu"], dense_batch(A43, W32, b2, "relu")),
        case("3 examples, 5 inputs → 4 sigmoid units", [A35, W54, b4, "sigmoid"], dense_batch(A35, W54, b4, "sigmoid")),
        case("one example (a 1 × 2 matrix)", [[[1, -1]], W22, [0.5, -0.5], "linear"], dense_batch([[1, -1]], W22, [0.5, -0.5], "linear")),
    ]

    deep = [
        {"W": rand(g, 4, 5), "b": rand(g, 5), "g": "relu"},
        {"W": rand(g, 5, 3), "b": rand(g, 3), "g": "relu"},
        {"W": rand(g, 3, 2), "b": rand(g, 2), "g": "linear"},
    ]
    x4 = rand(g, 4)
    one = [{"W": W23, "b": [0, 1, -1], "g": "relu"}]
    neg_out = [{"W": [[1, -1], [0.5, 2]], "b": [0.5, -1], "g": "relu"}, {"W": [[-2], [1]], "b": [-1], "g": "linear"}]
    three = [{"W": [[1, -2], [0.5, 1]], "b": [0, 0.5], "g": "relu"},
             {"W": [[1, -1, 0.5], [-1, 2, 1]], "b": [0, 0, -1], "g": "sigmoid"},
             {"W": [[2], [-3], [1]], "b": [0.25], "g": "linear"}]
    seq_cases = [
        case("coffee network, 200 °C, 13.9 min (≈ 0.9625)", [xn[0], coffee_layers], sequential(xn[0], coffee_layers)),
        case("coffee network, 200 °C, 17 min (≈ 3.03e-8)", [xn[1], coffee_layers], sequential(xn[1], coffee_layers)),
        case("4 → 5 relu → 3 relu → 2 linear", [x4, deep], sequential(x4, deep)),
        case("a single layer is just dense", [[2, 1], one], sequential([2, 1], one)),
        case("no layers: the output is the input", [[0.25, -3], []], [0.25, -3]),
        # Cases that separate every layer's activation: a linear output below 0 (the first layer's ReLU applied
        # everywhere would give 0), and three different activations in one network.
        case("2 → 2 relu → 1 linear, a negative output", [[1, 2], neg_out], sequential([1, 2], neg_out)),
        case("three activations: 2 → 2 relu → 3 sigmoid → 1 linear", [[1, -1], three], sequential([1, -1], three)),
    ]
    assert sequential([1, 2], neg_out)[0] < 0

    p5 = [0.9, 0.2, 0.7, 0.05, 0.6]
    y5 = [1, 0, 1, 0, 0]
    y20 = tolist((g.random(20) < 0.5).astype(float))
    p20 = tolist(np.round(g.uniform(0.01, 0.99, 20), 4))
    bce_cases = [
        case("one example, f = 0.5, y = 1 (log 2)", [[1], [0.5]], bce([1], [0.5])),
        case("two examples", [[1, 0], [0.9, 0.2]], bce([1, 0], [0.9, 0.2])),
        case("five examples", [y5, p5], bce(y5, p5)),
        case("confident and wrong (y = 0, f = 0.999)", [[0, 1], [0.999, 0.999]], bce([0, 1], [0.999, 0.999])),
        case("20 random examples", [y20, p20], bce(y20, p20)),
    ]

    yr = rand(g, 8)
    pr = rand(g, 8)
    mse_cases = [
        case("errors 0.5, 0, −1", [[1, 2, 3], [1.5, 2, 2]], mse([1, 2, 3], [1.5, 2, 2])),
        case("one example, error 2 (squared: 4)", [[3], [5]], mse([3], [5])),
        case("perfect predictions", [[0.5, -1, 2], [0.5, -1, 2]], 0.0),
        case("8 values of either sign", [yr, pr], mse(yr, pr)),
        case("negative targets (temperature changes)", [[-2.0, -0.5, 1.5, -3.25], [-1.0, 0.25, 1.0, -3.0]], mse([-2.0, -0.5, 1.5, -3.25], [-1.0, 0.25, 1.0, -3.0])),
    ]

    checks = {
        "02.dense": {**tight, "cases": dense_cases},
        "02.denseBatch": {**tight, "cases": batch_cases},
        "02.sequential": {**tight, "cases": seq_cases},
        "02.binaryCrossentropy": {**tight, "cases": bce_cases},
        "02.meanSquaredError": {**tight, "cases": mse_cases},
        # A decision exercise (lib/checks/decision.ts): the lecture's hidden layers, then one output
        # that models P(y = 1) (sigmoid + binary cross-entropy, or linear + the from-logits loss).
        "02.buildBinaryDigitModel": {"atol": 0, "rtol": 0, "cases": [
            case("the lecture's network for 0 vs 1: 400 pixels → Dense 25 sigmoid → Dense 15 sigmoid → P(y = 1), Adam (learning rate 0.001)", [], {
                "inputs": 400,
                "hidden": [{"units": 25, "activation": "sigmoid"}, {"units": 15, "activation": "sigmoid"}],
                "outputUnits": 1,
                "predicts": "independent probabilities",
                "optimizer": {"className": "Adam", "learningRate": 0.001},
            }),
        ]},
    }
    coffee = {
        "inputs": COFFEE_INPUTS,
        "normalised": xn,
        "predictions": [sequential(x, coffee_layers)[0] for x in xn],
    }
    # Graded quiz: the practice quiz's first question, as the seed asks it (Machine Learning Specialization,
    # Course 2, Week 2: for which task binary cross-entropy, "should not be used for any task" among the choices).
    checks["02.quiz.binaryLoss"] = quiz_check("for which task binary cross-entropy", {
        "a": "classification into 3 or more classes",
        "b": "binary classification: exactly 2 classes",
        "c": "none: binary cross-entropy should not be used for any task",
        "d": "regression: predicting a number",
    }, "b", feedback={
        "a": "with 3 or more classes the output is a softmax over the classes, trained with the sparse categorical cross-entropy (lesson 04); binary cross-entropy compares one probability with a 0/1 label.",
        "b": "it is the logistic-regression loss −y·log(f) − (1 − y)·log(1 − f): one probability f that y = 1 against a label that is 0 or 1, which is what two classes need.",
        "c": "it is the loss of every 0/1 classifier in lessons 01 and 02, the logistic loss −y·log(f) − (1 − y)·log(1 − f) under its TensorFlow name.",
        "d": "a number to predict is compared with its target by a regression loss such as the squared error; binary cross-entropy needs a target that is 0 or 1.",
    })
    # The practice quiz's second question, as the seed asks it: which line of the lecture's code updates the parameters.
    checks["02.quiz.fitUpdates"] = quiz_check("which line of code updates the network parameters", {
        "a": "`model = Sequential([...])`",
        "b": "`model.compile(loss=BinaryCrossentropy())`",
        "c": "`model.fit(X, y, epochs=100)`",
        "d": "none of them: this code does not update the network parameters",
    }, "c", feedback={
        "a": "Sequential only defines the network (step 1): it creates the layers with their initial weights and changes nothing afterwards.",
        "b": "compile only chooses the loss, and with it the cost to minimise (step 2); no weight moves when it runs.",
        "c": "fit runs gradient descent (step 3): every step moves every W and b against the derivative of the cost, which backpropagation computes.",
        "d": "one of these lines does train the network: after it, the weights differ from the initial ones and the cost is lower.",
    })
    return {"checks": checks, "values": {"coffeeNetwork": coffee}}
