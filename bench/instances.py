"""Shared command line of the JSSP and FJSP benchmarks: resolve instances, solve, check, report.

Each instance prints one JSON line; every plan goes through the independent validator.
Instance arguments are paths or bare names (``ta25``) looked up in the benchmark data folder:
``$TAKT_BENCHDATA``, by default ``../shared/benchdata`` next to the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.instances import (
    InstanceError,
    load_bounds,
    load_instance,
    parse_jssp,
    random_instance_name,
    random_jssp,
)
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.validate import validate

REPO_ROOT = Path(__file__).resolve().parent.parent

_LA = [f"la{i:02d}" for i in range(1, 41)]
_TA = [f"ta{i:02d}" for i in range(1, 81)]
SETS: dict[str, dict[str, list[str]]] = {
    "jssp": {
        "dev": ["ft06", "ft10", "ft20", *_LA[:20], *_TA[:10]],
        "heldout": [
            *_LA[20:],
            *(f"abz{i}" for i in range(5, 10)),
            *(f"orb{i:02d}" for i in range(1, 11)),
            *(f"swv{i:02d}" for i in range(1, 21)),
            *(f"yn{i}" for i in range(1, 5)),
            *_TA[10:],
        ],
    },
    "fjsp": {
        "dev": [f"mk{i:02d}" for i in range(1, 6)],
        "heldout": [f"mk{i:02d}" for i in range(6, 11)],
    },
}


def benchdata_dir() -> Path:
    """The benchmark data folder ($TAKT_BENCHDATA or ../shared/benchdata from the repo root)."""
    env = os.environ.get("TAKT_BENCHDATA")
    return Path(env) if env else (REPO_ROOT / ".." / "shared" / "benchdata").resolve()


def resolve(arg: str, kind: str) -> Path:
    """A path as given if it exists, else ``<benchdata>/<kind>/instances/<arg>.txt``.

    A JSSP name like ``rnd30x20s1`` stands for a generated random instance (development data).
    """
    path = Path(arg)
    if path.exists() or (kind == "jssp" and random_instance_name(arg) is not None):
        return path
    candidate = benchdata_dir() / kind / "instances" / f"{arg.removesuffix('.txt')}.txt"
    if candidate.exists():
        return candidate
    raise FileNotFoundError(f"no instance {arg!r} (looked for {path} and {candidate})")


def run_one(
    path: Path, kind: str, args: argparse.Namespace, bounds: dict[str, object]
) -> dict[str, object]:
    """Solve one instance, validate its plan, optionally write it; the JSON record."""
    name = path.stem
    began = time.monotonic()
    generated = random_instance_name(name) if not path.exists() else None
    if generated is not None:
        problem = parse_jssp(random_jssp(*generated), name)
    else:
        problem = load_instance(path, kind)
    result = optimise(
        problem,
        objective=Objective.MAKESPAN,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        lns=None if args.lns == "auto" else args.lns == "on",
        lns_mode=args.lns_mode,
    )
    seconds = round(time.monotonic() - began, 2)
    plan = result.plan
    record: dict[str, object] = {"bench": kind, "instance": name, "status": result.status.value}
    known = bounds.get(name)
    best_known = getattr(known, "upper", None)
    if plan is None:
        record.update(makespan=None, valid=False, reason=result.reason)
    else:
        violations = validate(problem, plan)
        makespan = plan.makespan
        record.update(
            makespan=makespan,
            best_known=best_known,
            gap_percent=None
            if not best_known
            else round(100.0 * (makespan - best_known) / best_known, 2),
            lower_bound=result.best_bound,
            known_lower_bound=getattr(known, "lower", None),
            valid=not violations,
        )
        if violations:
            record["violations"] = [v.message for v in violations[:5]]
        if args.schedule_out:
            out = Path(args.schedule_out)
            out.mkdir(parents=True, exist_ok=True)
            rows = [
                {"job": a.job, "op": a.op, "machine": a.resource, "start": a.start, "end": a.end}
                for a in plan.all()
            ]
            (out / f"{name}.json").write_text(json.dumps(rows))
    record.update(
        seconds=seconds,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        warm_start=result.warm_start_objective,
        lns_steps=result.iterations,
        value=record.get("makespan"),
        unit="minutes",
    )
    return record


def main(kind: str, argv: list[str] | None = None) -> int:
    """Command line entry for ``python -m bench.jssp`` / ``bench.fjsp``; 1 on any invalid plan."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{kind}", description=__doc__)
    parser.add_argument("instances", nargs="*", help="files or bare names such as ta25")
    parser.add_argument(
        "--set",
        choices=["dev", "heldout"],
        help="the development or held-out set (added to any instances given)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--schedule-out", help="folder for INSTANCE.json schedules")
    parser.add_argument(
        "--lns",
        choices=["auto", "on", "off"],
        default="auto",
        help="large-neighbourhood search after the full solve (default: by size)",
    )
    parser.add_argument(
        "--lns-mode",
        choices=["auto", "hybrid", "cpsat", "steps"],
        default="auto",
        help="how LNS runs: auto = tabu search and window LNS for makespan on plain job shops",
    )
    args = parser.parse_args(argv)
    names = list(args.instances) + (SETS[kind][args.set] if args.set else [])
    if not names:
        parser.error("give instances or --set")
    bounds_path = benchdata_dir() / kind / "bounds.csv"
    bounds: dict[str, object] = dict(load_bounds(bounds_path)) if bounds_path.exists() else {}
    failed = 0
    for name in names:
        try:
            record = run_one(resolve(name, kind), kind, args, bounds)
        except (InstanceError, OSError) as error:
            record = {"bench": kind, "instance": name, "error": str(error), "valid": False}
        failed += not record.get("valid", False)
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "jssp", sys.argv[2:]))
