"""The Make page at scale: server-side render time of its first screen and a re-rank round trip.

``python -m bench.make_page [--scale small|full|F] [--repeat N] [--database sqlite|postgresql|all]``

Loads the seeded order book of ``bench._orderbook`` (10,000 open MOs at full scale, a tenth by
default), logs a planner in through the login form and times, in process (no network):

- ``first_screen``: ``GET /make`` (the whole page, material statuses included);
- ``rerank``: ``POST /make/{MO}/move`` as htmx sends it (the move and the re-rendered table).

Prints p50 and p95 seconds per case as JSON lines. Targets (issue): first screen < 0.1 s p95,
re-rank < 0.3 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from typing import Any

from starlette.testclient import TestClient

from bench._orderbook import (
    DEFAULT_POSTGRES,
    FULL,
    emit,
    load,
    parse_scale,
    postgres_database,
    sqlite_database,
)
from takt.app import users
from takt.config import Settings, bootstrap
from takt.domain.users import Role, User
from takt.server import create_server

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "bench password 1"


def figures(laps: list[float]) -> dict[str, Any]:
    laps = sorted(laps)
    return {
        "value": round(laps[max(0, int(len(laps) * 0.95) - 1)], 4),
        "unit": "s",
        "p50_s": round(statistics.median(laps), 4),
        "p95_s": round(laps[max(0, int(len(laps) * 0.95) - 1)], 4),
        "runs": len(laps),
    }


def run(database: str, url: str, scale: float, repeat: int) -> None:
    takt = bootstrap(Settings(database_url=url))
    try:
        book = load(takt.engine, FULL.scaled(scale))
        users.add_user(User("planner", Role.PLANNER), takt.uows(), PASSWORD)
        with TestClient(create_server(takt, replan_every=None)) as client:
            page = client.get("/login")
            client.post(
                "/login",
                data={
                    "username": "planner",
                    "password": PASSWORD,
                    "csrf": CSRF.findall(page.text)[0],
                },
            )
            laps = []
            for _ in range(repeat):
                began = time.perf_counter()
                response = client.get("/make")
                laps.append(time.perf_counter() - began)
                assert response.status_code == 200, response.status_code
            csrf = CSRF.findall(response.text)[0]
            mos = re.findall(r'id="row-(MO-\d+)"', response.text)
            emit(
                {
                    "bench": "make_page",
                    "database": database,
                    "case": "first_screen",
                    "open_mos": book.counts.get("mos"),
                    "rows_rendered": len(mos),
                    "target_s": 0.1,
                    **figures(laps),
                }
            )
            moves = []
            for i in range(repeat):
                number = mos[min(len(mos) - 1, 5 + i)]
                began = time.perf_counter()
                moved = client.post(
                    f"/make/{number}/move",
                    data={"direction": "up", "csrf": csrf},
                    headers={"HX-Request": "true"},
                )
                moves.append(time.perf_counter() - began)
                assert moved.status_code == 200, moved.status_code
            emit(
                {
                    "bench": "make_page",
                    "database": database,
                    "case": "rerank",
                    "open_mos": book.counts.get("mos"),
                    "target_s": 0.3,
                    **figures(moves),
                }
            )
    finally:
        takt.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", help="small (1/10), full, or a fraction")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args(argv)
    scale = parse_scale(args.scale)
    if args.database in ("sqlite", "all"):
        with sqlite_database("make_page") as url:
            run("sqlite", url, scale, args.repeat)
    if args.database in ("postgresql", "all"):
        with postgres_database(args.postgres_url, "make_page") as url:
            if url is not None:
                run("postgresql", url, scale, args.repeat)


if __name__ == "__main__":
    main()
