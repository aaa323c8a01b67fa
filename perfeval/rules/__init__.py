"""The rule layer: value grammar, table cells, normalisation and a heuristic indicator linker.

It runs alone (``rules_only``) and behind the model, where it fills values the model
missed, normalises every value and links what the model left unlinked.
"""

from perfeval.rules.normalize import Normalized, normalize
from perfeval.rules.values import ValueMatch, find_prose_values

__all__ = ["ValueMatch", "find_prose_values", "Normalized", "normalize"]
