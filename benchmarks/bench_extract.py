"""Extraction speed and memory on the shared reports, on CPU (a script, not a test).

    .venv/bin/python benchmarks/bench_extract.py [--reports DIR] [--min-seconds 3] [--json OUT]
    .venv/bin/python benchmarks/bench_extract.py --profile rules-only   # cProfile of one configuration

Every configuration runs in a fresh child process, so its peak RSS (``ru_maxrss``) covers
imports, loading and extraction and nothing else:

- ``rules-only``: ``perfeval.load(rules_only=True)``;
- ``model``: the default model alone (``perfeval.load(hybrid=False)``);
- ``hybrid``: the default extractor (``perfeval.load()``);
- ``bert-base-random``: a BERT-base-sized encoder (12 layers, 768 hidden, 21128 vocab) with
  random weights behind the model-only extractor, its tagger biased to tag nothing (random
  weights would tag every other character and time the linker on noise): the speed and
  memory of a base-sized encoder and the pipeline around it, not of its output.

Throughput is characters of report text per second of ``Extractor.extract``, after one
warm-up call: passes over all reports are repeated until ``--min-seconds`` have passed, and
the median pass gives ``chars/s`` (the best pass is shown too: on a shared machine it is
the closer estimate of unloaded speed). Cold start is
the wall time of ``perfeval extract REPORT --format jsonl`` in a subprocess, several runs,
with the default extractor (the target) and with ``--rules-only``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPORTS = ROOT.parent / "shared" / "reports"
CONFIGS = ("rules-only", "model", "hybrid", "bert-base-random")
TARGETS = {"rules-only": 500_000, "hybrid": 30_000}  # chars/s on 2 cores
COLD_START_TARGET_S = 3.0
RSS_TARGET_MB = 800.0


def load_extractor(config: str, texts: list[str]) -> Any:
    """The extractor of one configuration (see the module docstring)."""
    import perfeval

    if config == "rules-only":
        return perfeval.load(rules_only=True)
    if config == "model":
        return perfeval.load(hybrid=False)
    if config == "hybrid":
        return perfeval.load()
    if config == "bert-base-random":
        import torch
        from transformers import BertConfig

        from perfeval.model import ModelConfig, PerfevalModel
        from perfeval.model.serialization import build_network
        from perfeval.model.tokenization import build_char_tokenizer
        from perfeval.pipeline import Extractor

        encoder = BertConfig(vocab_size=21128).to_dict()  # bert-base-chinese's sizes
        model_config = ModelConfig(encoder=encoder)
        network = build_network(model_config)
        with torch.no_grad():  # random weights would tag every other character: make them tag nothing
            network.tagger.bias[0] = 100.0
        model = PerfevalModel(model_config, build_char_tokenizer(texts, min_freq=1), network)
        return Extractor(model, hybrid=False)
    raise ValueError(f"unknown configuration {config!r}")


def run_child(config: str, reports: Path, min_seconds: float, profile: bool, threads: int | None = None) -> dict[str, Any]:
    """Measure one configuration in this process; returns its row."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(reports.glob("*.txt"))]
    if threads and config != "rules-only":
        import torch

        torch.set_num_threads(threads)
    t0 = time.perf_counter()
    extractor = load_extractor(config, texts)
    load_s = time.perf_counter() - t0
    extractor.extract(texts[0])  # warm-up: lazy imports, first-call allocations

    def one_pass() -> int:
        return sum(len(extractor.extract(t).records) for t in texts)

    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        one_pass()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    pass_times, records, start = [], 0, time.perf_counter()
    while not pass_times or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        records = one_pass()
        pass_times.append(time.perf_counter() - t0)
    chars = sum(len(t) for t in texts)
    row: dict[str, Any] = {
        "config": config,
        "chars_per_s": chars / statistics.median(pass_times),
        "best_chars_per_s": chars / min(pass_times),
        "passes": len(pass_times),
        "chars_per_pass": chars,
        "records_per_pass": records,
        "load_s": load_s,
        "peak_rss_mb": peak_rss_mb(),
    }
    if config != "rules-only":
        import torch

        row["torch_threads"] = torch.get_num_threads()
    return row


def peak_rss_mb() -> float:
    """This process's peak resident set size: ``VmHWM`` (``ru_maxrss`` survives ``exec`` on Linux,
    so a child would report its parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(config: str, reports: Path, min_seconds: float, threads: int | None = None) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; a failure becomes a row with ``error``."""
    cmd = [sys.executable, __file__, "--child", config, "--reports", str(reports), "--min-seconds", str(min_seconds)]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["no output"]
        return {"config": config, "error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_start(report: Path, runs: int, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Wall time of ``perfeval extract REPORT --format jsonl [extra]`` in a subprocess, ``runs`` times."""
    exe = shutil.which("perfeval", path=str(Path(sys.executable).parent)) or shutil.which("perfeval")
    command = " ".join(["perfeval extract", report.name, "--format jsonl", *extra])
    if exe is None:
        return {"command": command, "error": "the perfeval command is not installed"}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([exe, "extract", str(report), "--format", "jsonl", *extra], capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines() or ["no output"]
            return {"command": command, "error": f"failed: {lines[-1]}"}
    return {"command": command, "runs": runs, "min_s": min(times), "median_s": statistics.median(times), "max_s": max(times)}


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        torch_version = importlib.metadata.version("torch")  # not imported: this process spawns the children
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed"
    return {
        "cpu": cpu,
        "cores_available": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "torch": torch_version,
        "platform": platform.platform(),
        "loadavg": os.getloadavg(),
    }


def markdown(rows: list[dict[str, Any]], colds: list[dict[str, Any]]) -> str:
    def verdict(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lines = [
        "| configuration | chars/s (median pass) | best pass | target | load s | peak RSS MB | RSS <= 800 MB | records/pass |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['config']} | n/a: {r['error'][:120]} | | | | | | |")
            continue
        target = TARGETS.get(r["config"])
        target_cell = f"{target:,} ({verdict(r['chars_per_s'] >= target)})" if target else "-"
        rss_cell = verdict(r["peak_rss_mb"] <= RSS_TARGET_MB) if r["config"] != "bert-base-random" else "(not a target)"
        lines.append(
            f"| {r['config']} | {r['chars_per_s']:,.0f} | {r['best_chars_per_s']:,.0f} | {target_cell} | {r['load_s']:.2f} | {r['peak_rss_mb']:.0f} | {rss_cell} | {r['records_per_pass']} |"
        )
    lines += ["", "| cold start (subprocess wall time) | median s | min s | max s | runs | <= 3 s |", "|---|---:|---:|---:|---:|---|"]
    for c in colds:
        if "error" in c:
            lines.append(f"| `{c['command']}` | n/a: {c['error'][:120]} | | | | |")
        else:
            lines.append(
                f"| `{c['command']}` | {c['median_s']:.2f} | {c['min_s']:.2f} | {c['max_s']:.2f} | {c['runs']} | "
                f"{verdict(c['median_s'] <= COLD_START_TARGET_S)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, default=DEFAULT_REPORTS if DEFAULT_REPORTS.is_dir() else ROOT / "examples")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated subset of " + ", ".join(CONFIGS))
    parser.add_argument("--min-seconds", type=float, default=3.0, help="time each configuration for at least this long")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write all results here")
    parser.add_argument("--profile", metavar="CONFIG", help="print a cProfile of one pass of CONFIG and exit")
    parser.add_argument("--threads", type=int, help="torch threads in the model configurations (default: torch's own)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child or args.profile:
        row = run_child(args.child or args.profile, args.reports, args.min_seconds, profile=bool(args.profile), threads=args.threads)
        print(json.dumps(row))
        return
    reports = sorted(args.reports.glob("*.txt"))
    if not reports:
        sys.exit(f"bench_extract: no *.txt reports in {args.reports}")
    before = machine()
    rows = [measure(c.strip(), args.reports, args.min_seconds, args.threads) for c in args.configs.split(",") if c.strip()]
    colds = [cold_start(reports[0], args.cold_runs), cold_start(reports[0], args.cold_runs, ("--rules-only",))]
    after_load = os.getloadavg()
    chars = sum(len(p.read_text(encoding="utf-8")) for p in reports)
    print(f"machine: {before['cpu']}, {before['cores_available']} cores available, {before['memory_gib']} GiB, "
          f"Python {before['python']}, torch {before['torch']}")
    print(f"load average before {tuple(round(x, 2) for x in before['loadavg'])}, after {tuple(round(x, 2) for x in after_load)}")
    print(f"reports: {len(reports)} files, {chars:,} characters, from {args.reports}\n")
    print(markdown(rows, colds))
    if args.json:
        args.json.write_text(json.dumps({"machine": before, "loadavg_after": after_load, "rows": rows, "cold_start": colds}, indent=2) + "\n")


if __name__ == "__main__":
    main()
