"""The one place that registers perfeval's spaCy extension attributes.

- ``Doc._.perfeval_links``: ``value_of`` links as
  ``{"value": [start, end], "indicator": [start, end], "label": "value_of"}``, character offsets
  of a value in ``doc.ents`` and of its ``INDICATOR`` in ``doc.ents``;
- ``Doc._.perfeval_records``: the record dicts of ANNOTATION.md section 5 (``Record.to_dict()``);
- ``Doc._.perfeval_meta``: the document's ``name`` and :attr:`Document.meta`, so that a ``DocBin``
  round trip keeps them.

All default to ``None`` (a mutable default would be shared by every ``Doc``); whoever fills a
``Doc`` sets them. Values are plain lists and dicts so that ``DocBin(store_user_data=True)``
serialises them.
"""

from __future__ import annotations

from spacy.tokens import Doc

EXTENSIONS: tuple[str, ...] = ("perfeval_links", "perfeval_records", "perfeval_meta")


def register_extensions() -> None:
    """Register the ``Doc._.perfeval_*`` attributes; calling it again does nothing."""
    for name in EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
