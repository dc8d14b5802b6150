"""Exercises: the learner computes a micro-step's value first, nnviz judges it (no Qt).

    question.py    what is asked at a micro-step: the value, the formula's inputs, the hint and the value
                   each catalogued mistake gives (recomputed from the micro-step's own tensors)
    recipes/       those recomputations, one module per family (dense and activations, losses, updates,
                   conv and LSTM)
    mistakes.py    the catalogue of mistakes, each with the sentence a learner reads
    judge.py       reading the learner's number, the tolerance, the verdict and its diagnosis
    lesson.py      the lesson files of resources/lessons/ (docs/lessons.md), validated on load
    runner.py      a lesson played on a session: its explanations, stops and questions
    command.py     `nnviz lesson [NAME]` in a terminal
"""
