"""The data sources' options as typed parameter specs (nnviz.graph.params, the same specs as a layer's and the
training settings'): one definition of each option's kind, default, range, label and help, read by the loaders
(read_option: the default when the spec leaves it out, a refusal naming it when it is out of range) and shown
by the data panel's form. A default here is also what a file without the option loads. Help texts are shown
as the form's tooltips (translated there), so each one is a sentence the UI's catalogue holds."""

from __future__ import annotations

from dataclasses import replace

from nnviz.graph.params import ParamSpec

SEED = ParamSpec("seed", "int", 0, "Same seed, same data and the same shuffle", 0, 2**32 - 1, label="Seed")
VAL_SPLIT = ParamSpec("val_split", "float", 0.2, "Share of samples held out to validate", 0.0, 0.95,
                      label="Validation")
LIMIT = ParamSpec("limit", "int", 0, "0 = all; fewer samples load and train faster", 0, 100_000_000,
                  label="Use at most")
FLAT = ParamSpec("flat", "bool", False, label="As flat vectors")
STANDARDIZE = ParamSpec("standardize", "bool", False, label="Standardise features")

# Sentences (shipped or the learner's file) hold out none unless asked (nnviz.data.text).
TEXT_VAL_SPLIT = replace(VAL_SPLIT, default=0.0)

# The sentences' tokenizer (nnviz.data.text; Keras' Tokenizer and pad_sequences).
TEXT_LANGUAGE = ParamSpec("language", "choice", "all", "", choices=("all", "en", "zh"), label="Language")
TEXT_LEVEL = ParamSpec("level", "choice", "words", "Words (Chinese: one character each) or single characters",
                       choices=("words", "characters"), label="Tokens")
TEXT_LOWER = ParamSpec("lower", "bool", True, label="Lowercase")
TEXT_NUM_WORDS = ParamSpec("num_words", "int", 100, "Ids 0 (padding) and 1 (unknown word) included; 0 = every token",
                           0, 1_000_000, label="Vocabulary (ids)")  # an Embedding's largest vocabulary
TEXT_MAXLEN = ParamSpec("maxlen", "int", 0, "Each sentence padded or cut to this; 0 = longest", 0, 10_000,
                        label="Length (ids)")
TEXT_PADDING = ParamSpec("padding", "choice", "pre", "Zeros in front (Keras) or behind", choices=("pre", "post"),
                         label="Padding")
TEXT_TRUNCATING = ParamSpec("truncating", "choice", "pre", "", choices=("pre", "post"), label="Cut long sentences")

# The shipped 8x8 digits (nnviz.data.digits): at most its 1,797 images.
DIGITS_LIMIT = replace(LIMIT, maximum=1797)

# What a sentence's target is (nnviz.data.text): its label, or at each position the token that follows it,
# for a model that writes text (issue 16's causal character model and Train > Sample).
TEXT_PREDICT = ParamSpec("predict", "choice", "label",
                         "Each sentence's label, or the next token at each position (to write text)",
                         choices=("label", "next_token"), label="Predict")

# Generated 2-D points (nnviz.data.generated).
POINTS_N = ParamSpec("n", "int", 200, "", 2, 1_000_000, label="Samples")
POINTS_NOISE = ParamSpec("noise", "float", 0.0, "", 0.0, 10.0, label="Noise")
CELLS = ParamSpec("cells", "int", 4, "", 2, 16, label="Cells per side")

# Colour shapes (nnviz.data.shapes).
SHAPES_N = ParamSpec("n", "int", 1000, "", 10, 200_000, label="Images")
SHAPES_NOISE = replace(POINTS_NOISE, default=0.05, maximum=1.0)


def with_default(option: ParamSpec, default: object) -> ParamSpec:
    """The same option where a source reads another default (the shipped sentences hold out none)."""
    return replace(option, default=default)


# Every option above, for the checks that the form and the loaders follow them.
ALL = (SEED, VAL_SPLIT, TEXT_VAL_SPLIT, TEXT_PREDICT, LIMIT, FLAT, STANDARDIZE, POINTS_N, POINTS_NOISE, CELLS, SHAPES_N,
       SHAPES_NOISE, TEXT_LANGUAGE, TEXT_LEVEL, TEXT_LOWER, TEXT_NUM_WORDS, TEXT_MAXLEN, TEXT_PADDING, TEXT_TRUNCATING,
       DIGITS_LIMIT)
