"""Flexible job-shop benchmark: ``python -m bench.fjsp mk01 --time-limit 30 --workers 2``.

One JSON line per instance (makespan, best known, gap, bound, status, validity); see
``bench/instances.py`` for the options. Machines in written schedules are 0-based.
Generated development instances: ``python -m bench.fjsp_generated g1 g2 g3 --time-limit 30``.
"""

from __future__ import annotations

import sys

from bench.instances import main

if __name__ == "__main__":
    sys.exit(main("fjsp"))
