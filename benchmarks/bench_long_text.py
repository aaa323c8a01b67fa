"""Time and peak memory of extraction on one long text (a script, not a test).

    .venv/bin/python benchmarks/bench_long_text.py 1 5 20                 # sizes in MB of UTF-8 text
    .venv/bin/python benchmarks/bench_long_text.py 1 5 20 --rules-only

Each size runs in a fresh child process. The text is the shipped example reports repeated to
the size. The child times ``Extractor.extract`` on the whole text, checks that every record's
offsets give back its text, and reports its peak RSS (``VmHWM``: the interpreter, onnxruntime
and the model included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def long_text(megabytes: float) -> str:
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt")))
    copies = megabytes * 1_000_000 / len(unit.encode("utf-8"))
    return (unit * (int(copies) + 1))[: int(copies * len(unit))]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise OSError("no VmHWM in /proc/self/status")


def child(megabytes: float, rules_only: bool) -> dict[str, Any]:
    import perfeval

    extractor = perfeval.load(rules_only=rules_only)
    text = long_text(megabytes)
    start = time.perf_counter()
    doc = extractor.extract(text)
    seconds = time.perf_counter() - start
    exact = all(text[r.start:r.end] == r.text for r in doc.records)
    return {"mb": megabytes, "config": "rules-only" if rules_only else "default", "chars": len(text),
            "records": len(doc.records), "extract_s": round(seconds, 1), "s_per_mb": round(seconds / megabytes, 2),
            "offsets_exact": exact, "peak_rss_mb": round(peak_rss_mb())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=float, help="text sizes in MB")
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.sizes[0], args.rules_only)))
        return
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size)] + (["--rules-only"] if args.rules_only else [])
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
