import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval.annotations import check_object
from perfeval.cli import annotations as annotations_cli
from perfeval.cli.main import app
from perfeval.data import doc_to_doccano, read_doccano
from perfeval.types import Document, Entity, Relation

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "annotations"
GOOD = FIXTURES / "good.jsonl"
BAD = FIXTURES / "bad.jsonl"
REPORTS = ROOT.parent / "shared" / "reports"

runner = CliRunner()


def perfeval(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


# --- check ---------------------------------------------------------------------------------


def test_check_summarises_a_sound_file() -> None:
    result = perfeval("annotations", "check", GOOD)
    assert result.exit_code == 0
    assert result.stdout == "documents 1, values 3 (MONEY 2, PERCENT 1, COUNT 0, SCORE 0), indicators 3, links 3\n"


def test_check_names_file_line_and_entity_of_every_problem() -> None:
    result = perfeval("annotations", "check", BAD)
    assert result.exit_code == 1
    at = f"{BAD}:2: "
    assert result.stdout.splitlines() == [
        at + "entity 4 (AMOUNT 27-31): unknown label 'AMOUNT' (known: MONEY, PERCENT, COUNT, SCORE, INDICATOR)",
        at + "entity 5 (PERCENT 48-60): span outside the text (0-54) or empty",
        at + "entity 8 (MONEY 32-41): its text '1860.77' is not the document's '1860.77万元'",
        at + "entity 3 (MONEY 15-22) overlaps entity 2",
        at + "relation id 4 is used 2 times",
        at + "relation 3: from entity 1 (INDICATOR 5-9) is not a value",
        at + "relation 3: to entity 8 (MONEY 32-41) is not an INDICATOR",
        at + "relation 4: to_id 99 names no entity",
        at + "relation 4: unknown relation type 'part_of' (known: value_of)",
        at + "entity 2 (MONEY 10-20) has 2 value_of links (relations 1, 2)",
        f"{BAD}:4: not JSON: Invalid control character at (column 30)",
        f"{BAD}:5: entity id 1 is used 2 times",
    ]
    assert result.stderr == "error: 12 problem(s); fix them in the annotation tool or the file\n"


def test_check_finds_a_document_id_used_twice() -> None:
    result = perfeval("annotations", "check", GOOD, GOOD)
    assert result.exit_code == 1
    assert result.stdout == f"{GOOD}:1: document id 'seed' is already used at {GOOD}:1\n"


def test_check_of_a_missing_file_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = perfeval("annotations", "check", tmp_path / "nope.jsonl")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope.jsonl'}: no such file or directory; check the path\n"


@pytest.mark.skipif(not (ROOT / "annotations").is_dir(), reason="no annotations/ in this checkout")
def test_the_corpus_passes_the_check() -> None:
    result = perfeval("annotations", "check", ROOT / "annotations")
    assert result.exit_code == 0, result.stdout


def test_check_object_is_a_pure_function_on_raw_json() -> None:
    obj = {
        "id": "x",
        "text": "完成预算的 90.6%。",
        "entities": [
            {"id": 1, "label": "INDICATOR", "start_offset": 0, "end_offset": 4},
            {"id": 2, "label": "PERCENT", "start_offset": 6, "end_offset": 11},
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "value_of"}],
    }
    assert check_object(obj) == []
    obj["relations"] = [{"id": 1, "from_id": 2, "to_id": 3, "type": "value_of"}]
    assert check_object(obj) == ["relation 1: to_id 3 names no entity"]


# --- import --------------------------------------------------------------------------------


@pytest.mark.parametrize("tool, export", [("labelstudio", "labelstudio_export.json"), ("doccano", "doccano_export.jsonl")])
def test_import_gives_the_corpus_format(tool: str, export: str, tmp_path: Path) -> None:
    out = tmp_path / "imported.jsonl"
    result = perfeval("annotations", "import", FIXTURES / export, "--from", tool, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: documents 2, values 4")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == GOOD.read_text(encoding="utf-8").strip()  # ids renumbered in text order
    meeting = json.loads(lines[1])
    assert meeting["id"] == {"labelstudio": "2", "doccano": "6401"}[tool]  # no name: the tool's id
    assert meeting["relations"] == [{"id": 1, "from_id": 2, "to_id": 1, "type": "value_of"}]


def write_labelstudio_export(path: Path, result: list[dict], text: str = "完成预算的 90.6%。") -> Path:
    path.write_text(json.dumps([{"id": 7, "data": {"text": text}, "annotations": [{"result": result}]}]), encoding="utf-8")
    return path


def region(region_id: str, start: int, end: int, text: str, label: str) -> dict:
    value = {"start": start, "end": end, "text": text, "labels": [label]}
    return {"id": region_id, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def test_import_refuses_an_export_with_problems_and_writes_nothing(tmp_path: Path) -> None:
    export = write_labelstudio_export(
        tmp_path / "export.json",
        [region("a", 0, 4, "完成预算", "INDICATOR"), region("b", 6, 10, "90.6%", "PERCENT")],
    )
    out = tmp_path / "out.jsonl"
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", out)
    assert result.exit_code == 1
    assert result.stdout == f"{export}: task 1 (id 7): entity b (PERCENT 6-10): its text '90.6%' is not the document's '90.6'\n"
    assert not out.exists()


def test_a_region_with_two_labels_is_reported(tmp_path: Path) -> None:
    doubled = region("b", 6, 11, "90.6%", "PERCENT")
    doubled["value"]["labels"].append("SCORE")
    export = write_labelstudio_export(tmp_path / "export.json", [doubled])
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert "entity b (PERCENT+SCORE 6-11): unknown label 'PERCENT+SCORE'" in result.stdout


def test_import_leaves_out_an_unannotated_task_with_a_warning(tmp_path: Path) -> None:
    export = write_labelstudio_export(
        tmp_path / "export.json", [region("a", 0, 4, "完成预算", "INDICATOR"), region("b", 6, 11, "90.6%", "PERCENT")]
    )
    tasks = json.loads(export.read_text(encoding="utf-8"))
    tasks.append({"id": 3, "data": {"text": "13次"}, "annotations": []})
    tasks.append({"id": 4, "data": {"text": "13次"}, "annotations": [{"was_cancelled": True, "result": []}]})
    export.write_text(json.dumps(tasks), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {export}: task 2 (id 3): no annotation, left out; finish it in Label Studio to include it",
        f"warning: {export}: task 3 (id 4): no annotation, left out; finish it in Label Studio to include it",
    ]
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["7"]


def test_import_of_an_export_without_any_annotation_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"id": 3, "data": {"text": "13次"}, "annotations": []}]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: {export}: no annotated document in the export; nothing written"
    assert not out.exists()


UNHASHABLE = [
    ({"id": ["a"], "text": "13次", "entities": [], "relations": []}, "document id ['a'] must be a string or an integer"),
    ({"id": "a", "text": "13次", "entities": [{"id": [1], "label": "COUNT", "start_offset": 0, "end_offset": 3}], "relations": []},
     "entity id [1] must be a string or an integer"),
    ({"id": "a", "text": "13次", "entities": [{"id": 1, "label": "COUNT", "start_offset": 0, "end_offset": 3}],
      "relations": [{"id": {"x": 1}, "from_id": 1, "to_id": 2, "type": "value_of"}]},
     "relation id {'x': 1} must be a string or an integer"),
    ({"id": "a", "text": "13次", "entities": [{"id": 1, "label": "COUNT", "start_offset": 0, "end_offset": 3}],
      "relations": [{"id": 1, "from_id": [1], "to_id": {"y": [2]}, "type": "value_of"}]},
     "relation 1: from_id [1] names no entity"),
]


@pytest.mark.parametrize("obj, message", UNHASHABLE)
def test_unhashable_ids_are_problems_not_tracebacks(obj: dict, message: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    result = perfeval("annotations", "check", path)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"{path}:1: {message}" in result.stdout.splitlines()
    imported = perfeval("annotations", "import", path, "--from", "doccano", "-o", tmp_path / "out.jsonl")
    assert imported.exit_code == 1 and f"{path}:1: {message}" in imported.stdout.splitlines()


def test_unhashable_region_id_in_a_label_studio_export(tmp_path: Path) -> None:
    export = write_labelstudio_export(tmp_path / "export.json", [region(["a"], 0, 4, "完成预算", "INDICATOR")])  # type: ignore[arg-type]
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stdout == f"{export}: task 1 (id 7): entity id ['a'] must be a string or an integer\n"


DEEP = 100_000


@pytest.mark.parametrize("line", [
    "[" * DEEP + "]" * DEEP,
    '{"id": "a", "text": "x", "entities": ' + "[" * DEEP + "]" * DEEP + "}",
    '{"id": "a", "text": "x", "entities": [' + "[" * 900 + "]" * 900 + "]}",  # parses, but too deep to print whole
])
def test_deeply_nested_json_is_one_problem(line: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    for args in (("check", path), ("import", path, "--from", "doccano", "-o", tmp_path / "out.jsonl")):
        result = perfeval("annotations", *args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        [problem] = result.stdout.splitlines()
        assert problem.startswith(f"{path}:1: ") and len(problem) < 300


def test_deeply_nested_label_studio_export(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    result = perfeval("annotations", "import", export, "--from", "labelstudio", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stdout == f"{export}: JSON nested too deeply to be an annotation; check what wrote this file\n"


@pytest.mark.parametrize("tool", ["doccano", "labelstudio"])
def test_import_of_a_directory_is_one_line(tool: str, tmp_path: Path) -> None:
    result = perfeval("annotations", "import", tmp_path, "--from", tool, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stdout == f"{tmp_path}: is a directory; pass the export file the tool wrote\n"


def test_import_refuses_to_overwrite_its_export(tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    export.write_bytes((FIXTURES / "doccano_export.jsonl").read_bytes())
    result = perfeval("annotations", "import", export, "--from", "doccano", "-o", export)
    assert result.exit_code == 2 and "is one of the inputs" in result.stderr
    assert export.read_bytes() == (FIXTURES / "doccano_export.jsonl").read_bytes()


# --- export-tasks --------------------------------------------------------------------------


class FakeExtractor:
    """Finds the worked example's first value and its indicator in any report."""

    def extract_file(self, path: str | Path) -> Document:
        text = Path(path).read_text(encoding="utf-8")
        start = text.index("2054.25 万元")
        entities = [
            Entity("INDICATOR", start - 5, start - 1, text[start - 5 : start - 1], confidence=0.5),
            Entity("MONEY", start, start + 10, text[start : start + 10], confidence=0.9),
        ]
        return Document(text, entities, [Relation(1, 0)], name=Path(path).stem)


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-line report, and the fake extractor in place of perfeval.load."""
    monkeypatch.setattr(annotations_cli, "load_extractor", lambda model, rules_only: FakeExtractor())
    path = tmp_path / "seed.txt"
    path.write_text("2023年年度预算 2054.25 万元。", encoding="utf-8")
    return path


def test_export_tasks_for_label_studio(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    result = perfeval("annotations", "export-tasks", report, "--to", "labelstudio", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\nwrote {tmp_path / 'label_config.xml'}\n"
    [task] = json.loads(out.read_text(encoding="utf-8"))
    assert task["data"] == {"text": "2023年年度预算 2054.25 万元。", "name": "seed"}
    indicator, money, link = task["predictions"][0]["result"]
    assert indicator["value"] == {"start": 5, "end": 9, "text": "年度预算", "labels": ["INDICATOR"]}
    assert (money["id"], money["from_name"], money["to_name"], money["type"]) == ("e1", "label", "text", "labels")
    assert link == {"type": "relation", "from_id": "e1", "to_id": "e0", "direction": "right", "labels": ["value_of"]}
    config = ET.parse(tmp_path / "label_config.xml").getroot()
    assert [label.get("value") for label in config.iter("Label")] == ["MONEY", "PERCENT", "COUNT", "SCORE", "INDICATOR"]
    assert config.find("Labels").get("name") == "label" and config.find("Text").get("name") == "text"


def test_accepted_label_studio_predictions_import_as_the_extracted_document(report: Path, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks.json"
    perfeval("annotations", "export-tasks", report, "--to", "labelstudio", "-o", tasks)
    export = json.loads(tasks.read_text(encoding="utf-8"))
    for task in export:  # what Label Studio exports once the annotator accepts the predictions
        task["annotations"] = task.pop("predictions")
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    out = tmp_path / "seed.jsonl"
    result = perfeval("annotations", "import", tmp_path / "export.json", "--from", "labelstudio", "-o", out)
    assert result.exit_code == 0, result.output
    [doc] = read_doccano(out)
    assert doc_to_doccano(doc) == doc_to_doccano(FakeExtractor().extract_file(report))


def test_export_tasks_for_doccano(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.jsonl"
    result = perfeval("annotations", "export-tasks", report, "--to", "doccano", "-o", out, "--rules-only")
    assert result.exit_code == 0, result.output
    [task] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert task["name"] == "seed" and "id" not in task  # doccano assigns its own ids
    assert task["entities"][1] == {"id": 2, "label": "MONEY", "start_offset": 10, "end_offset": 20}
    assert task["relations"] == [{"id": 1, "from_id": 2, "to_id": 1, "type": "value_of"}]


def test_rules_only_reaches_the_loader(report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(annotations_cli, "load_extractor", lambda model, rules_only: calls.append(rules_only) or FakeExtractor())
    perfeval("annotations", "export-tasks", report, "--to", "doccano", "-o", tmp_path / "a.jsonl", "--rules-only")
    perfeval("annotations", "export-tasks", report, "--to", "doccano", "-o", tmp_path / "b.jsonl")
    assert calls == [True, False]


@pytest.mark.skipif(not REPORTS.is_dir(), reason="shared reports are not next to this checkout")
def test_export_tasks_with_the_real_rules(tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    reports = sorted(REPORTS.glob("*.txt"))
    result = perfeval("annotations", "export-tasks", *reports, "--to", "labelstudio", "-o", out, "--rules-only")
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["name"] for t in tasks] == [r.stem for r in reports]
    for task in tasks:
        text = task["data"]["text"]
        regions = [r for r in task["predictions"][0]["result"] if r["type"] == "labels"]
        assert regions and all(text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in regions)


def test_a_model_that_cannot_be_loaded_is_one_line(report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_load(model: str | None, rules_only: bool) -> FakeExtractor:
        raise RuntimeError(f"model directory {model} does not exist")

    monkeypatch.setattr(annotations_cli, "load_extractor", broken_load)
    result = perfeval("annotations", "export-tasks", report, "--to", "doccano", "-o", tmp_path / "t.jsonl", "--model", "nowhere")
    assert result.exit_code == 2
    assert result.stderr == "error: model directory nowhere does not exist\n"


def test_import_creates_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "out.jsonl"
    result = perfeval("annotations", "import", FIXTURES / "doccano_export.jsonl", "--from", "doccano", "-o", out)
    assert result.exit_code == 0, result.output
    assert len(read_doccano(out)) == 2


def test_import_into_a_folder_under_a_file_is_one_line_before_reading(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "out.jsonl"
    result = perfeval("annotations", "import", FIXTURES / "doccano_export.jsonl", "--from", "doccano", "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"error: {out}: cannot create its folder because {blocker} is a file; choose another output path\n"


@pytest.mark.parametrize("tool, name", [("labelstudio", "tasks.json"), ("doccano", "tasks.jsonl")])
def test_export_tasks_creates_the_folder(report: Path, tmp_path: Path, tool: str, name: str) -> None:
    out = tmp_path / "new" / "dir" / name
    result = perfeval("annotations", "export-tasks", report, "--to", tool, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.exists() and (tool == "doccano" or (out.parent / "label_config.xml").exists())


def test_export_tasks_checks_the_output_before_extracting(report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_extraction(model: str | None, rules_only: bool) -> FakeExtractor:
        raise AssertionError("extraction started before the output was checked")

    monkeypatch.setattr(annotations_cli, "load_extractor", no_extraction)
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = perfeval("annotations", "export-tasks", report, "--to", "doccano", "-o", tmp_path / "file" / "t.jsonl")
    assert result.exit_code == 2 and "is a file" in result.stderr


def test_export_tasks_keeps_going_past_a_bad_report_and_names_tasks_uniquely(tmp_path: Path) -> None:
    report, twin = tmp_path / "seed.txt", tmp_path / "a" / "seed.txt"
    twin.parent.mkdir()
    for path in (report, twin):
        path.write_text("2023年年度预算 2054.25 万元。", encoding="utf-8")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    out = tmp_path / "tasks.jsonl"
    result = perfeval("annotations", "export-tasks", report, twin, empty, "--to", "doccano", "-o", out, "--rules-only")
    assert result.exit_code == 1 and "empty.pdf" in result.stderr
    names = [json.loads(line)["name"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert names == [str(report), str(twin)]  # same stem, same file name: the paths tell them apart


# --- the review queue ----------------------------------------------------------------------


def _doc(name: str, confidences: list[float], link: float = 1.0) -> Document:
    """A document of one value per confidence, the first linked with ``link`` confidence."""
    text = "".join(f"召开会议{k + 1}次。" for k in range(len(confidences)))
    entities = [Entity("INDICATOR", 2, 4, text[2:4])]
    for k, c in enumerate(confidences):
        start = text.index(f"{k + 1}次")
        entities.append(Entity("COUNT", start, start + 2, text[start:start + 2], confidence=c))
    return Document(text, entities, [Relation(1, 0, confidence=link)], name=name)


def test_the_review_queue_keeps_documents_under_the_threshold_least_confident_first() -> None:
    from perfeval.annotations import review_queue

    docs = [_doc("sure", [0.99, 0.95]), _doc("one", [0.99, 0.7]), _doc("two", [0.75, 0.7]), _doc("link", [0.99], link=0.4)]
    queue = review_queue(docs, below=0.8)
    assert [(doc.name, [u.confidence for u in values]) for doc, values in queue] == [
        ("link", [0.4]), ("two", [0.7, 0.75]), ("one", [0.7])]  # the link's confidence counts; ties: more values first
    assert review_queue(docs, below=0.4) == []


def test_export_tasks_below_writes_a_review_queue_with_scores_end_to_end(tmp_path: Path) -> None:
    """The shipped default model on the example reports: Label Studio and doccano queues,
    sorted by their lowest confidence, every listed value under the threshold and at its offsets."""
    reports = sorted((ROOT / "examples").glob("*.txt"))
    out = tmp_path / "queue" / "tasks.json"
    result = perfeval("annotations", "export-tasks", *reports, "--to", "labelstudio", "--below", "0.9", "-o", out)
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert tasks, "the example reports hold figures the model is unsure of"
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores) and all(s < 0.9 for s in scores)
    for task in tasks:
        text, review = task["data"]["text"], task["data"]["review"]
        assert review[0]["confidence"] == task["predictions"][0]["score"]
        assert all(u["confidence"] < 0.9 and text[u["start"]:u["end"]] == u["text"] for u in review)
        regions = [r for r in task["predictions"][0]["result"] if r["type"] == "labels"]
        assert {(u["start"], u["end"]) for u in review} <= {(r["value"]["start"], r["value"]["end"]) for r in regions}
    everything = tmp_path / "all.json"
    perfeval("annotations", "export-tasks", *reports, "--to", "labelstudio", "-o", everything)
    assert len(json.loads(everything.read_text(encoding="utf-8"))) == len(reports) >= len(tasks)
    lines = tmp_path / "queue.jsonl"
    result = perfeval("annotations", "export-tasks", *reports, "--to", "doccano", "--below", "0.9", "-o", lines)
    assert result.exit_code == 0, result.output
    doccano = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert [t["name"] for t in doccano] == [t["data"]["name"] for t in tasks]
    assert [t["score"] for t in doccano] == scores
    none = tmp_path / "none.json"
    assert perfeval("annotations", "export-tasks", *reports, "--to", "labelstudio", "--below", "0", "-o", none).exit_code == 0
    assert json.loads(none.read_text(encoding="utf-8")) == []
