"""Expected values for lesson 01 (logistic regression), numpy float64."""
import numpy as np

from course_rng import Rng
from lessons import coffee_network as coffee
from lessons.common import case, quiz_check, sigmoid, tolist

SLUG = "01-logistic-regression"

# The small two-feature set of the course's logistic-regression labs.
X_LAB = [[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]]
Y_LAB = [0, 0, 0, 1, 1, 1]


def loss(f, y):
    return float(-y * np.log(f) - (1 - y) * np.log(1 - f))


def cost(X, y, w, b):
    X, y, w = np.asarray(X, float), np.asarray(y, float), np.asarray(w, float)
    f = sigmoid(X @ w + b)
    return float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))


def gradient(X, y, w, b):
    X, y, w = np.asarray(X, float), np.asarray(y, float), np.asarray(w, float)
    err = sigmoid(X @ w + b) - y
    return {"dw": tolist(X.T @ err / len(y)), "db": float(np.mean(err))}


def descend(X, y, w, b, alpha, iters):
    X, y, w = np.asarray(X, float), np.asarray(y, float), np.array(w, float)
    history = []
    for _ in range(iters):
        err = sigmoid(X @ w + b) - y
        dw, db = X.T @ err / len(y), np.mean(err)
        w, b = w - alpha * dw, b - alpha * db
        history.append(cost(X, y, w, b))
    return {"w": tolist(w), "b": float(b), "costHistory": history}


def random_problem(seed, m, n):
    g = np.random.default_rng(seed)
    X = np.round(g.normal(size=(m, n)), 3)
    y = (g.random(m) < 0.5).astype(float)
    w = np.round(g.normal(size=n), 3)
    b = round(float(g.normal()), 3)
    return tolist(X), tolist(y), tolist(w), b


def coffee_fingerprint():
    """The coffee data regenerated from the ported RNG (seed 2, 200 roasts)."""
    rng = Rng(2)
    X, y = [], []
    for _ in range(200):
        t = rng.uniform(150, 285)
        d = rng.uniform(11.5, 15.5)
        line = -3 / (260 - 175) * t + 21
        X.append([t, d])
        y.append(1 if (175 < t < 260 and 12 < d < 15 and d <= line) else 0)
    Xa = np.array(X)
    return {"first": X[:3], "sum": tolist(Xa.sum(axis=0)), "positives": int(sum(y)),
            "mean": tolist(Xa.mean(axis=0)), "variance": tolist(Xa.var(axis=0))}


def coffee_network():
    """The published coffee network's float64 predictions for the optional lab's two roasts (Course 2, Week 1)."""
    return {"inputs": coffee.INPUTS, "predictions": tolist(coffee.predict(coffee.INPUTS))}


def build():
    Xr, yr, wr, br = random_problem(1, 20, 3)
    Xg, yg, wg, bg = random_problem(2, 12, 4)
    tight = {"atol": 1e-12, "rtol": 1e-9}
    checks = {
        "01.sigmoid": {**tight, "cases": [
            case("z = 0 gives 0.5", [[0]], tolist(sigmoid([0]))),
            case("small values", [[-1, 0, 1, 2]], tolist(sigmoid([-1, 0, 1, 2]))),
            case("saturates, no NaN", [[-800, -30, 30, 800]], tolist(sigmoid([-800, -30, 30, 800]))),
            case("empty array", [[]], []),
        ]},
        "01.logisticLoss": {**tight, "cases": [
            case("f = 0.5, y = 1 gives log 2", [0.5, 1], loss(0.5, 1)),
            case("confident and right", [0.9, 1], loss(0.9, 1)),
            case("confident and wrong", [0.9, 0], loss(0.9, 0)),
            case("y = 0", [0.2, 0], loss(0.2, 0)),
        ]},
        "01.computeCost": {**tight, "cases": [
            case("lab data, w=[1,1], b=-3", [X_LAB, Y_LAB, [1, 1], -3], cost(X_LAB, Y_LAB, [1, 1], -3)),
            case("lab data, w=[1,1], b=-4", [X_LAB, Y_LAB, [1, 1], -4], cost(X_LAB, Y_LAB, [1, 1], -4)),
            case("20 examples, 3 features", [Xr, yr, wr, br], cost(Xr, yr, wr, br)),
        ]},
        "01.computeGradient": {**tight, "cases": [
            case("lab data, w=[2,3], b=1", [X_LAB, Y_LAB, [2, 3], 1], gradient(X_LAB, Y_LAB, [2, 3], 1)),
            case("at w=0, b=0", [X_LAB, Y_LAB, [0, 0], 0], gradient(X_LAB, Y_LAB, [0, 0], 0)),
            case("20 examples, 3 features", [Xr, yr, wr, br], gradient(Xr, yr, wr, br)),
        ]},
        "01.gradientDescent": {**tight, "cases": [
            case("lab data, alpha 0.1, 1000 iterations", [X_LAB, Y_LAB, [0, 0], 0, 0.1, 1000], descend(X_LAB, Y_LAB, [0, 0], 0, 0.1, 1000)),
            case("12 examples, 4 features, 25 iterations", [Xg, yg, wg, bg, 0.5, 25], descend(Xg, yg, wg, bg, 0.5, 25)),
            case("zero iterations leave w, b unchanged", [X_LAB, Y_LAB, [0.5, -0.5], 0.25, 0.1, 0], descend(X_LAB, Y_LAB, [0.5, -0.5], 0.25, 0.1, 0)),
        ]},
        # A decision exercise: what the model must be, whatever equivalent way it is written
        # (lib/checks/decision.ts). Logistic regression: no hidden layer, one output unit that
        # models P(y = 1), and the optimizer the notebook's task names.
        "01.buildLogisticModel": {"atol": 0, "rtol": 0, "cases": [
            case("2 features (coffee data)", [2], logistic_decision(2)),
            case("5 features", [5], logistic_decision(5)),
        ]},
    }
    checks.update(quiz())
    return {"checks": checks, "values": {"coffeeNetwork": coffee_network(), "coffeeData": coffee_fingerprint()}}


def quiz():
    """Graded quiz: what compile, fit and the choice of loss do (the three steps in TensorFlow.js)."""
    return {
        "01.quiz.compileStep": quiz_check("which training step model.compile carries out", {
            "a": "step 1: it creates the layers and their initial weights",
            "b": "step 2: it sets the loss, and so the cost J to minimise, and the optimizer that will minimise it",
            "c": "step 3: it runs gradient descent on the training data",
            "d": "none of them: it only checks the model for mistakes",
        }, "b", feedback={
            "a": "the layers and their initial weights exist as soon as tf.sequential returns; compile adds nothing to them.",
            "b": "compile fixes what training will minimise and how; no weight moves until fit runs.",
            "c": "compile returns at once and no weight changes: gradient descent runs later, inside fit.",
            "d": "compile does change the model: without it, fit has no loss to minimise and refuses to run.",
        }),
        "01.quiz.fitUpdates": quiz_check("how many updates 10 epochs of 1000 examples in batches of 50 are", {
            "a": "10",
            "b": "200",
            "c": "10000",
            "d": "20",
        }, "b", feedback={
            "a": "10 is the number of epochs, passes over the data; with mini-batches each pass makes several updates, one per batch. (The slide's \"epochs: number of steps\" holds for full-batch gradient descent.)",
            "b": "each epoch splits the 1000 examples into 1000/50 = 20 batches and makes one update per batch: 10 × 20 updates.",
            "c": "that would be one update per example (batches of 1); with batches of 50 one update uses 50 examples at once.",
            "d": "20 is the number of updates in one epoch (1000/50 batches); fit runs 10 epochs.",
        }),
        "01.quiz.lossChoice": quiz_check("what changes when the sigmoid model is compiled with the squared error", {
            "a": "nothing: the two losses measure the same error",
            "b": "training minimises another cost, the mean squared distance between f and y, not the logistic cost J of step 2",
            "c": "the output becomes a real number that can leave the interval (0, 1)",
            "d": "fit stops with an error, since the squared error needs a linear output",
        }, "b", feedback={
            "a": "they score the same prediction differently: for y = 1 and f = 0.01 the logistic loss is about 4.6, the squared error under 1. Different costs lead to different weights.",
            "b": "the loss passed to compile is what fit minimises; the squared error of a sigmoid output is not the logistic cost (and not convex in w and b), so training can end elsewhere.",
            "c": "the output is still the sigmoid of w·x + b, so it stays between 0 and 1 whatever the loss.",
            "d": "fit accepts any loss whose inputs have the right shapes; a sigmoid output with the squared error trains, it just minimises another cost.",
        }),
    }


def logistic_decision(n):
    return {"inputs": n, "hidden": "none", "outputUnits": 1, "predicts": "independent probabilities",
            "optimizer": {"className": "Adam", "learningRate": 0.01}}


def hidden():
    """Example hidden checks: other inputs for the same functions, run only by the grader."""
    Xh, yh, wh, bh = random_problem(7, 15, 2)
    tight = {"atol": 1e-12, "rtol": 1e-9}
    zs = [-5.5, -0.25, 0.125, 7.0, 40.0]
    # Each case's category is what a student's feedback names when it fails: a kind of input, never its values.
    return {"checks": {
        "01.sigmoid.hidden": {"fn": "sigmoid", "points": 1, **tight, "cases": [
            case("other values", [zs], tolist(sigmoid(zs)), category="moderate and large inputs"),
            case("one very negative value", [[-1000]], [0.0], category="a very negative input (exp overflows)"),
        ]},
        "01.computeCost.hidden": {"fn": "computeCost", "points": 1, **tight, "cases": [
            case("15 examples, 2 features", [Xh, yh, wh, bh], cost(Xh, yh, wh, bh), category="a larger random problem"),
            case("one example", [[[1.0, -2.0]], [1], [0.5, 0.25], 0.1], cost([[1.0, -2.0]], [1], [0.5, 0.25], 0.1), category="a single example"),
        ]},
    }}
