"""Users, passwords and API tokens on both databases."""

from __future__ import annotations

import pytest

from takt.app import users
from takt.config import Takt
from takt.domain.errors import DomainError
from takt.domain.users import Role, User


def test_a_planner_logs_in_and_uses_a_token_until_it_is_revoked(takt: Takt) -> None:
    _, password = users.add_user(User("ines", Role.PLANNER), takt.uows(), "correct horse battery")
    assert password == "correct horse battery"
    assert users.authenticate_password("ines", "correct horse battery", takt.uows()) is not None
    assert users.authenticate_password("ines", "wrong password!!", takt.uows()) is None
    assert users.authenticate_password("nobody", "correct horse battery", takt.uows()) is None
    token = users.issue_token("ines", "laptop", takt.uows())
    user = users.authenticate_token(token, takt.uows())
    assert user is not None
    assert (user.username, user.role) == ("ines", Role.PLANNER)
    [stored] = users.tokens("ines", takt.uows())
    assert stored.last_used_at is not None
    users.revoke_token(stored.id, takt.uows())
    assert users.authenticate_token(token, takt.uows()) is None
    with pytest.raises(DomainError, match="no live API token"):
        users.revoke_token(stored.id, takt.uows())


def test_generated_passwords_and_bad_users(takt: Takt) -> None:
    _, password = users.add_user(User("admin", Role.ADMIN), takt.uows())
    assert len(password) >= 20
    with pytest.raises(DomainError, match="already exists"):
        users.add_user(User("admin", Role.VIEWER), takt.uows())
    with pytest.raises(DomainError) as info:
        users.add_user(User("short", Role.VIEWER), takt.uows(), "abc")
    assert info.value.field == "password"
    with pytest.raises(DomainError) as info:
        users.add_user(User("op", Role.OPERATOR, operator="GHOST"), takt.uows())
    assert info.value.field == "operator"
    assert [u.username for u in users.users(takt.uows())] == ["admin"]
