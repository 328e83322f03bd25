"""Expected values for lesson 04 (softmax, round-off, losses from logits), numpy float64."""
import numpy as np

from lessons.common import case, quiz_check, tolist

SLUG = "04-softmax"
EPS = 1e-7  # Keras' epsilon: probabilities are clipped into [EPS, 1 - EPS]


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z)
    return z - (m + np.log(np.sum(np.exp(z - m))))


def softmax(z):
    return np.exp(log_softmax(z))


def scce(y, p, from_logits):
    """Mean over examples of −log(probability of the label)."""
    losses = []
    for label, row in zip(y, p):
        if from_logits:
            losses.append(-log_softmax(row)[label])
        else:
            losses.append(-np.log(np.clip(row[label], EPS, 1 - EPS)))
    return float(np.mean(losses))


def bce_logits(y, z):
    y, z = np.asarray(y, dtype=np.float64), np.asarray(z, dtype=np.float64)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


# Logits z = log a of a known distribution a = (0.10, 0.20, 0.30, 0.40): softmax must give a back. (Not the
# lecture's a1..a3 = 0.30, 0.20, 0.15: its a4 is the graded quiz's answer, which a failed check would show.)
KNOWN_Z = tolist(np.log([0.10, 0.20, 0.30, 0.40]))


def multiclass(n):
    """A decision exercise (lib/checks/decision.ts): the lab's hidden layers (Dense 25 relu -> 15 relu on
    2 inputs), then a distribution over n classes (softmax + sparse loss, or linear + its from-logits version)."""
    return {"inputs": 2, "hidden": [{"units": 25, "activation": "relu"}, {"units": 15, "activation": "relu"}],
            "outputUnits": n, "predicts": "class distribution", "optimizer": {"className": "Adam", "learningRate": 0.01}}


def multilabel(n):
    """A decision exercise (lib/checks/decision.ts): any non-linear hidden layers, then one
    independent probability per label (sigmoid + binary cross-entropy, or linear + from logits)."""
    return {"inputs": 2, "hidden": "non-linear", "outputUnits": n, "predicts": "independent probabilities",
            "optimizer": {"className": "Adam", "learningRate": 0.01}}


SOFTMAX_OTHER_OPTIONS = {"a": "0.71", "b": "0.29", "c": "0.5", "d": "it cannot be known without z2"}
A4_OPTIONS = {"a": "0.65", "b": "0.35", "c": "0.25", "d": "it cannot be known without z4"}


def build():
    tight = {"atol": 1e-10, "rtol": 1e-10}  # the course's softmax test uses atol 1e-10
    z_big = [1000.0, 1001.0, 1002.0]
    return {
        "checks": {
            "04.mySoftmax": {**tight, "cases": [
                case("z = [1, 2, 3, 4]", [[1, 2, 3, 4]], tolist(softmax([1, 2, 3, 4]))),
                case("logits of a known distribution: z = log(0.10, 0.20, 0.30, 0.40)", [KNOWN_Z], tolist(softmax(KNOWN_Z))),
                case("two equal logits", [[0, 0]], [0.5, 0.5]),
                case("one class", [[5]], [1.0]),
            ]},
            "04.stableSoftmax": {**tight, "cases": [
                case("z = [1, 2, 3, 4]", [[1, 2, 3, 4]], tolist(softmax([1, 2, 3, 4]))),
                case("large logits [1000, 1001, 1002]", [z_big], tolist(softmax(z_big))),
                case("very negative logits", [[-1000, -1001, -1002]], tolist(softmax([-1000, -1001, -1002]))),
                case("logits far apart", [[-1000, 0, 1000]], tolist(softmax([-1000, 0, 1000]))),
            ]},
            "04.logSoftmax": {**tight, "cases": [
                case("z = [1, 2, 3]", [[1, 2, 3]], tolist(log_softmax([1, 2, 3]))),
                case("large logits [1000, 1001, 1002]", [z_big], tolist(log_softmax(z_big))),
                case("log of a tiny probability stays finite", [[-1000, 0, 1000]], tolist(log_softmax([-1000, 0, 1000]))),
            ]},
            "04.sparseCategoricalCrossentropy": {**tight, "cases": [
                case("probabilities (Keras' example, 1.177)", [[1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], False],
                     scce([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], False)),
                case("probability 0 for the label is clipped to 1e-7", [[0], [[0.0, 0.6, 0.4]], False], scce([0], [[0.0, 0.6, 0.4]], False)),
                case("from logits", [[0, 1, 2], [[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 3.0]], True],
                     scce([0, 1, 2], [[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 3.0]], True)),
                case("from extreme logits", [[1, 0], [[1000.0, 0.0, -1000.0], [1000.0, 1001.0, 1002.0]], True],
                     scce([1, 0], [[1000.0, 0.0, -1000.0], [1000.0, 1001.0, 1002.0]], True)),
            ]},
            "04.binaryCrossentropyFromLogits": {**tight, "cases": [
                case("Keras' example (0.865)", [[0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]], bce_logits([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])),
                case("confident and right, |z| = 1000", [[1, 0], [1000.0, -1000.0]], bce_logits([1, 0], [1000.0, -1000.0])),
                case("confident and wrong, |z| = 1000", [[0, 1], [1000.0, -1000.0]], bce_logits([0, 1], [1000.0, -1000.0])),
                case("z = 40 with y = 0 (sigmoid(40) rounds to 1)", [[0], [40.0]], bce_logits([0], [40.0])),
            ]},
            "04.buildMulticlassModel": {"atol": 0, "rtol": 0, "cases": [
                case("4 classes (the blobs)", [4], multiclass(4)),
                case("10 classes", [10], multiclass(10)),
            ]},
            "04.buildMultiLabelModel": {"atol": 0, "rtol": 0, "cases": [
                case("3 labels (car, bus, pedestrian)", [3], multilabel(3)),
                case("5 labels", [5], multilabel(5)),
            ]},
            # Graded quiz. The lecture's in-video question: a1, a2, a3 = 0.30, 0.20, 0.15, so a4 = 1 - 0.65 = 0.35.
            "04.quiz.softmaxA4": quiz_check("a4 of a four-unit softmax when a1, a2, a3 = 0.30, 0.20, 0.15", A4_OPTIONS,
                                            next(k for k, v in A4_OPTIONS.items() if v == f"{1 - (0.30 + 0.20 + 0.15):.2f}"), feedback={
                "a": "0.65 is a₁ + a₂ + a₃, the probability that the class is one of the first three; a₄ is what remains of 1 after them.",
                "b": "the four outputs are the probabilities of the four classes and add up to 1, so a₄ = 1 − (0.30 + 0.20 + 0.15).",
                "c": "0.25 would make the four outputs add up to 0.90, yet softmax outputs always add up to exactly 1.",
                "d": "z₄ is not needed: every output shares the same denominator, so the four add up to 1 and three of them fix the fourth.",
            }),
            # Graded quiz. Two softmax outputs add up to 1: the right option is the one equal to 1 - a1.
            "04.quiz.softmaxOther": quiz_check("a2 of a two-unit softmax when a1 = 0.71", SOFTMAX_OTHER_OPTIONS,
                                               next(k for k, v in SOFTMAX_OTHER_OPTIONS.items() if v == f"{1 - 0.71:.2f}"), feedback={
                "a": "two softmax outputs add up to 1, so they are equal only when both are 0.5.",
                "b": "the two outputs add up to 1, so a₂ = 1 − a₁; with two classes softmax gives the same answer as logistic regression.",
                "c": "0.5 would mean both classes are equally likely, yet class 1 has the larger output here.",
                "d": "it can be known: the softmax outputs always add up to 1, so with N = 2 one output fixes the other.",
            }),
            "04.quiz.multiLabel": quiz_check("which problem is multi-label", {
                "a": "reading one handwritten digit, 0 to 9, from an image",
                "b": "telling, for one photo, whether it shows a car, whether it shows a bus and whether it shows a pedestrian",
                "c": "telling whether a tumour is malignant or benign",
                "d": "predicting tomorrow's temperature",
            }, "b", feedback={
                "a": "each image shows exactly one digit: one label out of ten classes, which is multiclass (a softmax).",
                "b": "one photo gets three independent yes/no labels, so the output is a vector of three sigmoids rather than a softmax.",
                "c": "that is one yes/no label per example: binary classification.",
                "d": "a temperature is a real number: that is regression, not classification.",
            }),
            # Multi-select ("all that apply"): the outputs add up to 1 (a), and for N = 2 softmax is logistic
            # regression (c, the lecture's remark); each a_j depends on every z_k (so b is false), and
            # competing outputs cannot give several yes answers (so d is false).
            "04.quiz.softmaxFacts": quiz_check("which statements about a softmax output layer are true", {
                "a": "its outputs add up to 1",
                "b": "each output a_j depends only on its own z_j",
                "c": "with two output units it computes essentially what logistic regression computes",
                "d": "it is the right output layer when one example can have several labels at once",
            }, ["a", "c"], feedback={
                "a": "every aⱼ shares the same denominator Σₖ e^zₖ, so the outputs add up to 1 (a probability distribution over the classes).",
                "b": "the denominator contains every zₖ, so changing any one z changes every output. That is what sets softmax apart from sigmoid or ReLU, which act on each z alone.",
                "c": "with N = 2, a₁ = 1 / (1 + e^(z₂ − z₁)), a sigmoid of z₁ − z₂, so softmax regression reduces to logistic regression (with a slightly different parameterisation).",
                "d": "softmax outputs compete and add up to 1, so they cannot say \"yes\" to several labels at once; multi-label needs one independent sigmoid per label.",
            }),
        },
    }
