"""perfeval as a spaCy pipeline component: ``nlp.add_pipe("perfeval")``.

The ``perfeval`` factory is advertised through the ``spacy_factories`` entry point
(``pyproject.toml``); spaCy imports this module when it builds a ``Language``, so the
factory is available without importing perfeval::

    nlp = spacy.blank("zh")
    nlp.add_pipe("perfeval", config={"model": None, "rules_only": True})
    doc = nlp("2023年年度预算 2054.25 万元，完成预算的 90.6%。")
    doc.ents                 # MONEY / PERCENT / COUNT / SCORE / INDICATOR spans
    doc._.perfeval_records   # record dicts (ANNOTATION.md section 5)
    doc._.perfeval_links     # [{"value": [s, e], "indicator": [s, e], "label": "value_of"}]

Each entity carries ``ent._.value``, ``ent._.unit`` and ``ent._.indicator`` (the linked
``INDICATOR`` span; :mod:`perfeval.spacy_ext`), and displaCy draws the five labels in the
colours of ``perfeval render``::

    from spacy import displacy
    from perfeval.spacy_component import DISPLACY_OPTIONS
    displacy.render(doc, style="ent", options=DISPLACY_OPTIONS)

Config: ``model`` is a model directory (``None``: perfeval's default model) and
``rules_only`` skips the model and uses the rules alone; both go to :func:`perfeval.load`.
The extractor is loaded on the first document, not when the pipeline is built, and is
left out of pickles, so ``nlp.pipe(texts, n_process=2)`` ships only the config to
spawned worker processes, which load their own extractor. A forked worker of a process that
had already run the model (``nlp(text)`` before ``nlp.pipe(...)``) loads its own too: a
runtime's thread pool does not survive a fork. In any worker the model runs on one thread
(``PERFEVAL_THREADS=1`` unless set), which keeps the workers from fighting over the cores.

Alignment: perfeval works on characters, spaCy on tokens. Each entity becomes
``doc.char_span(start, end, label, alignment_mode="expand")``: with spaCy's default
Chinese segmenter (``"char"``: one token per character) spans are exact; with a word
segmenter (``"pkuseg"``, ``"jieba"``) a span that cuts a word grows to the whole word;
entities that grow to the same words become one span, and where grown spans overlap
otherwise the longer one is kept (:func:`spacy.util.filter_spans`) and links to the
dropped one are left out. ``doc._.perfeval_links`` uses the offsets of the spans
in ``doc.ents``, so :func:`perfeval.data.spacy.from_spacy_doc` reads the result back;
``doc._.perfeval_records`` keep the exact character offsets of the extraction.

pkuseg needs a model that spaCy cannot download for you here. Configure it as spaCy
documents and initialise the tokenizer before adding texts::

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.tokenizer.initialize(pkuseg_model="/path/to/pkuseg_model")
    nlp.add_pipe("perfeval")

(or set ``[initialize.tokenizer] pkuseg_model`` in the config and call
``nlp.initialize()``). An uninitialised pkuseg tokenizer fails in spaCy's tokenizer,
before this component runs, with spaCy's own message (E1000).
"""

from __future__ import annotations

import os
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from perfeval import Extractor, load
from perfeval.model.runtime import THREADS_VARIABLE
from perfeval.spacy_ext import register_extensions, storable_records
from perfeval.types import LABELS, Document

__all__ = ["DISPLACY_OPTIONS", "LABEL_COLORS", "PerfevalComponent", "apply_document", "make_perfeval"]

# the colours of the review page (templates/render.css), so both views read the same
LABEL_COLORS: dict[str, str] = {
    "MONEY": "#7aecec", "PERCENT": "#bfeeb7", "COUNT": "#feca74", "SCORE": "#aa9cfc", "INDICATOR": "#ffd1dc",
}
DISPLACY_OPTIONS: dict[str, Any] = {"ents": list(LABELS), "colors": LABEL_COLORS}


class PerfevalComponent:
    """Runs a perfeval extractor on ``doc.text`` and writes its result into the ``Doc``."""

    def __init__(self, name: str = "perfeval", model: str | None = None, rules_only: bool = False) -> None:
        self.name = name
        self.model = model
        self.rules_only = rules_only
        self._home_pid = os.getpid()  # the process that built the component
        self._ready_pid: int | None = None  # the process the extractor was loaded in
        self._extractor: Extractor | None = None
        register_extensions()

    @property
    def extractor(self) -> Extractor:
        """The :class:`perfeval.Extractor`, loaded on first use in each process; in a worker,
        on one thread (see the module docstring)."""
        pid = os.getpid()
        if self._ready_pid != pid:
            if pid != self._home_pid:
                os.environ.setdefault(THREADS_VARIABLE, "1")
                self._extractor = None  # made before a fork: its runtime has no threads here
            self._ready_pid = pid
        if self._extractor is None:
            self._extractor = load(model=self.model, rules_only=self.rules_only)
        return self._extractor

    def __call__(self, doc: Doc) -> Doc:
        return apply_document(doc, self.extractor.extract(doc.text))

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "model": self.model, "rules_only": self.rules_only, "home_pid": self._home_pid}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name, self.model, self.rules_only = state["name"], state["model"], state["rules_only"]
        self._home_pid = state["home_pid"]
        self._ready_pid = None
        self._extractor = None
        register_extensions()


def _aligned_spans(doc: Doc, document: Document) -> dict[int, Span]:
    """Entity index -> its span in ``doc``, grown to token boundaries.

    Entities that grow to the same tokens share one span (the first entity's label);
    of spans that overlap otherwise, :func:`spacy.util.filter_spans` keeps the longest.
    """
    by_tokens: dict[tuple[int, int], Span] = {}
    token_range: dict[int, tuple[int, int]] = {}
    for index, entity in enumerate(document.entities):
        span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
        if span is not None:
            token_range[index] = (span.start, span.end)
            by_tokens.setdefault((span.start, span.end), span)
    kept = {(span.start, span.end) for span in filter_spans(list(by_tokens.values()))}
    return {index: by_tokens[tokens] for index, tokens in token_range.items() if tokens in kept}


def apply_document(doc: Doc, document: Document) -> Doc:
    """Set ``doc.ents`` and the ``doc._.perfeval_*`` attributes from an extraction of ``doc.text``."""
    register_extensions()
    spans = _aligned_spans(doc, document)
    doc.ents = sorted({(s.start, s.end): s for s in spans.values()}.values(), key=lambda s: s.start)
    links = [
        {
            "value": [spans[rel.head].start_char, spans[rel.head].end_char],
            "indicator": [spans[rel.tail].start_char, spans[rel.tail].end_char],
            "label": rel.label,
        }
        for rel in document.relations
        if rel.head in spans and rel.tail in spans and spans[rel.head] is not spans[rel.tail]
    ]
    doc._.perfeval_links = sorted(links, key=lambda link: link["value"])
    doc._.perfeval_records = storable_records(document.records)
    doc._.perfeval_meta = {"name": document.name, "meta": document.meta}
    return doc


@Language.factory(
    "perfeval",
    default_config={"model": None, "rules_only": False},
    assigns=["doc.ents", "doc._.perfeval_records", "doc._.perfeval_links", "doc._.perfeval_meta"],
)
def make_perfeval(nlp: Language, name: str, model: str | None, rules_only: bool) -> PerfevalComponent:
    """The ``perfeval`` factory (see the module docstring for the config)."""
    return PerfevalComponent(name, model, rules_only)
