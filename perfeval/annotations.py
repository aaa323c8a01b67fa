"""Annotation tooling: check corpus files, and move documents to and from labelling tools.

Everything here works on the *raw* JSON (doccano's format, ANNOTATION.md section 4), because
:func:`~perfeval.data.doccano.doc_from_doccano` drops entity ids and would hide dangling or
duplicate ids. Checks return :class:`Problem` lists and never print; the CLI prints.

Relabelling loop::

    perfeval annotations export-tasks report.txt --to labelstudio -o tasks.json
    # or, as a review queue: only the documents with a figure the model is unsure of, most uncertain first
    perfeval annotations export-tasks reports/ --to labelstudio --below 0.8 -o queue.json
    # label in Label Studio (project config: label_config.xml next to tasks.json), export JSON
    perfeval annotations import export.json --from labelstudio -o annotations/reports/new.jsonl

Label Studio's Text tag counts offsets in code points (as Python does), so its ``start`` and
``end`` are used as they are; the ``text`` it stores with each region is checked against them.
"""

from __future__ import annotations

import json
import reprlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from perfeval.data.doccano import annotation_files, doc_from_doccano, doc_to_doccano
from perfeval.readers import ReadError, document_names
from perfeval.types import INDICATOR, LABELS, VALUE_LABELS, VALUE_OF, Document
from perfeval.writers import atomic_path

Tool = Literal["labelstudio", "doccano"]
NOT_UTF8 = "not UTF-8 text; save the file as UTF-8"
TOO_DEEP = "JSON nested too deeply to be an annotation; check what wrote this file"
_SHORT = reprlib.Repr()  # bad values in messages: short, never deep
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 60, 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an annotation; ``where`` is ``file:line`` or ``file: task N``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class CheckResult:
    """Problems found, and the documents of the objects that had none.

    ``seen`` maps each document id to where it was first found, so that a second
    document with the same id is a problem too.
    """

    problems: list[Problem] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)  # left out, with the reason (not an error)

    def add(self, where: str, obj: Any) -> None:
        """Check one doccano object found at ``where`` and keep its document if it is sound."""
        messages = check_object(obj)
        if not messages and str(obj["id"]) in self.seen:
            messages = [f"document id {obj['id']!r} is already used at {self.seen[str(obj['id'])]}"]
        self.problems += [Problem(where, m) for m in messages]
        if not messages:
            self.seen[str(obj["id"])] = where
            self.documents.append(doc_from_doccano(obj))


# --- checking ---------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    """Ids are strings or integers (doccano's are integers, Label Studio's strings)."""
    return isinstance(value, str) or _is_int(value)


def _has_span(ent: Any) -> bool:
    return isinstance(ent, dict) and _is_id(ent.get("id")) and _is_int(ent.get("start_offset")) and _is_int(ent.get("end_offset"))


def _short(value: Any) -> Any:
    """``value`` as it is for a string or an integer; a short repr of anything else."""
    return value if isinstance(value, (str, int)) else _SHORT.repr(value)


def _describe(ent: dict[str, Any]) -> str:
    ident, label, start, end = (_short(ent.get(key)) for key in ("id", "label", "start_offset", "end_offset"))
    return f"entity {ident} ({label} {start}-{end})"


def _check_entity(ent: Any, text: str) -> list[str]:
    if not isinstance(ent, dict) or "id" not in ent:
        return [f"entity without an id: {_SHORT.repr(ent)}"]
    if not _is_id(ent["id"]):
        return [f"entity id {_SHORT.repr(ent['id'])} must be a string or an integer"]
    if not _has_span(ent):
        return [f"{_describe(ent)}: start_offset and end_offset must be integers"]
    start, end, label = ent["start_offset"], ent["end_offset"], ent.get("label")
    problems = []
    if label not in LABELS:
        problems.append(f"{_describe(ent)}: unknown label {label!r} (known: {', '.join(LABELS)})")
    if not 0 <= start < end <= len(text):
        problems.append(f"{_describe(ent)}: span outside the text (0-{len(text)}) or empty")
    elif "text" in ent and ent["text"] != text[start:end]:
        problems.append(f"{_describe(ent)}: its text {ent['text']!r} is not the document's {text[start:end]!r}")
    return problems


def _duplicate_ids(items: list[dict[str, Any]], kind: str) -> list[str]:
    counts = Counter(item["id"] for item in items)
    return [f"{kind} id {i} is used {n} times" for i, n in counts.items() if n > 1]


def _overlaps(entities: list[dict[str, Any]], length: int) -> list[str]:
    spans = sorted(
        (e for e in entities if 0 <= e["start_offset"] < e["end_offset"] <= length),
        key=lambda e: (e["start_offset"], e["end_offset"]),
    )
    problems = []
    reach: dict[str, Any] | None = None  # the entity seen so far that ends last
    for ent in spans:
        if reach is not None and ent["start_offset"] < reach["end_offset"]:
            problems.append(f"{_describe(ent)} overlaps entity {reach['id']}")
        if reach is None or ent["end_offset"] > reach["end_offset"]:
            reach = ent
    return problems


def _check_relations(relations: list[Any], by_id: dict[Any, dict[str, Any]]) -> list[str]:
    problems = []
    links: dict[Any, list[Any]] = {}
    for rel in relations:
        if not isinstance(rel, dict) or "id" not in rel:
            problems.append(f"relation without an id: {_SHORT.repr(rel)}")
            continue
        if not _is_id(rel["id"]):
            problems.append(f"relation id {_SHORT.repr(rel['id'])} must be a string or an integer")
            continue
        name = f"relation {rel['id']}"
        if rel.get("type") != VALUE_OF:
            problems.append(f"{name}: unknown relation type {_SHORT.repr(rel.get('type'))} (known: {VALUE_OF})")
        ends = [rel.get(key) for key in ("from_id", "to_id")]
        head, tail = (by_id.get(end) if _is_id(end) else None for end in ends)
        for key, end, ent in zip(("from_id", "to_id"), ends, (head, tail)):
            if ent is None:
                problems.append(f"{name}: {key} {_SHORT.repr(end)} names no entity")
        if head is not None and head.get("label") not in VALUE_LABELS:
            problems.append(f"{name}: from {_describe(head)} is not a value")
        if tail is not None and tail.get("label") != INDICATOR:
            problems.append(f"{name}: to {_describe(tail)} is not an {INDICATOR}")
        if head is not None and rel.get("type") == VALUE_OF:
            links.setdefault(head["id"], []).append(rel["id"])
    for head_id, rel_ids in links.items():
        if len(rel_ids) > 1:
            rels = ", ".join(str(i) for i in rel_ids)
            problems.append(f"{_describe(by_id[head_id])} has {len(rel_ids)} {VALUE_OF} links (relations {rels})")
    return problems


def check_object(obj: Any) -> list[str]:
    """Every problem of one doccano JSON object, as messages naming the entity or relation."""
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    text, entities, relations = obj.get("text"), obj.get("entities", []), obj.get("relations", [])
    if "id" not in obj:
        return ["document without an id"]
    if not _is_id(obj["id"]):
        return [f"document id {_SHORT.repr(obj['id'])} must be a string or an integer"]
    if not isinstance(text, str):
        return ["document without a text"]
    if not isinstance(entities, list) or not isinstance(relations, list):
        return ["entities and relations must be lists"]
    problems = [message for ent in entities for message in _check_entity(ent, text)]
    sound = [e for e in entities if _has_span(e)]  # entities that later checks can read
    problems += _duplicate_ids(sound, "entity")
    problems += _overlaps(sound, len(text))
    problems += _duplicate_ids([r for r in relations if isinstance(r, dict) and _is_id(r.get("id"))], "relation")
    problems += _check_relations(relations, {e["id"]: e for e in sound})
    return problems


def _json_lines(lines: Iterable[str], source: str, result: CheckResult) -> Iterator[tuple[str, Any]]:
    """``(where, object)`` for each non-blank line; a line that is not JSON becomes a problem."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield f"{source}:{number}", json.loads(line)
        except json.JSONDecodeError as err:
            result.problems.append(Problem(f"{source}:{number}", f"not JSON: {err.msg} (column {err.colno})"))
        except RecursionError:
            result.problems.append(Problem(f"{source}:{number}", TOO_DEEP))


def check_lines(lines: Iterable[str], source: str, result: CheckResult | None = None) -> CheckResult:
    """Check a doccano JSONL stream; ``source`` names it in problems."""
    result = result if result is not None else CheckResult()
    for where, obj in _json_lines(lines, source, result):
        result.add(where, obj)
    return result


def check_paths(paths: Iterable[str | Path]) -> CheckResult:
    """Check annotation files (directories: every ``*.jsonl`` below); document ids must be unique across them."""
    result = CheckResult()
    for path in paths:
        for file in annotation_files(path):
            try:
                with open(file, encoding="utf-8") as f:
                    check_lines(f, str(file), result)
            except UnicodeDecodeError:
                result.problems.append(Problem(str(file), NOT_UTF8))
    return result


def summary(docs: list[Document]) -> str:
    """One line: documents, values per label, indicators, links."""
    labels = Counter(e.label for doc in docs for e in doc.entities)
    values = sum(labels[label] for label in VALUE_LABELS)
    per_label = ", ".join(f"{label} {labels[label]}" for label in VALUE_LABELS)
    links = sum(len(doc.relations) for doc in docs)
    return f"documents {len(docs)}, values {values} ({per_label}), indicators {labels[INDICATOR]}, links {links}"


# --- export to labelling tools -------------------------------------------------------------


class Extractor(Protocol):
    """What export needs from :func:`perfeval.load`'s extractor."""

    def extract_file(self, path: str | Path) -> Document: ...


LABEL_COLOURS = {
    "MONEY": "#f4a261",
    "PERCENT": "#2a9d8f",
    "COUNT": "#e9c46a",
    "SCORE": "#8ab17d",
    "INDICATOR": "#7aa6d8",
}


def label_config() -> str:
    """Label Studio's labelling config for these tasks: ``label`` regions on ``text``, ``value_of`` relations."""
    labels = "\n".join(f'    <Label value="{label}" background="{LABEL_COLOURS[label]}"/>' for label in LABELS)
    return (
        "<View>\n"
        f'  <Relations>\n    <Relation value="{VALUE_OF}"/>\n  </Relations>\n'
        f'  <Labels name="label" toName="text">\n{labels}\n  </Labels>\n'
        '  <Text name="text" value="$text"/>\n'
        "</View>\n"
    )


@dataclass(frozen=True)
class Uncertain:
    """A value whose confidence (the lower of its own and its link's) is under a review threshold."""

    entity: int  # index into Document.entities
    start: int
    end: int
    text: str
    label: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "label": self.label,
                "confidence": round(self.confidence, 4)}


def uncertain_values(doc: Document, below: float) -> list[Uncertain]:
    """``doc``'s values with confidence under ``below``, least confident first."""
    link_confidence = {r.head: r.confidence for r in doc.relations}
    out = []
    for i, e in enumerate(doc.entities):
        if not e.is_value:
            continue
        confidence = min(e.confidence, link_confidence.get(i, 1.0))
        if confidence < below:
            out.append(Uncertain(i, e.start, e.end, e.text, e.label, confidence))
    return sorted(out, key=lambda u: (u.confidence, u.start))


def review_queue(docs: Iterable[Document], below: float) -> list[tuple[Document, list[Uncertain]]]:
    """The documents with at least one value under ``below``, with those values, the most
    uncertain document (lowest confidence, then most such values) first."""
    queue = [(doc, uncertain) for doc in docs if (uncertain := uncertain_values(doc, below))]
    return sorted(queue, key=lambda item: (item[1][0].confidence, -len(item[1]), item[0].name or ""))


def labelstudio_task(doc: Document, review: Sequence[Uncertain] | None = None) -> dict[str, Any]:
    """A Label Studio task pre-annotated with ``doc``'s entities and relations (region ids ``e0``, ``e1``, …).

    With ``review`` (a review queue's uncertain values) the prediction's ``score`` is the lowest
    of their confidences, which Label Studio shows and sorts by, and the values are listed in
    the task's ``data.review``."""
    result: list[dict[str, Any]] = [
        {
            "id": f"e{i}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]},
            "score": e.confidence,
        }
        for i, e in enumerate(doc.entities)
    ]
    result += [
        {"type": "relation", "from_id": f"e{r.head}", "to_id": f"e{r.tail}", "direction": "right", "labels": [r.label]}
        for r in doc.relations
    ]
    prediction: dict[str, Any] = {"model_version": "perfeval", "result": result}
    data: dict[str, Any] = {"text": doc.text, "name": doc.name}
    if review:
        prediction["score"] = round(review[0].confidence, 4)
        data["review"] = [u.to_dict() for u in review]
    return {"data": data, "predictions": [prediction]}


def doccano_task(doc: Document, review: Sequence[Uncertain] | None = None) -> dict[str, Any]:
    """A doccano import line; the name goes to ``name`` because doccano assigns its own ``id``.
    With ``review``, ``score`` (the lowest confidence) and ``review`` (the uncertain values)
    are added; doccano keeps unknown keys as the example's metadata."""
    obj = doc_to_doccano(doc)
    obj["name"] = obj.pop("id")
    if review:
        obj["score"] = round(review[0].confidence, 4)
        obj["review"] = [u.to_dict() for u in review]
    return obj


def export_tasks(
    reports: Sequence[str | Path], extractor: Extractor, tool: Tool, out: str | Path, below: float | None = None
) -> tuple[list[Path], list[str]]:
    """Write pre-annotated tasks for ``tool`` to ``out``: ``(files written, one error line per
    report that could not be read)``; a bad report is left out, the others are exported.

    With ``below``, a review queue: only the documents with a value whose confidence is under
    ``below`` (:func:`review_queue`), most uncertain first, each with every prediction (the
    annotator corrects the whole document) and its uncertain values as ``review``, their
    lowest confidence as the task's ``score``.

    Label Studio: ``out`` is a JSON list of tasks and ``label_config.xml`` goes next to it.
    doccano: ``out`` is JSONL, one task per line. Task names are unique within the export
    (:func:`perfeval.readers.document_names`); files are written atomically, folders created.
    """
    out = Path(out)
    docs, errors = [], []
    for path, name in zip(reports, document_names([str(r) for r in reports])):
        try:
            doc = extractor.extract_file(path)
        except ReadError as err:
            errors.append(str(err))
            continue
        doc.name = name
        docs.append(doc)
    queue = review_queue(docs, below) if below is not None else [(doc, None) for doc in docs]
    if tool == "doccano":
        lines = [json.dumps(doccano_task(doc, review), ensure_ascii=False) for doc, review in queue]
        with atomic_path(out) as tmp:
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return [out], errors
    with atomic_path(out) as tmp:
        tmp.write_text(json.dumps([labelstudio_task(doc, review) for doc, review in queue], ensure_ascii=False, indent=1),
                       encoding="utf-8")
    config = label_config_path(out)
    with atomic_path(config) as tmp:
        tmp.write_text(label_config(), encoding="utf-8")
    return [out, config], errors


def label_config_path(tasks: Path) -> Path:
    """Where :func:`export_tasks` writes Label Studio's labelling config: beside the tasks."""
    return tasks.with_name("label_config.xml")


# --- import from labelling tools ----------------------------------------------------------


def _labelstudio_object(task: dict[str, Any]) -> dict[str, Any] | None:
    """The doccano object of one Label Studio task's first annotation that was not cancelled,
    or None for a task nobody annotated.

    Region ids stay as entity ids so that problems name what the annotator sees. A relation
    without a label is ``value_of``, the only relation there is; ``direction: "left"`` is
    read from ``to_id`` to ``from_id``.
    """
    annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
    if not annotations:
        return None
    entities, relations = [], []
    for item in annotations[0].get("result", []):
        if item.get("type") == "labels":
            value = item["value"]
            label = "+".join(value.get("labels") or [])  # anything but one known label is reported
            ent = {"id": item["id"], "label": label, "start_offset": value["start"], "end_offset": value["end"]}
            if "text" in value:
                ent["text"] = value["text"]
            entities.append(ent)
        elif item.get("type") == "relation":
            head, tail = item["from_id"], item["to_id"]
            if item.get("direction") == "left":
                head, tail = tail, head
            labels = item.get("labels") or [VALUE_OF]
            relations.append({"id": len(relations) + 1, "from_id": head, "to_id": tail, "type": labels[0]})
    data = task.get("data", {})
    name = data.get("name") or str(task.get("id"))
    return {"id": name, "text": data.get("text"), "entities": entities, "relations": relations}


def import_labelstudio(export: Any, source: str) -> CheckResult:
    """Convert and check a Label Studio JSON export (a list of tasks); tasks without an
    annotation are left out and listed in ``skipped``."""
    result = CheckResult()
    if not isinstance(export, list):
        result.problems.append(Problem(source, "not a Label Studio JSON export (a list of tasks)"))
        return result
    for number, task in enumerate(export, 1):
        ident = task.get("id") if isinstance(task, dict) else None
        where = f"{source}: task {number}" + (f" (id {_short(ident)})" if ident is not None else "")
        try:
            obj = _labelstudio_object(task)
        except (KeyError, TypeError, AttributeError) as err:
            result.problems.append(Problem(where, f"not a Label Studio task ({type(err).__name__}: {str(err)[:120]})"))
            continue
        if obj is None:
            result.skipped.append(Problem(where, "no annotation, left out; finish it in Label Studio to include it"))
        else:
            result.add(where, obj)
    return result


def import_doccano(lines: Iterable[str], source: str) -> CheckResult:
    """Convert and check a doccano JSONL export; the document id is ``name`` where a task carried one."""
    result = CheckResult()
    for where, obj in _json_lines(lines, source, result):
        result.add(where, {**obj, "id": obj["name"]} if isinstance(obj, dict) and "name" in obj else obj)
    return result


def import_export(path: str | Path, tool: Tool) -> CheckResult:
    """Read a labelling tool's export file and convert it; see :func:`import_labelstudio`, :func:`import_doccano`."""
    path = Path(path)
    if path.is_dir():
        return CheckResult([Problem(str(path), "is a directory; pass the export file the tool wrote")])
    try:
        with open(path, encoding="utf-8") as f:
            if tool == "doccano":
                return import_doccano(f, str(path))
            export = json.load(f)
    except UnicodeDecodeError:
        return CheckResult([Problem(str(path), NOT_UTF8)])
    except json.JSONDecodeError as err:
        return CheckResult([Problem(str(path), f"not JSON: {err.msg} (line {err.lineno}, column {err.colno})")])
    except RecursionError:
        return CheckResult([Problem(str(path), TOO_DEEP)])
    return import_labelstudio(export, str(path))
