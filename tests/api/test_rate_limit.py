"""The API's rate limit: a token bucket per token (or address), 429 with Retry-After past it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from takt.api import create_app
from takt.api.ratelimit import RateLimiter, RateLimitSettings, TokenBucket
from tests.api.conftest import V1, Api


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_a_minutes_worth_through_then_refills_at_the_rate() -> None:
    bucket = TokenBucket.per_minute(60, now=0.0)  # one a second, 60 at once
    assert all(bucket.take(0.0) == 0 for _ in range(60))
    assert bucket.take(0.0) == pytest.approx(1.0)
    assert bucket.take(0.5) == pytest.approx(0.5)
    assert bucket.take(1.0) == 0
    assert bucket.take(1.0) > 0
    assert not bucket.idle(30.0)
    assert bucket.idle(120.0)


def test_each_caller_has_its_own_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock)
    assert limiter.take("token:a") == limiter.take("token:a") == 0
    assert limiter.take("token:a") == pytest.approx(30.0)  # 2 a minute: one every 30 s
    assert limiter.take("token:b") == 0
    clock.now += 30
    assert limiter.take("token:a") == 0


@pytest.fixture
def limited(api: Api) -> Iterator[Api]:
    """The API allowing 3 requests a minute, 2 of them writes, per caller."""
    app = create_app(api.takt, rate_limits=RateLimitSettings(rate_limit=3, write_rate_limit=2))
    with TestClient(app) as client:
        yield Api(client, api.takt, app, api.tokens)


def test_past_the_limit_a_token_gets_429_with_retry_after(limited: Api) -> None:
    for _ in range(3):
        assert limited.get("/items", "planner").status_code == 200
    refused = limited.get("/items", "planner")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    problem = refused.json()
    assert problem["status"] == 429
    assert problem["type"] == "urn:takt:problem:rate-limited"
    assert problem["field"] == "Authorization"
    assert "3 requests a minute" in problem["detail"]
    # Another token has its own allowance.
    assert limited.get("/items", "viewer").status_code == 200


def test_writes_have_a_lower_limit_of_their_own(limited: Api) -> None:
    receipt = {"sku": "OAK", "quantity": "1", "unit_cost": "4"}
    assert limited.post("/stock/receipts", "planner", json=receipt).status_code == 201
    assert limited.post("/stock/receipts", "planner", json=receipt).status_code == 201
    refused = limited.post("/stock/receipts", "planner", json=receipt)
    assert refused.status_code == 429
    assert "2 writes a minute" in refused.json()["detail"]
    assert len(limited.get("/stock/ledger", "admin").json()["items"]) == 2


def test_without_a_token_the_address_is_limited(limited: Api) -> None:
    answers = [limited.client.get(f"{V1}/items").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


def test_no_limit_when_set_to_zero(api: Api) -> None:
    app = create_app(api.takt, rate_limits=RateLimitSettings(rate_limit=0, write_rate_limit=0))
    with TestClient(app) as client:
        unlimited = Api(client, api.takt, app, api.tokens)
        assert all(unlimited.get("/units").status_code == 200 for _ in range(20))


def test_the_limit_comes_from_the_environment() -> None:
    settings = RateLimitSettings.from_env(
        {"TAKT_API_RATE_LIMIT": "120", "TAKT_API_WRITE_RATE_LIMIT": "0"}
    )
    assert (settings.rate_limit, settings.write_rate_limit) == (120, 0)
    assert RateLimitSettings.from_env({}).rate_limit == 6000
    with pytest.raises(ValidationError, match="rate_limit"):
        RateLimitSettings.from_env({"TAKT_API_RATE_LIMIT": "-1"})


def test_429_is_documented_on_every_route(api: Api) -> None:
    document = api.client.get(f"{V1}/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get("429")
            assert answer is not None, (method, path)
            assert "Retry-After" in answer["headers"]
