"""The rule layer: value grammar, normalisation and a heuristic indicator linker.

It runs alone (``rules_only``) and behind the model, where it fills values the model
missed, normalises every value and links what the model left unlinked.
"""

from perfeval.rules.values import ValueMatch, find_values
from perfeval.rules.normalize import Normalized, normalize

__all__ = ["ValueMatch", "find_values", "Normalized", "normalize"]
