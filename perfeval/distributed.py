"""Extraction past one machine: a Ray Data pipeline that writes partitioned Parquet (``perfeval[ray]``).

:func:`extract_to_parquet` runs the extractor as a Ray Data ``map_batches`` over an actor
pool: each worker loads the model once and extracts batch after batch. It runs wherever Ray
runs: in this process's local Ray, or on a cluster named by ``ray.init(address=...)`` or
``$RAY_ADDRESS`` (then the inputs and the output folder must be paths every node can read and
write, such as a shared file system).

The output is a Hive-partitioned Parquet dataset, one row per record (the columns of
:func:`perfeval.writers.record_rows`, the indicator spread into ``indicator_text`` /
``indicator_start`` / ``indicator_end``) plus ``doc_sha256`` and ``model_version``::

    OUT/model_version=0.1.0-1a2b3c4d5e6f/doc_shard=7/<files>.parquet    records of documents whose hash starts with 7
    OUT/model_version=0.1.0-1a2b3c4d5e6f/doc_shard=errors/<files>.parquet  inputs of the last run that failed

``doc_sha256`` is the SHA-256 of the file's bytes for a file, of the UTF-8 text for a text
given in a table. Reruns are idempotent: a document whose hash already has records under the
same model version is not extracted again, and the error rows of a model version are replaced
by each run's own. A document with no records leaves no rows, so it is extracted again (to
the same nothing) on a rerun.

Ray is imported inside the functions: ``import perfeval`` never needs it.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from perfeval import __version__
from perfeval.model import DEFAULT_MODEL_DIR
from perfeval.model.config import ONNX_NAME
from perfeval.readers import ReadError, collect_inputs, document_names, read
from perfeval.writers import flat, record_rows

ERRORS_SHARD = "errors"
PARTITION_COLUMNS = ["model_version", "doc_shard"]
MODEL_FILES = (ONNX_NAME, "config.json")


def _schema() -> Any:
    """The columns of every output file, in order."""
    import pyarrow as pa

    return pa.schema([
        ("doc", pa.string()), ("file", pa.string()), ("doc_sha256", pa.string()),
        ("type", pa.string()), ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
        ("value", pa.float64()), ("unit", pa.string()), ("approximate", pa.bool_()), ("qualifier", pa.string()),
        ("direction", pa.string()), ("role", pa.string()),
        ("indicator_text", pa.string()), ("indicator_start", pa.int64()), ("indicator_end", pa.int64()),
        ("source", pa.string()), ("confidence", pa.float64()), ("page", pa.int64()),
        ("error", pa.string()), ("model_version", pa.string()), ("doc_shard", pa.string()),
    ])


def model_version(model: str | Path | None = None, rules_only: bool = False) -> str:
    """What produced the records: perfeval's version and ``rules``, or the first 12 hex digits
    of the SHA-256 of the model directory's ``model.onnx`` and ``config.json``."""
    if rules_only:
        return f"{__version__}-rules"
    folder = DEFAULT_MODEL_DIR if model is None or str(model) == "default" else Path(model)
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        digest.update((folder / name).read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


def read_results(out_dir: str | Path) -> Any:
    """The dataset :func:`extract_to_parquet` wrote to ``out_dir``, as one ``pyarrow.Table``
    (empty where nothing was written yet)."""
    import pyarrow.dataset as ds

    schema = _schema()
    if not Path(out_dir).is_dir():
        return schema.empty_table()
    partitioning = ds.partitioning(schema=_partition_schema(), flavor="hive")
    return ds.dataset(str(out_dir), schema=schema, format="parquet", partitioning=partitioning).to_table()


def _partition_schema() -> Any:
    import pyarrow as pa

    schema = _schema()
    return pa.schema([schema.field(name) for name in PARTITION_COLUMNS])


def _done_hashes(out_dir: Path, version: str) -> set[str]:
    """The documents that already have records under ``version`` in ``out_dir``."""
    import pyarrow.compute as pc

    table = read_results(out_dir)
    done = table.filter(pc.and_(pc.equal(table["model_version"], version), pc.is_null(table["error"])))
    return set(done["doc_sha256"].to_pylist())


def _items(inputs: str | Path | Sequence[str | Path] | Any) -> list[dict[str, Any]]:
    """The documents to extract, each ``{"doc", "file", "text", "error"}``: from a folder or a file,
    a list of paths (folders expanded to their reports), or a table of texts with columns
    ``name`` and ``text`` (a pandas DataFrame, a pyarrow Table or a list of dicts). A path that
    cannot be expanded (missing, an empty folder) is an item with its ``error``."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if hasattr(inputs, "to_pylist"):  # a pyarrow Table
        inputs = inputs.to_pylist()
    elif hasattr(inputs, "to_dict"):  # a pandas DataFrame
        inputs = inputs.to_dict("records")
    if all(isinstance(item, Mapping) for item in inputs):
        return [{"doc": item["name"], "file": None, "text": item["text"], "error": None} for item in inputs]
    paths, errors = collect_inputs([str(item) for item in inputs])
    named = zip(paths, document_names(paths))  # absolute: the workers may run in another folder
    items = [{"doc": name, "file": str(Path(path).absolute()), "text": None, "error": None} for path, name in named]
    return items + [{"doc": None, "file": None, "text": None, "error": error} for error in errors]


class ExtractorActor:
    """The ``map_batches`` worker: loads the extractor once, then turns batches of items into
    Arrow tables of output rows. An item that cannot be read or extracted becomes an error row
    naming it; it never costs the rest of its batch."""

    def __init__(self, model: str | None, rules_only: bool, version: str, done: set[str]) -> None:
        import perfeval

        os.environ.setdefault("PERFEVAL_THREADS", "1")  # one core per worker
        self.extractor = perfeval.load(model, rules_only=rules_only)
        self.version = version
        self.done = done

    def __call__(self, batch: Any) -> Any:
        """``batch``: a ``pyarrow.Table`` of items; the output rows of all of them."""
        import pyarrow as pa

        rows = [row for item in batch.to_pylist() for row in self._rows(**item)]
        return pa.Table.from_pylist(rows, schema=_schema())

    def _rows(self, doc: str | None, file: str | None, text: str | None, error: str | None) -> list[dict[str, Any]]:
        """The output rows of one item: its records, none when it is done already, or one error row."""
        digest = None
        try:
            if error is not None:
                raise ReadError(error)
            digest = _sha256(file, text)
            if digest in self.done:
                return []
            if file is not None:
                source = read(file)
                if not source.text.strip():
                    raise ReadError(f"{file}: no text found; pass a report with text in it")
                document = self.extractor.extract_source(source, name=doc)
            else:
                document = self.extractor.extract(text, name=doc)
        except ReadError as err:
            return [self._error_row(doc, file, digest, str(err))]
        except Exception as err:  # one bad document must never abort a batch
            message = f"{file or doc}: extraction failed ({type(err).__name__}: {err}); please report this document"
            return [self._error_row(doc, file, digest, message)]
        found = flat(record_rows(document))
        return [{**row, "file": file, "doc_sha256": digest, "model_version": self.version, "doc_shard": digest[0]} for row in found]

    def _error_row(self, doc: str | None, file: str | None, digest: str | None, message: str) -> dict[str, Any]:
        return {"doc": doc, "file": file, "doc_sha256": digest, "error": message,
                "model_version": self.version, "doc_shard": ERRORS_SHARD}


def _sha256(file: str | None, text: str | None) -> str:
    """The document's hash: of the file's bytes, or of the text in UTF-8."""
    if file is None:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        return hashlib.sha256(Path(file).read_bytes()).hexdigest()
    except OSError as err:
        raise ReadError(f"{file}: cannot read ({err.strerror or err}); check that the file is readable") from None


def extract_to_parquet(
    inputs: str | Path | Sequence[str | Path] | Any,
    out_dir: str | Path,
    *,
    model: str | Path | None = None,
    rules_only: bool = False,
    num_workers: int | None = None,
    batch_size: int = 8,
) -> Path:
    """Extract ``inputs`` with Ray into the partitioned Parquet dataset ``out_dir``; return ``out_dir``.

    ``inputs``: a folder or a file, a list of paths, or a table of texts (columns ``name`` and
    ``text``: a pandas DataFrame, a pyarrow Table or a list of dicts); paths are recorded
    absolute. ``num_workers``: actors, each holding one extractor (default: one per CPU of the
    Ray cluster; never more than there are batches). Uses the Ray that is running, else starts
    one (``ray.init()``, which honours ``$RAY_ADDRESS``). Documents already extracted into
    ``out_dir`` by the same model version are skipped; read the result with :func:`read_results`.
    """
    import ray

    out_dir = Path(out_dir)
    version = model_version(model, rules_only)
    items = _items(inputs)
    if not ray.is_initialized():
        ray.init()
    blocks = max(1, math.ceil(len(items) / batch_size))
    workers = min(blocks, num_workers or max(1, int(ray.cluster_resources().get("CPU", 1))))
    shutil.rmtree(out_dir / f"model_version={version}" / f"doc_shard={ERRORS_SHARD}", ignore_errors=True)
    dataset = ray.data.from_items(items, override_num_blocks=blocks)
    rows = dataset.map_batches(
        ExtractorActor,
        fn_constructor_args=(str(model) if model else None, rules_only, version, _done_hashes(out_dir, version)),
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    rows.write_parquet(str(out_dir), partition_cols=PARTITION_COLUMNS)
    return out_dir
