/** Training: Keras' losses for model.compile (with fromLogits) and the course's fast fit for Dense stacks. */
export { BinaryCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError } from "./losses";
export { fit, planFit } from "./fit";
