"""Runs every benchmark: ``python -m bench [--scale small|full|N] [--only NAME ...] [--list]``.

Each module ``bench/NAME.py`` that is not private (no leading underscore), not a shared helper
(``HELPERS``) and has a ``__main__`` block runs as ``python -m bench.NAME`` in its own process; its JSON lines are forwarded to stdout as they
come, anything else it prints goes to stderr. Most benchmarks take ``--scale``; the solver
benchmarks take instances and a time limit instead (and ``factory`` a fraction as its scale), so
``BENCH_ARGS`` gives them arguments per scale (a tiny instance by default, so that ``python -m bench`` stays within a minute or two).
A benchmark that fails prints ``{"bench": NAME, "error": ...}`` and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent

HELPERS = frozenset({"instances"})
"""Modules in bench/ that other benchmarks import and that are not benchmarks themselves."""

BENCH_ARGS: dict[str, dict[str, list[str]]] = {
    "jssp": {
        "small": ["ft06", "--time-limit", "5"],
        "full": ["ft10", "la16", "ta01", "ta05", "--time-limit", "60"],
    },
    "fjsp": {
        "small": ["mk01", "--time-limit", "5"],
        "full": ["mk01", "mk04", "mk08", "--time-limit", "60"],
    },
    # Its --scale is a fraction of 2,000 orders; 0.1 is its own default.
    "factory": {
        "small": ["--scale", "0.1", "--time-limit", "10"],
        "full": ["--scale", "1", "--time-limit", "60"],
    },
}
"""Arguments of the benchmarks that do not take ``--scale``, by scale (a number counts as full)."""


def discover() -> list[str]:
    """The benchmark modules in bench/, in name order: public, runnable, not a helper."""
    return sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if not path.stem.startswith("_")
        and path.stem not in HELPERS
        and "__main__" in path.read_text(encoding="utf-8")
    )


def arguments(name: str, scale: str) -> list[str]:
    """The command-line arguments ``name`` runs with at ``scale``."""
    per_scale = BENCH_ARGS.get(name)
    if per_scale is None:
        return ["--scale", scale]
    return list(per_scale.get(scale, per_scale["full"]))


def run(name: str, args: list[str], timeout: float | None) -> bool:
    """Runs one benchmark, forwarding its JSON lines; True when it succeeded."""
    command = [sys.executable, "-m", f"bench.{name}", *args]
    print(f"# {' '.join(['python', *command[1:]])}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                _forward(line)
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            _error(name, f"timed out after {timeout:g} s")
            return False
        except KeyboardInterrupt:
            process.kill()
            raise
    if status != 0:
        _error(name, f"exit status {status} after {time.perf_counter() - start:.1f} s")
        return False
    return True


def _forward(line: str) -> None:
    text = line.strip()
    if not text:
        return
    try:
        json.loads(text)
    except ValueError:
        print(text, file=sys.stderr, flush=True)
        return
    print(text, flush=True)


def _error(name: str, message: str) -> None:
    print(json.dumps({"bench": name, "error": message}), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default="small", help="small (default), full, or a number")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--timeout", type=float, help="seconds allowed to each benchmark")
    args = parser.parse_args(argv)
    names = discover()
    if args.list:
        for name in names:
            print(f"{name} {' '.join(arguments(name, args.scale))}")
        return
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"no benchmark {', '.join(unknown)} (have: {', '.join(names)})")
        names = [n for n in names if n in args.only]
    failed = [n for n in names if not run(n, arguments(n, args.scale), args.timeout)]
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
