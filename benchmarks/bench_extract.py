"""Speed, start-up and memory of extraction against a yardstick, in one run (a script, not a test).

    .venv/bin/python benchmarks/bench_extract.py [--reports DIR] [--min-seconds 3] [--json OUT]
    .venv/bin/python benchmarks/bench_extract.py --configs rules-only,default   # a subset
    .venv/bin/python benchmarks/bench_extract.py --profile default              # cProfile of one pass, to stderr

Every configuration runs in a fresh child process, so its peak RSS (``VmHWM``) covers its
imports, loading and work and nothing else:

- ``yardstick``: the forward pass of a 3-layer, 768-wide BERT token classifier (vocabulary
  21128, 12 heads) with random weights, over the same characters in windows of 512, batch 8,
  torch's default threads. Shared machines are noisy, so every other row is read as a ratio
  to this one, measured in the same run;
- ``rules-only``: ``perfeval.load(rules_only=True)``;
- ``default``: ``perfeval.load()``, the default extractor (ONNX model, onnxruntime's threads);
- ``default-1-thread``: the same with ``PERFEVAL_THREADS=1``;
- ``model-only``: ``perfeval.load(hybrid=False)``;
- ``naive-regex``: one regular expression for a number and a unit, no normalisation or links;
- ``recognizers-text``: Microsoft Recognizers-Text's Chinese number-with-unit and percentage
  models (values only), where the package is installed.

Throughput is characters of report text per second, after one warm-up call; passes over all
reports repeat until ``--min-seconds`` have passed and the median pass counts. Cold start is
the wall time of a command in a subprocess (median of ``--cold-runs``): ``perfeval extract
REPORT`` with the default and with ``--rules-only``, against ``python -c "import torch"``.
``--jobs`` scaling: ``perfeval extract DIR`` with ``--jobs 1`` (one core), ``--jobs 2`` and no
``--jobs`` (one process, the model on every core) on a folder of the reports as text and as PDFs
(built with reportlab), PDF parsing included, ``--jobs-runs`` runs of each in turn, medians
compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ("yardstick", "rules-only", "default", "default-1-thread", "model-only", "naive-regex", "recognizers-text")
RATIO_TARGETS = {"rules-only": 350, "default": 25}  # times the yardstick's chars/s
RSS_TARGET_MB = 250.0
JOBS_TARGET = 1.8
NAIVE = re.compile(r"\d+(?:[.,]\d+)*\s*(?:亿元|万元|元|%|个百分点|个|次|项|人|分)")


class Yardstick:
    """A random 3-layer, 768-wide BERT token classifier's forward pass over the characters."""

    def __init__(self) -> None:
        import torch
        from transformers import BertConfig, BertForTokenClassification

        torch.manual_seed(0)
        config = BertConfig(vocab_size=21128, hidden_size=768, num_hidden_layers=3, num_attention_heads=12,
                            intermediate_size=3072, num_labels=11)
        self.torch, self.model = torch, BertForTokenClassification(config).eval()

    def run(self, text: str) -> int:
        torch = self.torch
        ids = torch.tensor([(ord(ch) * 7919) % 21000 + 100 for ch in text], dtype=torch.long)
        windows = list(ids.split(510))
        with torch.no_grad():
            for k in range(0, len(windows), 8):
                batch = torch.nn.utils.rnn.pad_sequence(windows[k:k + 8], batch_first=True)
                self.model(input_ids=batch, attention_mask=(batch != 0).long())
        return 0


class Recognizers:
    """Recognizers-Text's Chinese number-with-unit (currency) and percentage models."""

    def __init__(self) -> None:
        from recognizers_number_with_unit import recognize_currency
        from recognizers_number import recognize_percentage
        from recognizers_text import Culture

        self.models = (recognize_currency, recognize_percentage)
        self.culture = Culture.Chinese

    def run(self, text: str) -> int:
        return sum(len(model(text, self.culture)) for model in self.models)


class Extracting:
    def __init__(self, extractor: Any) -> None:
        self.extractor = extractor

    def run(self, text: str) -> int:
        return len(self.extractor.extract(text).records)


class NaiveRegex:
    def run(self, text: str) -> int:
        return sum(1 for _ in NAIVE.finditer(text))


def load(config: str) -> Any:
    """The runner of one configuration (see the module docstring)."""
    if config == "yardstick":
        return Yardstick()
    if config == "naive-regex":
        return NaiveRegex()
    if config == "recognizers-text":
        return Recognizers()
    if config == "default-1-thread":
        os.environ["PERFEVAL_THREADS"] = "1"
    import perfeval

    if config == "rules-only":
        return Extracting(perfeval.load(rules_only=True))
    if config in ("default", "default-1-thread"):
        return Extracting(perfeval.load())
    if config == "model-only":
        return Extracting(perfeval.load(hybrid=False))
    raise ValueError(f"unknown configuration {config!r}")


def run_child(config: str, reports: Path, min_seconds: float, profile: bool) -> dict[str, Any]:
    """Measure one configuration in this process; returns its row."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(reports.glob("*.txt"))]
    t0 = time.perf_counter()
    runner = load(config)
    load_s = time.perf_counter() - t0
    runner.run(texts[0])  # warm-up: lazy imports, first-call allocations

    def one_pass() -> int:
        return sum(runner.run(t) for t in texts)

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        one_pass()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    pass_times, found, start = [], 0, time.perf_counter()
    while not pass_times or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        found = one_pass()
        pass_times.append(time.perf_counter() - t0)
    chars = sum(len(t) for t in texts)
    return {"config": config, "chars_per_s": chars / statistics.median(pass_times), "best_chars_per_s": chars / min(pass_times),
            "passes": len(pass_times), "chars_per_pass": chars, "found_per_pass": found, "load_s": load_s,
            "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident set size (``VmHWM``; ``ru_maxrss`` survives ``exec`` on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(config: str, reports: Path, min_seconds: float) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; a failure becomes a row with ``error``."""
    cmd = [sys.executable, __file__, "--child", config, "--reports", str(reports), "--min-seconds", str(min_seconds)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["no output"]
        return {"config": config, "error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def wall_times(command: list[str], runs: int) -> dict[str, Any]:
    """Median, min and max wall time of ``command`` in a subprocess; ``error`` if it fails."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "runs": runs}


def cold_starts(report: Path, runs: int) -> list[dict[str, Any]]:
    exe = shutil.which("perfeval", path=str(Path(sys.executable).parent)) or "perfeval"
    rows = []
    for name, command in (
        ('python -c "import torch"', [sys.executable, "-c", "import torch"]),
        (f"perfeval extract {report.name}", [exe, "extract", str(report), "--format", "jsonl"]),
        (f"perfeval extract {report.name} --rules-only", [exe, "extract", str(report), "--format", "jsonl", "--rules-only"]),
    ):
        rows.append({"command": name, **wall_times(command, runs)})
    return rows


def jobs_folder(reports: Path, folder: Path, copies: int) -> int:
    """``copies`` of each report as text and as a PDF (reportlab, CID font) in ``folder``; the file count."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    count = 0
    for report in sorted(reports.glob("*.txt")):
        text = report.read_text(encoding="utf-8")
        lines = [line[i:i + 40] for line in text.splitlines() for i in range(0, max(1, len(line)), 40)]
        for k in range(copies):
            (folder / f"{report.stem}_{k}.txt").write_text(text, encoding="utf-8")
            pdf = canvas.Canvas(str(folder / f"{report.stem}_{k}.pdf"), pagesize=A4)
            for p in range(0, len(lines), 50):
                pdf.setFont("STSong-Light", 10)
                for j, line in enumerate(lines[p:p + 50]):
                    pdf.drawString(40, 800 - 15 * j, line)
                pdf.showPage()
            pdf.save()
            count += 2
    return count


JOBS_SETTINGS = {"no --jobs": [], "--jobs 1": ["--jobs", "1"], "--jobs 2": ["--jobs", "2"]}


def jobs_scaling(reports: Path, copies: int, runs: int) -> dict[str, Any]:
    """``perfeval extract DIR`` with each of :data:`JOBS_SETTINGS`, ``runs`` times each, taken in
    turn so that a change in the other tenants' load falls on all; medians compared. ``--jobs 1``
    is one core (the model on one thread); without ``--jobs``, one process whose model runs on
    onnxruntime's threads (every core)."""
    exe = shutil.which("perfeval", path=str(Path(sys.executable).parent)) or "perfeval"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        files = jobs_folder(reports, folder, copies)
        out: dict[str, Any] = {"files": files}
        times: dict[str, list[float]] = {name: [] for name in JOBS_SETTINGS}
        for _ in range(runs):
            for name, flags in JOBS_SETTINGS.items():
                result = wall_times([exe, "extract", str(folder), *flags, "-o", str(Path(tmp) / "out.jsonl")], 1)
                if "error" in result:
                    out[name] = result
                    return out
                times[name].append(result["median_s"])
    for name in JOBS_SETTINGS:
        out[name] = {"median_s": statistics.median(times[name]), "runs_s": times[name]}
    out["speed_up"] = out["--jobs 1"]["median_s"] / out["--jobs 2"]["median_s"]
    out["speed_up_over_no_jobs"] = out["no --jobs"]["median_s"] / out["--jobs 2"]["median_s"]
    return out


def markdown(rows: list[dict[str, Any]], colds: list[dict[str, Any]], jobs: dict[str, Any] | None) -> str:
    def verdict(ok: bool) -> str:
        return "yes" if ok else "**no**"

    yard = next((r["chars_per_s"] for r in rows if r["config"] == "yardstick" and "error" not in r), None)
    lines = ["| configuration | chars/s (median pass) | best pass | × yardstick | target | load s | peak RSS MB | found/pass |",
             "|---|---:|---:|---:|---|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['config']} | n/a: {r['error'][:100]} | | | | | | |")
            continue
        ratio = r["chars_per_s"] / yard if yard else float("nan")
        target = RATIO_TARGETS.get(r["config"])
        target_cell = f"≥ {target}× ({verdict(ratio >= target)})" if target else "-"
        if r["config"] in ("default", "rules-only"):
            target_cell += f"; RSS ≤ {RSS_TARGET_MB:.0f} MB ({verdict(r['peak_rss_mb'] <= RSS_TARGET_MB)})"
        lines.append(f"| {r['config']} | {r['chars_per_s']:,.0f} | {r['best_chars_per_s']:,.0f} | {ratio:,.1f} | {target_cell} | "
                     f"{r['load_s']:.2f} | {r['peak_rss_mb']:.0f} | {r['found_per_pass']} |")
    torch_s = next((c.get("median_s") for c in colds if "import torch" in c["command"]), None)
    lines += ["", "| cold start (subprocess wall time) | median s | min s | max s | runs | ≤ import torch |", "|---|---:|---:|---:|---:|---|"]
    for c in colds:
        if "error" in c:
            lines.append(f"| `{c['command']}` | n/a: {c['error'][:100]} | | | | |")
            continue
        ok = "-" if "import torch" in c["command"] or torch_s is None else verdict(c["median_s"] <= torch_s)
        lines.append(f"| `{c['command']}` | {c['median_s']:.2f} | {c['min_s']:.2f} | {c['max_s']:.2f} | {c['runs']} | {ok} |")
    if jobs:
        if "speed_up" in jobs:
            lines += ["", f"`perfeval extract DIR` on {jobs['files']} files (half PDF), medians of {len(jobs['--jobs 1']['runs_s'])} runs each, taken in turn:",
                      "", "| command | median s | runs s |", "|---|---:|---|"]
            lines += [f"| `perfeval extract DIR{' ' + name if JOBS_SETTINGS[name] else ''}` | {jobs[name]['median_s']:.1f} | {', '.join(f'{t:.1f}' for t in jobs[name]['runs_s'])} |"
                      for name in JOBS_SETTINGS]
            lines += ["", f"--jobs 2 against --jobs 1 (one core): {jobs['speed_up']:.2f}× (target ≥ {JOBS_TARGET}×: "
                      f"{verdict(jobs['speed_up'] >= JOBS_TARGET)}); against no --jobs (one process, the model on every core): "
                      f"{jobs['speed_up_over_no_jobs']:.2f}×"]
        else:
            lines += ["", f"--jobs scaling: n/a ({jobs})"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, default=ROOT / "examples")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ", ".join(CONFIGS))
    parser.add_argument("--min-seconds", type=float, default=3.0, help="time each configuration for at least this long")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--jobs-copies", type=int, default=6, help="copies of each report (text and PDF) for --jobs scaling; 0: skip")
    parser.add_argument("--jobs-runs", type=int, default=5, help="runs of each --jobs setting, in turn")
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument("--profile", metavar="CONFIG", help="print a cProfile of one pass of CONFIG and exit")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.profile:
        print(json.dumps(run_child(args.child or args.profile, args.reports, args.min_seconds, profile=bool(args.profile))))
        return
    reports = sorted(args.reports.glob("*.txt"))
    if not reports:
        sys.exit(f"bench_extract: no *.txt reports in {args.reports}")
    load_before = os.getloadavg()
    rows = [measure(c.strip(), args.reports, args.min_seconds) for c in args.configs.split(",") if c.strip()]
    colds = cold_starts(reports[0], args.cold_runs)
    jobs = jobs_scaling(args.reports, args.jobs_copies, args.jobs_runs) if args.jobs_copies else None
    chars = sum(len(p.read_text(encoding="utf-8")) for p in reports)
    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores available, "
          f"Python {platform.python_version()}; load average before {tuple(round(x, 2) for x in load_before)}, "
          f"after {tuple(round(x, 2) for x in os.getloadavg())}")
    print(f"reports: {len(reports)} files, {chars:,} characters, from {args.reports}\n")
    print(markdown(rows, colds, jobs))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "cold_start": colds, "jobs": jobs}, indent=2) + "\n")


if __name__ == "__main__":
    main()
