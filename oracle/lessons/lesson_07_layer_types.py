"""Expected values for lesson 07 (convolutional layers), numpy float64 and hand-derived structure."""
import numpy as np

from lessons.common import case, quiz_check, tolist

SLUG = "07-layer-types"


def conv1d_valid(x, kernel, stride):
    """Cross-correlation, no padding: out[i] = Σ_k x[i·stride + k]·kernel[k] (no kernel flip, as tf.conv1d)."""
    x, kernel = np.asarray(x, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    n, k = len(x), len(kernel)
    out = np.array([np.dot(x[i * stride:i * stride + k], kernel) for i in range((n - k) // stride + 1)])
    # A second, independent route: numpy's own valid cross-correlation, every stride-th value.
    assert np.allclose(out, np.correlate(x, kernel, mode="valid")[::stride], rtol=0, atol=1e-12)
    return tolist(out)


def conv_out(n, kernel, stride):
    """Positions a valid window of width `kernel` stops at on n inputs, moving by `stride`."""
    return (n - kernel) // stride + 1


def conv_params(kernel, in_channels, filters):
    """Every filter has kernel·in_channels weights and one bias."""
    return kernel * in_channels * filters + filters


def ekg_model():
    """100 inputs → conv (window 20, stride 10, 1 filter, ReLU) → conv (window 5, stride 2, 1 filter, ReLU) → 1 sigmoid.
    One filter per layer: the lecture's layers have one unit per window (9, then 3)."""
    n0 = 100
    n1 = conv_out(n0, 20, 10)
    n2 = conv_out(n1, 5, 2)
    assert (n1, n2) == (9, 3)
    p1, p2, p3 = conv_params(20, 1, 1), conv_params(5, 1, 1), n2 * 1 + 1
    return {"inputShape": [None, n0, 1],
            "layers": [{"className": "Conv1D", "filters": 1, "kernelSize": [20], "strides": [10], "activation": "relu", "outputShape": [None, n1, 1], "params": p1},
                       {"className": "Conv1D", "filters": 1, "kernelSize": [5], "strides": [2], "activation": "relu", "outputShape": [None, n2, 1], "params": p2},
                       {"className": "Flatten", "outputShape": [None, n2], "params": 0},
                       {"className": "Dense", "units": 1, "activation": "sigmoid", "outputShape": [None, 1], "params": p3}],
            "params": p1 + p2 + p3,
            "loss": "binaryCrossentropy"}


def build():
    g = np.random.default_rng(7)
    x100 = tolist(np.round(g.normal(size=100), 3))
    k20 = tolist(np.round(g.normal(size=20), 3))
    tight = {"atol": 1e-10, "rtol": 1e-10}
    return {
        "checks": {
            "07.conv1dValid": {**tight, "cases": [
                case("stride 1", [[1, 2, 3, 4, 5], [1, 0, -1], 1], conv1d_valid([1, 2, 3, 4, 5], [1, 0, -1], 1)),
                case("not flipped: kernel [1, 2]", [[1, 0, 0, 0], [1, 2], 1], conv1d_valid([1, 0, 0, 0], [1, 2], 1)),
                case("stride 2, the last window does not fit", [[3, 1, 4, 1, 5, 9, 2, 6], [0.5, -1, 2], 2], conv1d_valid([3, 1, 4, 1, 5, 9, 2, 6], [0.5, -1, 2], 2)),
                case("the lecture's layer 1: 100 inputs, window 20, stride 10 → 9 outputs", [x100, k20, 10], conv1d_valid(x100, k20, 10)),
                case("kernel as long as the input", [[1, 2, 3], [4, 5, 6], 1], conv1d_valid([1, 2, 3], [4, 5, 6], 1)),
                case("the lecture's layer 2: 9 inputs, window 5, stride 2 → 3 outputs", [x100[:9], k20[:5], 2], conv1d_valid(x100[:9], k20[:5], 2)),
                case("stride larger than the kernel skips inputs", [[1, 2, 3, 4, 5, 6, 7], [1, -1], 3], conv1d_valid([1, 2, 3, 4, 5, 6, 7], [1, -1], 3)),
            ]},
            "07.buildEkgModel": {"atol": 0, "rtol": 0, "cases": [
                case("the lecture's EKG network", [], ekg_model()),
                case("built again: same structure", [], ekg_model()),
            ]},
            **quiz(),
        },
    }


def receptive_field(units, window, stride, below_window, below_stride):
    """The samples (1-based, inclusive) a unit of a layer sees when it looks at `units` (1-based) of the layer below."""
    first, last = units[0], units[-1]
    return (first - 1) * below_stride + 1, (last - 1) * below_stride + below_window


def quiz():
    """Graded quiz on the lecture's EKG network: a unit of conv layer 1 sees a window of 20 samples; a unit of
    conv layer 2 sees 5 units of layer 1, whose windows together span samples 1-60."""
    assert receptive_field([1, 2, 3, 4, 5], 5, 2, 20, 10) == (1, 60)
    return {
        "07.quiz.firstLayerInputs": quiz_check("how many inputs a unit of the first conv layer looks at", {
            "a": "100", "b": "20", "c": "9", "d": "10",
        }, "b", feedback={
            "a": "100 is what a dense unit looks at: every sample. A convolutional unit looks only at its own window.",
            "b": "each unit of layer 1 looks at one window of 20 consecutive samples (unit 1 at samples 1–20, unit 2 at 11–30, …).",
            "c": "9 is the number of units in the layer, one per window position, not the size of one window.",
            "d": "10 is the stride, how far each window moves from the previous one; the windows themselves are longer and overlap.",
        }),
        "07.quiz.secondLayerSees": quiz_check("which samples the first unit of the second conv layer depends on", {
            "a": "samples 1–5",
            "b": "samples 1–20",
            "c": "samples 1–60",
            "d": "all 100 samples",
        }, "c", feedback={
            "a": "the unit looks at 5 units of layer 1, not 5 samples, and each of those units summarises a window of 20 samples.",
            "b": "samples 1–20 are the window of layer 1's first unit alone; the unit also looks at units 2–5, whose windows reach further.",
            "c": "units 1–5 of layer 1 look at samples 1–20, 11–30, 21–40, 31–50 and 41–60: together, samples 1–60.",
            "d": "only the output unit, which looks at all 3 units of layer 2, depends on the whole trace.",
        }),
    }
