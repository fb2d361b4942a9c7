"""Public benchmark instances: job-shop (JSSP) and flexible job-shop (FJSP) files and bounds.

Formats (see the benchmark data's README):

* JSSP: ``n m`` then one line per job of ``m`` pairs ``machine duration``, machines 0-based.
* FJSP (Brandimarte): ``n m [f]`` then one line per job: the number of operations, and per
  operation ``k`` then ``k`` pairs ``machine duration``, machines 1-based (turned 0-based here).

Both become a :class:`Problem` with one always-available resource per machine named ``m0``,
``m1``... and jobs ``j0``, ``j1``..., so plan indices equal the file's indices. Lines starting
with ``#`` and blank lines are skipped. Malformed files raise :class:`InstanceError` naming the
file and line.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path

from takt.planning.scheduling.problem import Job, Mode, Operation, Problem, ProblemError, Resource


class InstanceError(ProblemError):
    """A benchmark file that does not follow its format."""


@dataclass(frozen=True)
class Bounds:
    """Best known bounds of one instance; ``upper`` is the best makespan ever found."""

    instance: str
    lower: int
    upper: int
    optimal_known: bool


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [
        (number, line.split())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _ints(where: str, number: int, fields: list[str]) -> list[int]:
    try:
        return [int(f) for f in fields]
    except ValueError:
        raise InstanceError(
            f"{where}, line {number}: expected whole numbers, got {' '.join(fields)[:60]!r}"
        ) from None


def _problem(name: str, machines: int, routes: list[list[list[tuple[int, int]]]]) -> Problem:
    resources = tuple(Resource(f"m{i}") for i in range(machines))
    jobs = tuple(
        Job(
            f"j{j}",
            tuple(
                Operation(f"o{k}", tuple(Mode(f"m{m}", d) for m, d in modes))
                for k, modes in enumerate(route)
            ),
        )
        for j, route in enumerate(routes)
    )
    # Horizon: every operation on its longest mode, one after the other, always fits.
    total = sum(max(d for _, d in modes) for route in routes for modes in route)
    return Problem(resources, jobs, max(1, total))


def parse_jssp(text: str, name: str = "instance") -> Problem:
    """A job-shop instance as a :class:`Problem`.

    Raises:
        InstanceError: bad header, a job line of the wrong length, a machine out of range, a
            negative duration, or a missing job line (the message names the line).
    """
    lines = _lines(text)
    if not lines:
        raise InstanceError(f"{name}: empty file")
    number, header = lines[0]
    head = _ints(name, number, header[:2])
    if len(head) != 2 or head[0] <= 0 or head[1] <= 0:
        raise InstanceError(f"{name}, line {number}: header must be 'jobs machines'")
    jobs, machines = head
    if len(lines) - 1 < jobs:
        raise InstanceError(f"{name}: header announces {jobs} jobs, file has {len(lines) - 1}")
    routes: list[list[list[tuple[int, int]]]] = []
    for number, fields in lines[1 : jobs + 1]:
        values = _ints(name, number, fields)
        if len(values) != 2 * machines:
            raise InstanceError(
                f"{name}, line {number}: expected {machines} pairs "
                f"'machine duration', got {len(values)} numbers"
            )
        route = []
        for machine, duration in zip(values[::2], values[1::2], strict=True):
            if not 0 <= machine < machines:
                raise InstanceError(
                    f"{name}, line {number}: machine {machine} outside 0..{machines - 1}"
                )
            if duration < 0:
                raise InstanceError(f"{name}, line {number}: negative duration {duration}")
            route.append([(machine, duration)])
        routes.append(route)
    return _problem(name, machines, routes)


def parse_fjsp(text: str, name: str = "instance") -> Problem:
    """A flexible job-shop instance (machines turned 0-based) as a :class:`Problem`.

    Raises:
        InstanceError: bad header, truncated or over-long job line, machine out of range,
            negative duration, an operation with no machine (the message names the line).
    """
    lines = _lines(text)
    if not lines:
        raise InstanceError(f"{name}: empty file")
    number, header = lines[0]
    head = _ints(name, number, header[:2])
    if len(head) != 2 or head[0] <= 0 or head[1] <= 0:
        raise InstanceError(f"{name}, line {number}: header must be 'jobs machines [flex]'")
    jobs, machines = head
    if len(lines) - 1 < jobs:
        raise InstanceError(f"{name}: header announces {jobs} jobs, file has {len(lines) - 1}")
    routes: list[list[list[tuple[int, int]]]] = []
    for number, fields in lines[1 : jobs + 1]:
        values = _ints(name, number, fields)
        pos = 1
        route: list[list[tuple[int, int]]] = []
        try:
            for _ in range(values[0]):
                count = values[pos]
                if count <= 0:
                    raise InstanceError(
                        f"{name}, line {number}: operation {len(route)} has no eligible machine"
                    )
                modes = []
                for i in range(count):
                    machine, duration = values[pos + 1 + 2 * i], values[pos + 2 + 2 * i]
                    if not 1 <= machine <= machines:
                        raise InstanceError(
                            f"{name}, line {number}: machine {machine} outside 1..{machines}"
                        )
                    if duration < 0:
                        raise InstanceError(f"{name}, line {number}: negative duration {duration}")
                    modes.append((machine - 1, duration))
                if len({m for m, _ in modes}) != len(modes):
                    # Keep the shortest duration when a machine is listed twice.
                    best: dict[int, int] = {}
                    for m, d in modes:
                        best[m] = min(d, best.get(m, d))
                    modes = sorted(best.items())
                route.append(modes)
                pos += 1 + 2 * count
        except IndexError:
            raise InstanceError(f"{name}, line {number}: job line ends early") from None
        if pos != len(values):
            raise InstanceError(f"{name}, line {number}: {len(values) - pos} numbers left over")
        if not route:
            raise InstanceError(f"{name}, line {number}: job with no operations")
        routes.append(route)
    return _problem(name, machines, routes)


def load_instance(path: Path, kind: str) -> Problem:
    """Read and parse ``path`` as ``kind`` ('jssp' or 'fjsp').

    Raises:
        InstanceError: malformed file; OSError: unreadable file.
    """
    text = path.read_text()
    name = path.stem
    return parse_jssp(text, name) if kind == "jssp" else parse_fjsp(text, name)


def load_bounds(path: Path) -> dict[str, Bounds]:
    """The ``bounds.csv`` of a benchmark folder, by instance name.

    Raises:
        InstanceError: a row with a missing or non-numeric bound (names the line).
    """
    out: dict[str, Bounds] = {}
    with path.open(newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                out[row["instance"]] = Bounds(
                    row["instance"],
                    int(row["lower_bound"]),
                    int(row["upper_bound"]),
                    row.get("optimal_known", "").strip().lower() == "true",
                )
            except (KeyError, TypeError, ValueError):
                raise InstanceError(f"{path}, line {line}: bad bounds row") from None
    return out


_RANDOM_NAME = re.compile(r"rnd(\d+)x(\d+)s(\d+)")


def random_jssp(jobs: int, machines: int, seed: int) -> str:
    """A Taillard-like random job-shop instance as JSSP text (development data, not a benchmark).

    Durations are uniform in 1..99 and each job visits the machines in a random order, as in
    Taillard (1993), but from Python's generator: the instances differ from the published ones.
    """
    rng = random.Random(seed)
    lines = [f"{jobs} {machines}"]
    for _ in range(jobs):
        order = rng.sample(range(machines), machines)
        lines.append(" ".join(f"{m} {rng.randint(1, 99)}" for m in order))
    return "\n".join(lines) + "\n"


def random_instance_name(name: str) -> tuple[int, int, int] | None:
    """``(jobs, machines, seed)`` for a name like ``rnd30x20s1``, else None."""
    match = _RANDOM_NAME.fullmatch(name)
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))
