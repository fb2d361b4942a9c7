"""Logging in and out: a signed session cookie, CSRF on every form, expiry, and the throttle."""

from __future__ import annotations

import time

import pytest

from takt.web import create_web
from takt.web.sessions import COOKIE, Session, Signer
from tests.web.conftest import PASSWORD, SECRET, Site, csrf_of


def test_a_visitor_is_sent_to_the_login_page(site: Site) -> None:
    browser = site.browser()
    assert browser.get("/", follow_redirects=False).headers["location"] == "/login"
    response = browser.get("/make", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/make"
    page = browser.get("/login")
    assert "<title>Log in · Takt</title>" in page.text


def test_a_planner_logs_in_to_the_make_page_and_an_operator_to_their_tasks(site: Site) -> None:
    planner = site.browser()
    response = planner.login("planner")
    assert response.status_code == 303
    assert response.headers["location"] == "/make"
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # served over plain http here
    assert "<h1>Make</h1>" in planner.get("/make").text

    operator = site.browser()
    assert operator.login("operator").headers["location"] == "/tasks"


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(site: Site) -> None:
    browser = site.browser()
    page = browser.get("/login?next=/tasks%3Fworkstation%3DSAW")
    response = browser.client.post(
        "/login",
        data={
            "username": "planner",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "/tasks?workstation=SAW",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/tasks?workstation=SAW"
    other = site.browser()
    page = other.get("/login")
    response = other.client.post(
        "/login",
        data={
            "username": "planner",
            "password": PASSWORD,
            "csrf": csrf_of(page.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/make"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(site: Site) -> None:
    browser = site.browser()
    response = browser.login("planner", "not the password at all")
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert browser.login("nobody", PASSWORD).status_code == 401
    assert browser.get("/make", follow_redirects=False).status_code == 303


def test_five_failures_lock_the_username_out_for_that_address(site: Site) -> None:
    browser = site.browser()
    for _ in range(5):
        assert browser.login("planner", "wrong password here").status_code == 401
    locked = browser.login("planner")  # even the right password now
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "Too many failed attempts" in locked.text
    assert site.browser().login("viewer").status_code == 303  # another username is not locked


def test_a_login_form_without_its_csrf_token_is_refused(site: Site) -> None:
    browser = site.browser()
    browser.get("/login")
    response = browser.client.post(
        "/login", data={"username": "planner", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert browser.get("/make", follow_redirects=False).status_code == 303


def test_logout_needs_the_csrf_token_and_ends_the_session(site: Site) -> None:
    browser = site.browser("planner")
    assert browser.post("/logout", csrf=False).status_code == 403
    response = browser.post("/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert browser.get("/make", follow_redirects=False).status_code == 303


def test_a_cookie_older_than_the_max_age_is_refused(site: Site) -> None:
    signer: Signer = site.app.state.signer
    old = Session("planner", "token", int(time.time()) - signer.max_age - 5)
    fresh = Session("planner", "token", int(time.time()) - 60)
    browser = site.browser()
    browser.client.cookies.set(COOKIE, signer.dump(fresh))
    assert browser.get("/make", follow_redirects=False).status_code == 200
    browser.client.cookies.set(COOKIE, signer.dump(old))
    response = browser.get("/make", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_forged_or_foreign_cookie_is_refused(site: Site) -> None:
    browser = site.browser()
    other = Signer("another secret that is also long enough!!")
    browser.client.cookies.set(COOKIE, other.dump(Session("admin", "t", int(time.time()))))
    assert browser.get("/make", follow_redirects=False).status_code == 303
    mac = Signer(SECRET).dump(Session("viewer", "t", int(time.time()))).partition(".")[2]
    tampered = Signer(SECRET).dump(Session("admin", "t", int(time.time()))).split(".")[0]
    browser.client.cookies.set(COOKIE, f"{tampered}.{mac}")
    assert browser.get("/make", follow_redirects=False).status_code == 303


def test_a_deactivated_user_is_logged_out_at_once(site: Site) -> None:
    browser = site.browser("viewer")
    with site.takt.uows() as uow:
        uow.users.set_active("viewer", False)
        uow.commit()
    assert browser.get("/make", follow_redirects=False).status_code == 303


def test_without_a_configured_secret_one_is_generated_and_kept_in_the_database(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAKT_SECRET_KEY", raising=False)
    first, second = create_web(site.takt), create_web(site.takt)
    session = Session("planner", "t", int(time.time()))
    assert second.state.signer.load(first.state.signer.dump(session)) == session
    assert first.state.signer.load(Signer(SECRET).dump(session)) is None


def test_pages_carry_security_headers(site: Site) -> None:
    response = site.browser().get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
