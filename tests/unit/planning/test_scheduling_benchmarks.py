"""Development-set benchmark instances solve to their known optimum; the CLI prints JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from takt.planning.scheduling.cpsat.solve import optimise
from takt.planning.scheduling.instances import load_bounds, load_instance
from takt.planning.scheduling.plan import Objective
from takt.planning.scheduling.result import SolveStatus
from takt.planning.scheduling.validate import assert_valid

REPO = Path(__file__).resolve().parents[3]
DATA = Path(os.environ.get("TAKT_BENCHDATA", REPO.parent / "shared" / "benchdata"))

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="benchmark data not available")


@pytest.mark.parametrize(("kind", "name"), [("jssp", "ft06"), ("jssp", "la01"), ("fjsp", "mk01")])
def test_small_instances_reach_their_known_optimum(kind: str, name: str) -> None:
    problem = load_instance(DATA / kind / "instances" / f"{name}.txt", kind)
    best = load_bounds(DATA / kind / "bounds.csv")[name]
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=20, workers=2, seed=0)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == best.upper


def test_parsed_instances_respect_the_known_lower_bound() -> None:
    bounds = load_bounds(DATA / "jssp" / "bounds.csv")
    problem = load_instance(DATA / "jssp" / "instances" / "ft10.txt", "jssp")
    assert (len(problem.jobs), len(problem.resources)) == (10, 10)
    result = optimise(problem, objective=Objective.MAKESPAN, time_limit=1, workers=1, seed=0)
    assert result.plan is not None
    assert_valid(problem, result.plan)
    assert result.plan.makespan >= bounds["ft10"].lower


def test_the_jssp_command_prints_one_json_line_and_writes_the_schedule(tmp_path: Path) -> None:
    env = {**os.environ, "TAKT_BENCHDATA": str(DATA)}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.jssp",
            "ft06",
            "--time-limit",
            "5",
            "--workers",
            "1",
            "--schedule-out",
            str(tmp_path),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(out.stdout.strip())
    assert record["instance"] == "ft06"
    assert (record["makespan"], record["best_known"], record["valid"]) == (55, 55, True)
    assert record["value"] == 55
    assert record["unit"] == "minutes"
    rows = json.loads((tmp_path / "ft06.json").read_text())
    assert len(rows) == 36
    assert set(rows[0]) == {"job", "op", "machine", "start", "end"}
    assert max(r["end"] for r in rows) == 55
