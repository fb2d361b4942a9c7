"""The making commands: ``takt mo`` (manufacturing orders, the Make list) and ``takt task``.

Values are read as text and checked here or by the use case, so a bad one is refused with the
field named and exit status 1. A command that changes an MO shows it afterwards.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from takt.app import manufacturing as mfg
from takt.app import orders_queries as views
from takt.app.orders_queries import MakeRow
from takt.app.tasks import TaskAction, TaskCommand, act_on_task
from takt.cli.orders import MAIN, StatusOpt, show_order, statuses
from takt.cli.output import (
    SIGNED_ARGS,
    BatchOpt,
    JsonOpt,
    UserOpt,
    colour,
    current_user,
    handles_errors,
    opened,
    parse_date,
    parse_int,
    print_json,
    say,
    show_posted,
    table,
)
from takt.domain.errors import DomainError
from takt.domain.manufacturing import MOStatus
from takt.domain.units import parse_quantity

app = typer.Typer()
"""The making commands, merged into the top level of ``takt``."""
mo_app = typer.Typer(help="Manufacturing orders and the Make list.", no_args_is_help=True)
task_app = typer.Typer(help="Shop-floor tasks (the operations of an MO).", no_args_is_help=True)
app.add_typer(mo_app, name="mo")
app.add_typer(task_app, name="task")


# ---------------------------------------------------------------- manufacturing orders


def _show_make_list(rows: list[MakeRow], as_json: bool, title: str = "Make list") -> None:
    if as_json:
        print_json(rows)
        return
    table(
        title,
        [
            "Rank",
            "MO",
            "Item",
            "Quantity",
            "Done",
            "Customer",
            "Due",
            "Minutes",
            "Status",
            "Material",
            "Late",
        ],
        [
            (
                r.rank,
                r.number,
                r.item,
                r.quantity,
                r.completed,
                r.customer,
                r.due_date,
                r.production_minutes,
                r.status,
                colour(r.material_status),
                "LATE" if r.late else "",
            )
            for r in rows
        ],
    )


@mo_app.command("new", context_settings=SIGNED_ARGS)
@handles_errors
def mo_new(
    sku: str,
    quantity: str,
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    location: Annotated[str, typer.Option("--location", "-l")] = MAIN,
    rank: Annotated[
        str | None, typer.Option("--rank", help="Position on the Make list (default: last).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a make-to-stock MO: ingredients from the BOM, tasks from the routing."""
    position = parse_int(rank, "rank") if rank is not None else None
    cmd = mfg.NewMO(sku, parse_quantity(quantity), parse_date(due, "due"), location, position)
    with opened() as takt:
        mo = mfg.create_mo(cmd, takt.uows())
    show_order(mo.number, as_json)


@mo_app.command("rank", context_settings=SIGNED_ARGS)
@handles_errors
def mo_rank(mo: str, position: str, as_json: JsonOpt = False) -> None:
    """Move an MO to POSITION on the Make list (1 = first); prints the new Make list."""
    where = parse_int(position, "position")
    with opened() as takt:
        mfg.rank_mo(mo, where, takt.uows())
        rows = views.make_list(takt.uows)
    _show_make_list(rows, as_json)


@mo_app.command("subs")
@handles_errors
def mo_subs(mo: str, as_json: JsonOpt = False) -> None:
    """Create MOs for the made ingredients of MO that stock and open orders do not cover."""
    with opened() as takt:
        created = mfg.create_sub_assembly_mos(mo, takt.uows())
    if as_json:
        print_json([{"number": m.number, "sku": m.sku, "quantity": m.quantity} for m in created])
        return
    if not created:
        say(f"Every made ingredient of {mo} is covered: nothing to create.")
    for m in created:
        say(f"{m.number}: make {m.quantity} {m.sku} by {m.due_date.isoformat()}")


@mo_app.command("ingredient", context_settings=SIGNED_ARGS)
@handles_errors
def mo_ingredient(mo: str, sku: str, quantity: str, as_json: JsonOpt = False) -> None:
    """Change how much of an ingredient this order needs (a substitute, a bigger offcut), for
    this order only; a new SKU adds an ingredient, 0 says it is not needed after all."""
    with opened() as takt:
        mfg.set_ingredient(mo, sku, parse_quantity(quantity), takt.uows())
    show_order(mo, as_json)


@mo_app.command("issue", context_settings=SIGNED_ARGS)
@handles_errors
def mo_issue(
    mo: str,
    sku: str,
    quantity: str,
    batch: BatchOpt = "",
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="Default: the MO's.")
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Issue an ingredient to the order before completion."""
    cmd = mfg.Issue(mo, sku, parse_quantity(quantity), batch, location, current_user(user))
    with opened() as takt:
        posted = mfg.issue(cmd, takt.uows())
    show_posted(posted, as_json)


@mo_app.command("complete", context_settings=SIGNED_ARGS)
@handles_errors
def mo_complete(
    mo: str,
    good: Annotated[str, typer.Argument(help="Good units made.")],
    consume: Annotated[
        list[str] | None,
        typer.Option(
            "--consume",
            help="SKU:QTY actually used, repeatable; ingredients not named take the planned share.",
        ),
    ] = None,
    batch: Annotated[
        str | None, typer.Option("--batch", "-b", help="Output batch (default: the MO number).")
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive good output and consume the ingredients actually used, in one transaction."""
    consumed: dict[str, Decimal] | None = None
    if consume:
        consumed = {}
        for spec in consume:
            parts = spec.split(":")
            if len(parts) != 2 or not parts[0].strip():
                raise DomainError(f"{spec!r} is not SKU:QTY", field="consume")
            consumed[parts[0].strip()] = parse_quantity(parts[1], "consumed")
    cmd = mfg.Complete(mo, parse_quantity(good, "good"), consumed, batch, current_user(user))
    with opened() as takt:
        posted = mfg.complete(cmd, takt.uows())
    show_posted(posted, as_json)


@mo_app.command("block")
@handles_errors
def mo_block(
    mo: str,
    reason: Annotated[str, typer.Option("--reason", help="Why it cannot go on.")],
    as_json: JsonOpt = False,
) -> None:
    """Block an MO, with a reason."""
    with opened() as takt:
        mfg.block_mo(mo, reason, takt.uows())
    show_order(mo, as_json)


@mo_app.command("unblock")
@handles_errors
def mo_unblock(mo: str, as_json: JsonOpt = False) -> None:
    """Lift an MO's block; it goes back to where it was."""
    with opened() as takt:
        mfg.unblock_mo(mo, takt.uows())
    show_order(mo, as_json)


@mo_app.command("cancel")
@handles_errors
def mo_cancel(mo: str, as_json: JsonOpt = False) -> None:
    """Cancel an MO that has not started; its ingredients are released."""
    with opened() as takt:
        mfg.cancel_mo(mo, takt.uows())
    show_order(mo, as_json)


@mo_app.command("list")
@handles_errors
def mo_list(status: StatusOpt = None, as_json: JsonOpt = False) -> None:
    """The Make list in rank order: material status (● colour), production minutes, late flag."""
    chosen = statuses(status, [s.value for s in MOStatus])
    with opened() as takt:
        if chosen is None:
            rows = views.make_list(takt.uows)
        else:
            rows = views.make_list(takt.uows, [MOStatus(s) for s in chosen])
    _show_make_list(rows, as_json)


# ---------------------------------------------------------------- tasks


def _task(
    action: TaskAction,
    mo: str,
    seq: str,
    user: str | None,
    as_json: bool,
    *,
    operator: str | None = None,
    done: str | None = None,
    scrap: str | None = None,
    reason: str = "",
) -> None:
    cmd = TaskCommand(
        mo,
        parse_int(seq, "seq"),
        action,
        current_user(user),
        operator,
        parse_quantity(done, "done") if done is not None else Decimal(0),
        parse_quantity(scrap, "scrap") if scrap is not None else Decimal(0),
        reason,
    )
    with opened() as takt:
        task = act_on_task(cmd, takt.uows())
        order = views.order_status(takt.uows, mo)
    data = {
        "number": mo,
        "sequence": task.sequence,
        "name": task.name,
        "workstation": task.workstation,
        "operator": task.operator,
        "status": task.status.value,
        "booked_minutes": task.booked_minutes(),
        "quantity_done": task.quantity_done,
        "scrap": task.scrap,
        "mo_status": order.status,
    }
    if as_json:
        print_json(data)
        return
    who = f" by {task.operator}" if task.operator else ""
    say(
        f"{mo} task {task.sequence} {task.name} ({task.workstation}){who}: {task.status.value}; "
        f"{task.booked_minutes().normalize():f} min booked; the MO is {order.status}"
    )


SeqArg = Annotated[str, typer.Argument(help="The task's sequence number (10, 20...).")]
OperatorOpt = Annotated[str | None, typer.Option("--operator", help="Operator code.")]


@task_app.command("start")
@handles_errors
def task_start(
    mo: str,
    seq: SeqArg,
    operator: OperatorOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Start a task (the MO goes in progress)."""
    _task(TaskAction.START, mo, seq, user, as_json, operator=operator)


@task_app.command("pause")
@handles_errors
def task_pause(mo: str, seq: SeqArg, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Pause a running task (time stops being booked)."""
    _task(TaskAction.PAUSE, mo, seq, user, as_json)


@task_app.command("resume")
@handles_errors
def task_resume(mo: str, seq: SeqArg, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Resume a paused task."""
    _task(TaskAction.RESUME, mo, seq, user, as_json)


@task_app.command("finish", context_settings=SIGNED_ARGS)
@handles_errors
def task_finish(
    mo: str,
    seq: SeqArg,
    done: Annotated[str | None, typer.Option("--done", help="Good quantity made.")] = None,
    scrap: Annotated[str | None, typer.Option("--scrap", help="Quantity scrapped.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Finish a task with the quantity done and scrapped."""
    _task(TaskAction.FINISH, mo, seq, user, as_json, done=done, scrap=scrap)


@task_app.command("block")
@handles_errors
def task_block(
    mo: str,
    seq: SeqArg,
    reason: Annotated[str, typer.Option("--reason", help="Why it cannot go on.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Block a task (the MO is blocked too)."""
    _task(TaskAction.BLOCK, mo, seq, user, as_json, reason=reason)


@task_app.command("unblock")
@handles_errors
def task_unblock(mo: str, seq: SeqArg, user: UserOpt = None, as_json: JsonOpt = False) -> None:
    """Lift a task's block."""
    _task(TaskAction.UNBLOCK, mo, seq, user, as_json)


@task_app.command("list")
@handles_errors
def task_list(
    workstation: Annotated[str | None, typer.Option("--workstation", "-w")] = None,
    operator: Annotated[
        str | None,
        typer.Option("--operator", "-o", help="Their tasks and the free ones they may run."),
    ] = None,
    ready: Annotated[
        bool, typer.Option("--ready", help="Only tasks whose earlier operations are done.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Open tasks in Make-list order, then routing order."""
    with opened() as takt:
        rows = views.task_list(takt.uows, workstation, operator, ready)
    if as_json:
        print_json(rows)
        return
    table(
        "Tasks",
        [
            "MO",
            "Item",
            "Seq",
            "Operation",
            "Workstation",
            "Operator",
            "Status",
            "Planned",
            "Booked",
            "Ready",
        ],
        [
            (
                r.mo,
                r.item,
                r.sequence,
                r.name,
                r.workstation,
                r.operator,
                r.status,
                r.planned_minutes,
                f"{r.booked_minutes:.0f}",
                r.ready,
            )
            for r in rows
        ],
    )
