"""Generated Brandimarte-like FJSP instances (development data): ``python -m bench.fjsp_generated``.

``python -m bench.fjsp_generated g1 g2 g3 --time-limit 20 --workers 2 --seed 0`` writes each
named instance (``gN``: seed N) to ``$TMPDIR/takt-fjsp-generated/gN.txt`` and runs the FJSP
benchmark on those files (same options and JSON lines as ``bench.fjsp``; no best known value,
so compare makespans and lower bounds). ``--write DIR`` only writes the files.

Instance ``gN`` draws from ``random.Random(N)``: 15-20 jobs, 8-15 machines, 10-15 operations
per job, 2-6 eligible machines per operation (distinct, at most the machine count), durations
1-20 on each, like Brandimarte's large instances (mk06, mk08-mk10). Not the published ones.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from pathlib import Path

from bench.instances import main as bench_main

_NAME = re.compile(r"g(\d+)")


def generate(seed: int) -> str:
    """The instance of ``seed`` as FJSP text (machines 1-based)."""
    rng = random.Random(seed)
    jobs = rng.randint(15, 20)
    machines = rng.randint(8, 15)
    lines: list[str] = []
    total = 0
    for _ in range(jobs):
        ops = rng.randint(10, 15)
        fields = [str(ops)]
        for _ in range(ops):
            count = rng.randint(2, min(6, machines))
            eligible = rng.sample(range(1, machines + 1), count)
            fields.append(str(count))
            for m in eligible:
                fields += [str(m), str(rng.randint(1, 20))]
            total += count
        lines.append(" ".join(fields))
    flex = total / sum(int(line.split()[0]) for line in lines)
    return f"{jobs} {machines} {flex:.2f}\n" + "\n".join(lines) + "\n"


def write(names: list[str], folder: Path) -> list[Path]:
    """Write the named instances (``gN``) into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        match = _NAME.fullmatch(name)
        if match is None:
            raise SystemExit(f"not a generated instance name (gN): {name!r}")
        path = folder / f"{name}.txt"
        path.write_text(generate(int(match[1])))
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    names = [a for a in argv if _NAME.fullmatch(a)]
    rest = [a for a in argv if not _NAME.fullmatch(a)]
    if "--write" in rest:
        i = rest.index("--write")
        write(names, Path(rest[i + 1]))
        return 0
    folder = Path(tempfile.gettempdir()) / "takt-fjsp-generated"
    paths = write(names, folder)
    return bench_main("fjsp", [str(p) for p in paths] + rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
