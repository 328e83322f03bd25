"""The trained coffee-roasting network of the Course 2, Week 1 optional lab (Dense 3
sigmoid -> Dense 1 sigmoid on normalised temperature and duration), in float64.

The one oracle copy of its numbers, used by lesson 01 (run as a whole) and
lesson 02 (the dense/sequential cases); lib/course/coffee-network.ts holds the
same numbers for the notebooks.
"""
import numpy as np

from lessons.common import sigmoid, tolist

# Per-feature mean and population variance of the data it was trained on.
MEAN = np.array([218.668, 13.4307])
VARIANCE = np.array([1596.93, 1.27333])
# W is inputs x units: column j holds unit j's weights (the Keras/tfjs kernel layout).
W1 = [[-8.94, 0.29, 12.89], [-0.17, -7.34, 10.79]]
B1 = [-9.87, -9.28, 1.01]
W2 = [[-31.38], [-27.86], [-32.79]]
B2 = [15.54]
# The Week 1 optional lab's two roasts (not the lecture's): 200 °C for 13.9 min (good) and for 17 min (too long).
INPUTS = [[200.0, 13.9], [200.0, 17.0]]
# The layers as the `sequential` exercise takes them (activations by name).
LAYERS = [{"W": W1, "b": B1, "g": "sigmoid"}, {"W": W2, "b": B2, "g": "sigmoid"}]


def normalise(X):
    """(x - mean) / sqrt(variance) for every (temperature, duration) row."""
    return (np.asarray(X, dtype=np.float64) - MEAN) / np.sqrt(VARIANCE)


def predict(X):
    """The network's probability of a good roast for every row of X (original units)."""
    a1 = sigmoid(normalise(X) @ np.array(W1) + np.array(B1))
    return sigmoid(a1 @ np.array(W2) + np.array(B2))[:, 0]
