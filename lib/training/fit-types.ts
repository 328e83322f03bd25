/** The names the fast fit path uses for activations and losses (shared by the plan, the kernels and the losses). */

/** Activations the fast path differentiates. */
export type Activation = "linear" | "relu" | "sigmoid" | "tanh";

/**
 * A loss the fast path computes, with its exact formula:
 * - `sparseCategoricalFromLogits`: course SparseCategoricalCrossentropy({ fromLogits: true }), linear output;
 * - `binaryFromLogits`: course BinaryCrossentropy({ fromLogits: true }), linear output;
 * - `binaryFromProbabilities`: course BinaryCrossentropy(), sigmoid output; Keras' form, clip to [ε, 1 − ε] and ε inside the logs;
 * - `tfjsBinaryCrossentropy`: tfjs' string 'binaryCrossentropy', sigmoid output; clip to [ε, 1 − ε], then the logit form, no ε in the logs;
 * - `meanSquaredError`: course MeanSquaredError() or tfjs' 'meanSquaredError', any activation.
 */
export type FitLoss = "sparseCategoricalFromLogits" | "binaryFromLogits" | "binaryFromProbabilities" | "tfjsBinaryCrossentropy" | "meanSquaredError";
