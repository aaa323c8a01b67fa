"""Rows and documents per second of :func:`perfeval.distributed.extract_to_parquet` in local Ray,
and the per-document seconds of one process on a 20-page PDF, for costing a large run.

    .venv/bin/python benchmarks/bench_distributed.py                 # 4 examples x 25, 2 CPUs, both extractors
    .venv/bin/python benchmarks/bench_distributed.py --repeat 50 --cpus 4

The Ray rows time the whole call, starting the actors (each imports perfeval and loads its
extractor) and writing the Parquet included, on a fresh output folder. The PDF row writes a
20-page report with reportlab (in the ``test`` extra) from the example texts, then times
``read`` (pdfplumber) and ``extract`` of it in this process, one onnxruntime thread.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
PAGES = 20
LINES_PER_PAGE = 40
CHARS_PER_LINE = 40


def copies(folder: Path, repeat: int) -> Path:
    """``repeat`` copies of every example report in ``folder``."""
    folder.mkdir()
    for i in range(repeat):
        for path in EXAMPLES:
            shutil.copy(path, folder / f"{i:03d}_{path.name}")
    return folder


def ray_run(inputs: Path, out: Path, rules_only: bool, workers: int) -> dict[str, float]:
    from perfeval.distributed import extract_to_parquet, read_results

    start = time.perf_counter()
    extract_to_parquet(inputs, out, rules_only=rules_only, num_workers=workers)
    seconds = time.perf_counter() - start
    rows = read_results(out).num_rows
    docs = len(list(inputs.iterdir()))
    return {"seconds": seconds, "docs": docs, "rows": rows, "docs_per_s": docs / seconds, "rows_per_s": rows / seconds}


def twenty_page_pdf(path: Path) -> Path:
    """A report of :data:`PAGES` pages of CJK text (the example reports, line after line)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    text = "".join(p.read_text(encoding="utf-8") for p in EXAMPLES).replace("\n", "")
    lines = [text[i:i + CHARS_PER_LINE] for i in range(0, len(text), CHARS_PER_LINE)]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(PAGES):
        pdf.setFont("STSong-Light", 11)
        for row in range(LINES_PER_PAGE):
            index = (page * LINES_PER_PAGE + row) % len(lines)
            pdf.drawString(40, 800 - row * 19, lines[index])
        pdf.showPage()
    pdf.save()
    return path


def pdf_seconds(path: Path, rules_only: bool, passes: int = 3) -> dict[str, float]:
    """Median seconds to read the PDF and to extract its text, one process on one core."""
    os.environ["PERFEVAL_THREADS"] = "1"  # as in each Ray actor
    import perfeval
    from perfeval.readers import read

    extractor = perfeval.load(rules_only=rules_only)
    reads, extracts = [], []
    for _ in range(passes):
        start = time.perf_counter()
        source = read(path)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        extractor.extract_source(source)
        extracts.append(time.perf_counter() - start)
    return {"read_s": statistics.median(reads), "extract_s": statistics.median(extracts), "chars": len(source.text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25, help="copies of each example report (default 25)")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray (default 2); one actor each")
    args = parser.parse_args()

    import ray

    ray.init(num_cpus=args.cpus, include_dashboard=False, runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    with tempfile.TemporaryDirectory() as tmp:
        inputs = copies(Path(tmp) / "in", args.repeat)
        print(f"| extractor | docs | rows | seconds | docs/s | rows/s |  (local Ray, {args.cpus} CPUs, {args.cpus} actors)")
        print("|---|---:|---:|---:|---:|---:|")
        for name, rules_only in (("rules-only", True), ("default", False)):
            r = ray_run(inputs, Path(tmp) / f"out-{name}", rules_only, args.cpus)
            print(f"| {name} | {r['docs']} | {r['rows']} | {r['seconds']:.1f} | {r['docs_per_s']:.1f} | {r['rows_per_s']:.0f} |")
        ray.shutdown()
        pdf = twenty_page_pdf(Path(tmp) / "report.pdf")
        print(f"\n| extractor | {PAGES}-page PDF: chars | read s | extract s | s per document |  (one process)")
        print("|---|---:|---:|---:|---:|")
        for name, rules_only in (("rules-only", True), ("default", False)):
            s = pdf_seconds(pdf, rules_only)
            print(f"| {name} | {s['chars']} | {s['read_s']:.2f} | {s['extract_s']:.2f} | {s['read_s'] + s['extract_s']:.2f} |")


if __name__ == "__main__":
    main()
