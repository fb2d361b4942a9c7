"""``takt user``: users, passwords and personal API tokens.

Passwords and tokens are printed once, when created; only their hashes are stored. There is no
default user and no default password: the first admin is made with ``takt user add admin --role
admin``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from takt.app import users
from takt.cli.output import JsonOpt, handles_errors, opened, print_json, say, table
from takt.domain.users import Role, User

app = typer.Typer(help="Users, passwords and API tokens.", no_args_is_help=True)


@app.command("add")
@handles_errors
def user_add(
    username: Annotated[str, typer.Argument(help="2-32 lower-case letters, digits, . _ -")],
    role: Annotated[Role, typer.Option("--role", help="admin, planner, operator or viewer.")],
    operator: Annotated[
        str | None, typer.Option("--operator", help="The operator code (role operator).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user; prints the generated password once."""
    with opened() as takt:
        user, password = users.add_user(User(username, role, operator), takt.uows())
    if as_json:
        print_json({"username": user.username, "role": user.role, "password": password})
        return
    say(f"User {user.username} ({user.role.value}) added.")
    say(f"Password (shown once): {password}")


@app.command("list")
@handles_errors
def user_list(as_json: JsonOpt = False) -> None:
    """List users and their roles."""
    with opened() as takt:
        rows = users.users(takt.uows())
    if as_json:
        print_json(
            [
                {
                    "username": u.username,
                    "role": u.role,
                    "operator": u.operator,
                    "active": u.active,
                    "created_at": u.created_at,
                }
                for u in rows
            ]
        )
        return
    table(
        "Users",
        ["User", "Role", "Operator", "Active"],
        [(u.username, u.role.value, u.operator, u.active) for u in rows],
    )


@app.command("reset-password")
@handles_errors
def user_reset_password(username: str) -> None:
    """Generate a new password for USERNAME; prints it once."""
    with opened() as takt:
        password = users.reset_password(username, takt.uows())
    say(f"New password for {username} (shown once): {password}")


@app.command("token")
@handles_errors
def user_token(
    username: str,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
) -> None:
    """Issue a personal API token for USERNAME; prints it once."""
    with opened() as takt:
        token = users.issue_token(username, name, takt.uows())
        issued = max(users.tokens(username, takt.uows()), key=lambda t: t.id)
    say(f"Token {issued.id} ({issued.name}) for {username}, shown once:")
    say(token)


@app.command("revoke")
@handles_errors
def user_revoke(token_id: Annotated[int, typer.Argument(help="The token's id.", min=1)]) -> None:
    """Revoke an API token: it stops working at once."""
    with opened() as takt:
        users.revoke_token(token_id, takt.uows())
    say(f"Token {token_id} revoked.")
