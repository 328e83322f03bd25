/**
 * Decision exercises: the notebook describes a task ("predict whether a roast
 * is good", "which of four blobs", "a price, never negative") and the student
 * chooses the layers, the output activation, the loss and `fromLogits`. Every
 * right choice passes; each wrong one is explained.
 *
 * How: the built model is reduced to what the choice *means*, so that the
 * equivalent right answers become one value. A sigmoid output trained with
 * binary cross-entropy and a linear output trained with binary cross-entropy
 * `fromLogits: true` are the same model of P(y = 1); a softmax output with the
 * sparse loss and a linear one with the from-logits sparse loss are the same
 * class distribution (lesson 04). That meaning is compared with the stored
 * expected value like any other check. The reduction runs where the student's
 * code runs (in the grader, inside the sandbox) and returns plain data; the
 * explanation of a wrong choice is computed from that data, outside, like
 * every other mistake the checks name.
 */
import { describeModel, disposeModel, type ModelDescription } from "./describe-model";
import type { Alternative } from "./mistakes";
import { storedFunctionCheck, type StoredCheckDefinition, type StoredCheckOptions } from "./stored-checks";

/** What an output layer and its loss together predict. */
type Prediction =
  /** One probability per output unit, each on its own (sigmoid + binary cross-entropy, or linear + the from-logits one). */
  | "independent probabilities"
  /** One probability per class, adding up to 1 (softmax + sparse cross-entropy, or linear + the from-logits one). */
  | "class distribution"
  /** Any real number (linear output, squared error). */
  | "real number"
  /** A number ≥ 0 (ReLU output, squared error). */
  | "non-negative number"
  // Pairs that do not fit together: named so that the explanation can say why.
  | "logits read as probabilities"
  | "probabilities read as logits"
  | "sigmoid outputs as a class distribution"
  | "softmax outputs as independent probabilities"
  | "one-hot loss with integer labels"
  | "probability trained as a number"
  | "not compiled"
  | "unknown pairing";

/** How the hidden layers are judged: a fixed list (the lecture's network), or the student's own choice. */
type HiddenRule =
  /** No hidden layer: logistic regression, a single Dense layer. */
  | { kind: "none" }
  /** At least one hidden layer, each with a non-linear activation; any number of units. */
  | { kind: "nonlinear" }
  /** Exactly these layers (the lecture's network, whose numbers the lesson reproduces). */
  | { kind: "exactly"; layers: readonly { units: number; activation: string; name?: string }[] };

/** The task a decision exercise describes. */
export interface DecisionTask {
  hidden: HiddenRule;
}

/** A model reduced to the decisions: what the checks compare (and a few facts to explain with). */
export interface ModelDecision {
  inputs: number | null;
  /** "none", "non-linear", "a linear hidden layer", or the hidden layers themselves (rule "exactly"). */
  hidden: string | { units: number | null; activation: string; name?: string }[];
  outputUnits: number | null;
  predicts: Prediction;
  optimizer: { className: string; learningRate?: number };
  /** The raw choices, for explanations; not compared. */
  chose: { hiddenActivations: string[]; outputActivation: string; loss: string };
}

const LINEAR = "linear";

/** Loss display names (describe-model's lossName) → what the loss expects. Exact names only: anything else is "unknown". */
const LOSSES: Record<string, { family: "binary" | "sparse" | "one-hot" | "squared"; fromLogits: boolean }> = {
  binaryCrossentropy: { family: "binary", fromLogits: false },
  "binaryCrossentropy(fromLogits)": { family: "binary", fromLogits: true },
  sparseCategoricalCrossentropy: { family: "sparse", fromLogits: false },
  "sparseCategoricalCrossentropy(fromLogits)": { family: "sparse", fromLogits: true },
  categoricalCrossentropy: { family: "one-hot", fromLogits: false },
  meanSquaredError: { family: "squared", fromLogits: false },
};

/** What an output activation with a loss predicts. */
export function prediction(outputActivation: string, loss: string): Prediction {
  if (loss.startsWith("(not compiled")) return "not compiled";
  const l = LOSSES[loss];
  if (!l) return "unknown pairing";
  const act = outputActivation;
  switch (l.family) {
    case "binary":
      if (act === "softmax") return "softmax outputs as independent probabilities";
      if (l.fromLogits) return act === LINEAR ? "independent probabilities" : "probabilities read as logits";
      return act === "sigmoid" ? "independent probabilities" : act === LINEAR ? "logits read as probabilities" : "unknown pairing";
    case "sparse":
      if (act === "sigmoid") return "sigmoid outputs as a class distribution";
      if (l.fromLogits) return act === LINEAR ? "class distribution" : "probabilities read as logits";
      return act === "softmax" ? "class distribution" : act === LINEAR ? "logits read as probabilities" : "unknown pairing";
    case "one-hot":
      return "one-hot loss with integer labels";
    case "squared":
      if (act === LINEAR) return "real number";
      if (act === "relu") return "non-negative number";
      return "probability trained as a number";
  }
}

/** The transform of a decision check: a model description reduced to the decisions the task asks for. */
function decisionOf(d: ModelDescription, task: DecisionTask): ModelDecision {
  const layers = d.layers;
  const out = layers[layers.length - 1];
  const hiddenLayers = layers.slice(0, -1);
  const hiddenActivations = hiddenLayers.map((l) => l.activation ?? "(none)");
  let hidden: ModelDecision["hidden"];
  if (task.hidden.kind === "exactly") {
    const named = task.hidden.layers.some((l) => l.name !== undefined);
    hidden = hiddenLayers.map((l) => ({ units: l.units ?? null, activation: l.activation ?? "(none)", ...(named ? { name: l.name } : {}) }));
  } else if (hiddenLayers.length === 0) hidden = "none";
  else if (hiddenActivations.some((a) => a === LINEAR)) hidden = "a linear hidden layer";
  else hidden = "non-linear";
  const optimizer: ModelDecision["optimizer"] = { className: d.optimizer.className };
  if (d.optimizer.learningRate !== undefined) optimizer.learningRate = d.optimizer.learningRate;
  const outputActivation = out?.activation ?? "(none)";
  return {
    inputs: d.inputShape[1] ?? null,
    hidden,
    outputUnits: out?.units ?? null,
    predicts: prediction(outputActivation, d.loss),
    optimizer,
    chose: { hiddenActivations, outputActivation, loss: d.loss },
  };
}

/** What the task needs its output to predict. */
export type Target = "binary" | "multiclass" | "multilabel" | "real" | "nonNegative";

const WANTS: Record<Target, Prediction> = {
  binary: "independent probabilities",
  multilabel: "independent probabilities",
  multiclass: "class distribution",
  real: "real number",
  nonNegative: "non-negative number",
};

/** The `predicts` a target needs (what the oracle stores). */
export function predictionFor(target: Target): Prediction {
  return WANTS[target];
}

/** What a classification target's output activation is, for the explanations. */
function probabilityActivation(target: Target): "sigmoid" | "softmax" {
  return target === "multiclass" ? "softmax" : "sigmoid";
}

/** The right loss, named for the target, for the explanations. */
function rightLoss(target: Target): string {
  switch (target) {
    case "binary":
      return "binary cross-entropy (a sigmoid output, or a linear output with `fromLogits: true`)";
    case "multilabel":
      return "binary cross-entropy on one sigmoid per label (or linear outputs with `fromLogits: true`)";
    case "multiclass":
      return "the sparse categorical cross-entropy (a softmax output, or a linear output with `fromLogits: true`)";
    case "real":
      return "the squared error (meanSquaredError) on a linear output";
    case "nonNegative":
      return "the squared error (meanSquaredError) on a ReLU output";
  }
}

/**
 * Why a pairing of output activation and loss is wrong, for this task's
 * target: the same pairing calls for different advice when the labels are
 * class numbers (multiclass), 0/1 rows (multi-label) or numbers (regression).
 * Null when the pairing is coherent and the target decides (predictionMessage).
 */
function pairingMessage(got: ModelDecision, target: Target): string | null {
  const regression = target === "real" || target === "nonNegative";
  const loss = got.chose.loss;
  const act = got.chose.outputActivation;
  switch (got.predicts) {
    case "logits read as probabilities":
      if (regression) return `${loss} is a classification loss that reads the output as a probability, but this target is a number: train with ${rightLoss(target)}`;
      return `the output layer is linear, so it gives logits (any real number), but the loss reads them as probabilities and clips them into (0, 1): pass \`fromLogits: true\` to the course's loss, or give the output layer a ${probabilityActivation(target)} activation`;
    case "probabilities read as logits":
      if (regression) return `${loss} is a classification loss, but this target is a number: train with ${rightLoss(target)}`;
      return `the output layer already applies its ${act}, and the loss applies it again (\`fromLogits: true\`): use a linear output with \`fromLogits: true\`, or keep the activation and drop \`fromLogits\``;
    case "sigmoid outputs as a class distribution":
      if (target === "multiclass") return "sigmoid outputs are separate probabilities that need not add up to 1; a choice among classes needs a softmax (or a linear output with the from-logits loss)";
      if (target === "multilabel") return "the sigmoid outputs are right for labels that are each a yes/no, but the sparse categorical cross-entropy reads one class number per example; these labels are rows of 0s and 1s, several of which can be 1: train with binary cross-entropy";
      if (target === "binary") return "the sparse categorical cross-entropy is for one class among several; one yes/no output is trained with binary cross-entropy";
      return `the sparse categorical cross-entropy is a classification loss, but this target is a number: train with ${rightLoss(target)}`;
    case "softmax outputs as independent probabilities":
      if (target === "multiclass") return "a softmax output is right for one class among several, but binary cross-entropy scores each output as its own yes/no: pair the softmax with the sparse categorical cross-entropy";
      if (target === "multilabel") return "a softmax makes the outputs compete and add up to 1, so a photo could not show a car and a bus at once; each label needs its own sigmoid, scored with binary cross-entropy";
      if (target === "binary") return "a softmax over one unit is always exactly 1; one yes/no output needs a sigmoid (or a linear output with `fromLogits: true`)";
      return `a softmax output and binary cross-entropy make a classifier, but this target is a number: train with ${rightLoss(target)}`;
    case "one-hot loss with integer labels":
      if (target === "multiclass") return "categoricalCrossentropy expects one-hot rows, but the labels here are class numbers 0…N−1: use the sparse categorical cross-entropy";
      if (target === "multilabel") return `categoricalCrossentropy treats each row as one class among several, with outputs that add up to 1${act === "softmax" ? " (as your softmax output makes them)" : ""}; here each label is its own yes/no and several can be 1 at once: give every label its own sigmoid and train with binary cross-entropy`;
      if (target === "binary") return "categoricalCrossentropy is for one class among several; a yes/no answer is trained with binary cross-entropy";
      return `categoricalCrossentropy is a classification loss, but this target is a number: train with ${rightLoss(target)}`;
    case "probability trained as a number":
      if (regression) return `squared error is the right loss for a number, but the ${act} output squashes its value like a probability: use ${target === "real" ? "a linear" : "a ReLU"} output`;
      return `squared error is the loss for numbers; the ${act} output here is a probability, which is trained with ${rightLoss(target)}`;
    case "not compiled":
      return "the model is not compiled: call model.compile({ loss, optimizer }) before returning it";
    case "unknown pairing":
      return `this output activation and loss (${act} with ${loss}) do not make a model of any target the course teaches; this task needs ${rightLoss(target)}`;
    default:
      return null;
  }
}

/** Why the pairing chosen is not the one the task needs. */
function predictionMessage(got: ModelDecision, target: Target): string {
  const why = pairingMessage(got, target);
  if (why) return why;
  const chose = `${got.chose.outputActivation} output with ${got.chose.loss}`;
  switch (target) {
    case "binary":
    case "multilabel":
      return `${chose} predicts ${got.predicts === "class distribution" ? "one class among several" : `a ${got.predicts}`}, but each ${target === "binary" ? "example's answer" : "label"} is a yes/no: it needs a probability between 0 and 1 (sigmoid with binary cross-entropy, or a linear output with binary cross-entropy fromLogits)`;
    case "multiclass":
      return `${chose} predicts ${got.predicts === "independent probabilities" ? "a separate yes/no probability per output" : `a ${got.predicts}`}, but the answer is one class among several: it needs a distribution over the classes (softmax with sparse categorical cross-entropy, or a linear output with its fromLogits version)`;
    case "real":
      return `${chose} predicts ${got.predicts === "non-negative number" ? "only numbers ≥ 0 (a ReLU output cuts off negative values)" : `a ${got.predicts}`}, but this target can be negative: a regression output that can take any value is linear, trained with squared error`;
    case "nonNegative":
      return `${chose} predicts ${got.predicts === "real number" ? "any real number, negative ones included" : `a ${got.predicts}`}; this target is never negative, and the lecture's rule for y ≥ 0 is a ReLU output, trained with squared error`;
  }
}

function hiddenMessage(got: ModelDecision, expected: ModelDecision["hidden"], target: Target): string | null {
  if (JSON.stringify(got.hidden) === JSON.stringify(expected)) return null;
  if (expected === "none") return "logistic regression is a single Dense layer, with no hidden layer before it";
  if (expected === "non-linear") {
    if (got.hidden === "none") {
      return target === "real" || target === "nonNegative"
        ? "without a hidden layer the model can only fit a straight line (or plane) to the data; this task needs at least one hidden layer"
        : "without a hidden layer the model can only separate the classes with a straight line (or plane); this task needs at least one hidden layer";
    }
    if (got.hidden === "a linear hidden layer") return "a hidden layer with a linear activation adds nothing: linear layers stacked are one linear function (lesson 03); give hidden layers a non-linear activation such as ReLU";
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(got.hidden)) {
    if (got.hidden.length !== expected.length) return `the network described has ${expected.length} hidden layer(s) before the output; this model has ${got.hidden.length}`;
    const i = expected.findIndex((e, k) => JSON.stringify(e) !== JSON.stringify(got.hidden[k]));
    const e = expected[i];
    const g = got.hidden[i];
    if (e && g) return `hidden layer ${i + 1} should be as described (units, activation${e.name ? ", name" : ""}); it has ${g.units} units, activation ${g.activation}${e.name ? `, name ${g.name}` : ""}`;
  }
  return null;
}

/**
 * The explanation of a wrong decision, as a check "alternative" (judged from
 * the recorded data, outside the sandbox): every wrong choice is named, in
 * the order a student would fix them.
 */
export function explainDecision(target: Target): Alternative {
  return {
    name: "wrong-decision",
    expected: undefined,
    explain(gotValue: unknown, expectedValue: unknown): string | null {
      if (typeof gotValue !== "object" || gotValue === null || typeof expectedValue !== "object" || expectedValue === null) return null;
      const got = gotValue as ModelDecision;
      const want = expectedValue as ModelDecision;
      if (typeof got.chose !== "object" || got.chose === null) return null;
      const problems: string[] = [];
      if (got.inputs !== want.inputs) problems.push(`the first layer takes ${got.inputs} input(s), but each example has ${want.inputs} feature(s) (inputShape: [numFeatures])`);
      const hidden = hiddenMessage(got, want.hidden, target);
      if (hidden) problems.push(hidden);
      if (got.outputUnits !== want.outputUnits) {
        const per = target === "multiclass" ? "one per class" : target === "multilabel" ? "one per label" : "a single number per example";
        problems.push(`the output layer has ${got.outputUnits} unit(s); this task needs ${want.outputUnits} (${per})`);
      }
      if (got.predicts !== want.predicts) problems.push(predictionMessage(got, target));
      if (want.optimizer && JSON.stringify(got.optimizer) !== JSON.stringify(want.optimizer)) problems.push(`the task fixes the optimizer: ${want.optimizer.className}${want.optimizer.learningRate !== undefined ? ` with learning rate ${want.optimizer.learningRate}` : ""}`);
      return problems.length > 0 ? problems.join("; ") : null;
    },
  };
}

/**
 * A decision exercise's check: the student's function returns a compiled
 * model; its decisions are compared with the stored ones (oracle), and each
 * wrong choice is explained.
 */
export function decisionCheck(opts: Omit<StoredCheckOptions, "transform" | "dispose" | "keepsTensors" | "mistakes"> & { task: DecisionTask; target: Target | ((args: readonly unknown[]) => Target) }): StoredCheckDefinition {
  const { task, target, ...rest } = opts;
  // A target can depend on the case's arguments (a regression builder told whether its target can be negative).
  const targetOf = typeof target === "function" ? target : () => target;
  return storedFunctionCheck({ ...rest, transform: (m) => decisionOf(describeModel(m), task), dispose: disposeModel, keepsTensors: true, mistakes: (args) => [explainDecision(targetOf(args))] });
}
