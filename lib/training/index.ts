/** Training: Keras' losses for model.compile (with fromLogits) and the course's fast fit for Dense stacks. */
export { BinaryCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError, EPSILON, type CourseLoss, type CourseLossKind, type CrossentropyOptions } from "./losses";
export { fit, planFit, type FitHistory, type FitOptions, type FitPlan } from "./fit";
