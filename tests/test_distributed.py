"""``perfeval[ray]``: extraction as a Ray Data actor pool into partitioned Parquet, in local mode."""

import shutil
import subprocess
import sys

import pytest

ray = pytest.importorskip("ray")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

import perfeval
from perfeval.distributed import extract_to_parquet, model_version, read_results

from conftest import EXAMPLES, ROOT

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.txt"))
KEY = ("doc", "type", "start", "end", "text", "value", "unit", "indicator_text", "indicator_start", "indicator_end", "role", "source")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    # the workers import perfeval from this checkout, whatever else is installed
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "records"
    extract_to_parquet(EXAMPLES, out, rules_only=True, num_workers=2, batch_size=2)
    return out


def record_keys(table):
    """The rows of records (not errors), in a fixed order, as tuples of the compared fields."""
    rows = [r for r in table.to_pylist() if r["error"] is None]
    return sorted(tuple(r[k] for k in KEY) for r in rows)


def sequential_keys(documents):
    rows = []
    for doc in documents:
        for r in doc.records:
            indicator = r.indicator
            rows.append((doc.name, r.type, r.start, r.end, r.text, None if r.value is None else float(r.value), r.unit,
                         indicator and indicator.text, indicator and indicator.start, indicator and indicator.end, r.role, r.source))
    return sorted(rows)


def test_folder_equals_sequential_extraction_with_exact_offsets(folder_run):
    table = read_results(folder_run)
    extractor = perfeval.load(rules_only=True)
    assert record_keys(table) == sequential_keys(extractor.extract_file(p) for p in EXAMPLE_FILES)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLE_FILES}
    for row in table.to_pylist():
        assert texts[row["doc"]][row["start"]:row["end"]] == row["text"]
        assert row["model_version"] == model_version(rules_only=True) and row["doc_shard"] == row["doc_sha256"][0]
    assert set(table["file"].to_pylist()) == {str(p) for p in EXAMPLE_FILES}


def test_rerun_is_idempotent(folder_run):
    before = read_results(folder_run).to_pylist()
    extract_to_parquet(EXAMPLES, folder_run, rules_only=True, num_workers=2, batch_size=2)
    after = read_results(folder_run).to_pylist()
    assert len(after) == len(before)
    assert sorted(map(repr, after)) == sorted(map(repr, before))


def test_unreadable_file_is_an_error_row_and_the_others_survive(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in EXAMPLE_FILES[:2]:
        shutil.copy(path, folder)
    broken = folder / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a PDF")
    inputs = [folder / p.name for p in EXAMPLE_FILES[:2]] + [broken, tmp_path / "missing.txt"]
    out = extract_to_parquet(inputs, tmp_path / "out", rules_only=True, num_workers=2, batch_size=4)
    table = read_results(out)
    errors = [r["error"] for r in table.to_pylist() if r["error"] is not None]
    assert len(errors) == 2 and any("broken.pdf" in e for e in errors) and any("missing.txt" in e for e in errors)
    assert {r["doc"] for r in table.to_pylist() if r["error"] is None} == {p.stem for p in EXAMPLE_FILES[:2]}
    extract_to_parquet(inputs, out, rules_only=True, num_workers=2, batch_size=4)
    assert read_results(out).num_rows == table.num_rows  # the error rows are replaced, not added


def test_table_of_texts_with_the_default_model(tmp_path):
    texts = {p.stem: p.read_text(encoding="utf-8") for p in EXAMPLE_FILES[:2]}
    frame = pd.DataFrame({"name": list(texts), "text": list(texts.values())})
    out = extract_to_parquet(frame, tmp_path / "out", num_workers=2, batch_size=1)
    table = read_results(out)
    extractor = perfeval.load()
    assert record_keys(table) == sequential_keys(extractor.extract(text, name=name) for name, text in texts.items())
    for row in table.to_pylist():
        assert texts[row["doc"]][row["start"]:row["end"]] == row["text"]
        assert row["model_version"] == model_version() != model_version(rules_only=True)


def test_a_pyarrow_table_of_texts_gives_the_records_of_the_files(folder_run, tmp_path):
    rows = [{"name": p.stem, "text": p.read_text(encoding="utf-8")} for p in EXAMPLE_FILES]
    table = read_results(extract_to_parquet(pa.Table.from_pylist(rows), tmp_path / "out", rules_only=True, batch_size=2))
    assert record_keys(table) == record_keys(read_results(folder_run))


def test_the_command_writes_the_dataset_and_names_the_failed_inputs(tmp_path):
    from typer.testing import CliRunner

    from perfeval.cli.main import app

    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(app, ["extract-ray", str(EXAMPLE_FILES[0]), str(missing), "-o", str(tmp_path / "out"), "--rules-only"])
    assert result.exit_code == 1, result.output
    assert "records of model version" in result.output and f"error: {missing}" in result.output
    assert {r["doc"] for r in read_results(tmp_path / "out").to_pylist() if r["error"] is None} == {EXAMPLE_FILES[0].stem}


def test_importing_perfeval_needs_no_ray():
    code = "import sys, perfeval, perfeval.distributed, perfeval.cli.main; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
