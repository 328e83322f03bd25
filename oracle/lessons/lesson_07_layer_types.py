"""Expected values for lesson 07 (convolutional layers), numpy float64 and hand-derived structure."""
import numpy as np

from lessons.common import case, tolist

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
        },
    }
