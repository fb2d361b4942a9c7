"""Job-shop benchmark: ``python -m bench.jssp ta25 ft10 --time-limit 60 --workers 2``.

One JSON line per instance (makespan, best known, gap, bound, status, validity); see
``bench/instances.py`` for the options.
"""

from __future__ import annotations

import sys

from bench.instances import main

if __name__ == "__main__":
    sys.exit(main("jssp"))
