"""Time and peak memory of the default model on one long text (a script, not a test).

    .venv/bin/python benchmarks/bench_long_text.py 1 4 20     # sizes in MB of UTF-8 text

Each size runs in a fresh child process. The text is the shipped example reports repeated to
the size. The child times ``PerfevalModel.predict`` as a whole and its two decoding stages
(``decode_entities``: Viterbi over the merged windows; ``snap_indicators``), and reports its
peak RSS (``VmHWM``), which covers the interpreter, torch and the model (about 300 MB before
any text).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
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


def child(megabytes: float) -> dict[str, Any]:
    import perfeval
    from perfeval.model import PerfevalModel, extractor

    text = long_text(megabytes)
    model = PerfevalModel.from_pretrained(perfeval.DEFAULT_MODEL)
    stages: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - start

        return run

    extractor.decode_entities = timed("decode_entities_s", extractor.decode_entities)  # type: ignore[assignment]
    extractor.snap_indicators = timed("snap_indicators_s", extractor.snap_indicators)  # type: ignore[assignment]
    start = time.perf_counter()
    prediction = model.predict(text)
    return {
        "mb": megabytes,
        "chars": len(text),
        "entities": len(prediction.entities),
        "predict_s": round(time.perf_counter() - start, 1),
        **{name: round(seconds, 1) for name, seconds in stages.items()},
        "peak_rss_mb": round(peak_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=float, help="text sizes in MB")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.sizes[0])))
        return
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(size)], capture_output=True, text=True, cwd=ROOT)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
