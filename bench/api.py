"""HTTP API throughput: a read and a write with concurrent clients against `takt serve`.

``python -m bench.api [--scale small|full] [--clients 8] [--database sqlite|postgresql|all]``

For each database it loads the demo factory, creates an admin and a token, starts ``takt serve``
as a separate process on a free loopback port (uvicorn, one worker: what a small site runs) and
drives it from ``--clients`` threads, each with its own HTTP connection:

- ``read``: ``GET /api/v1/items?limit=50`` (the first page of the item list);
- ``write``: ``POST /api/v1/stock/receipts`` (a stock posting through the use case).

Prints requests per second and p50/p95 latency per case as JSON lines. The server's background
planner runs as it would in production.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench._orderbook import DEFAULT_POSTGRES, emit, postgres_database, sqlite_database
from takt.app import users
from takt.app.demo import load_demo
from takt.config import Settings, bootstrap
from takt.domain.users import Role, User

REQUESTS = {"small": 200, "full": 2000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> str:
    """Demo data, an admin and a token on ``url``; returns the token."""
    takt = bootstrap(Settings(database_url=url))
    try:
        load_demo(takt.uows)
        users.add_user(User("bench", Role.ADMIN), takt.uows())
        return users.issue_token("bench", "bench", takt.uows())
    finally:
        takt.close()


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    takt = Path(sys.executable).with_name("takt")
    env = {**os.environ, "TAKT_DATABASE_URL": url}
    process = subprocess.Popen(
        [str(takt), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("takt serve did not start within 60 s")


def drive(
    clients: int,
    total: int,
    call: Callable[[httpx.Client, int], httpx.Response],
    base: str,
    token: str,
) -> dict[str, Any]:
    """Runs ``total`` calls spread over ``clients`` threads; latency figures and throughput."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    per_client = max(1, total // clients)

    def work(n: int) -> None:
        nonlocal failures
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            for i in range(per_client):
                began = time.perf_counter()
                response = call(client, n * per_client + i)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if response.status_code >= 400:
                        failures += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "value": round(len(latencies) / wall, 1),
        "unit": "requests/s",
        "requests": len(latencies),
        "failures": failures,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "clients": clients,
    }


def run(database: str, url: str, clients: int, total: int) -> None:
    token = prepare(url)
    port = free_port()
    process = serve(url, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        read = drive(
            clients, total, lambda c, i: c.get("/items", params={"limit": 50}), base, token
        )
        emit(
            {
                "bench": "api",
                "database": database,
                "case": "read",
                "what": "GET /items?limit=50",
                **read,
            }
        )
        write = drive(
            clients,
            total,
            lambda c, i: c.post(
                "/stock/receipts",
                json={"sku": "SCREW-4x40", "quantity": "1", "unit_cost": "0.05"},
            ),
            base,
            token,
        )
        emit(
            {
                "bench": "api",
                "database": database,
                "case": "write",
                "what": "POST /stock/receipts",
                **write,
            }
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", help="small (200 requests) or full (2000)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args(argv)
    total = REQUESTS.get(args.scale, REQUESTS["full"])
    if args.database in ("sqlite", "all"):
        with sqlite_database("api") as url:
            run("sqlite", url, args.clients, total)
    if args.database in ("postgresql", "all"):
        with postgres_database(args.postgres_url, "api") as url:
            if url is not None:
                run("postgresql", url, args.clients, total)


if __name__ == "__main__":
    main()
