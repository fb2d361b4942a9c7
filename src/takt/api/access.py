"""Who may call which route: ONE table, route name -> roles.

Every route of the API has an entry here (``create_app`` refuses to start otherwise, and
``tests/api/test_access.py`` walks the app's routes against it). The guard in ``deps`` reads the
table; no route carries its own role check. Operators pass the guard only for their own work:
the task and issue routes check, in addition, that the task or order is theirs (``OWN_WORK``).
Routes in ``COST_ROUTES`` answer only roles that may see costs (viewers when the company allows).
"""

from __future__ import annotations

from takt.domain.users import Role

_A, _P, _O, _V = Role.ADMIN, Role.PLANNER, Role.OPERATOR, Role.VIEWER
EVERYONE = frozenset({_A, _P, _O, _V})
READERS = frozenset({_A, _P, _V})
PLANNERS = frozenset({_A, _P})
ADMINS = frozenset({_A})
SHOP_FLOOR = frozenset({_A, _P, _O})

RULES: dict[str, frozenset[Role]] = {
    # items, units, recipes
    "list_units": EVERYONE,
    "list_items": EVERYONE,
    "get_item": EVERYONE,
    "create_item": PLANNERS,
    "update_item": PLANNERS,
    "delete_item": PLANNERS,
    "get_bom": READERS,
    "set_bom": PLANNERS,
    "get_routing": EVERYONE,
    "set_routing": PLANNERS,
    # resources
    "list_workstations": EVERYONE,
    "get_workstation": EVERYONE,
    "create_workstation": PLANNERS,
    "update_workstation": PLANNERS,
    "delete_workstation": PLANNERS,
    "list_operators": EVERYONE,
    "create_operator": PLANNERS,
    "update_operator": PLANNERS,
    "delete_operator": PLANNERS,
    "list_locations": EVERYONE,
    "create_location": PLANNERS,
    "update_location": PLANNERS,
    "delete_location": PLANNERS,
    # stock
    "list_stock_levels": EVERYONE,
    "list_ledger": READERS,
    "receive_stock": PLANNERS,
    "adjust_stock": PLANNERS,
    "transfer_stock": PLANNERS,
    "count_stock": PLANNERS,
    "scrap_stock": PLANNERS,
    # sales
    "list_customers": READERS,
    "create_customer": PLANNERS,
    "update_customer": PLANNERS,
    "delete_customer": PLANNERS,
    "list_sales_orders": READERS,
    "create_sales_order": PLANNERS,
    "get_sales_order": READERS,
    "add_sales_line": PLANNERS,
    "confirm_sales_order": PLANNERS,
    "ship_sales_order": PLANNERS,
    "rank_sales_order": PLANNERS,
    "cancel_sales_order": PLANNERS,
    "make_to_order": PLANNERS,
    # purchasing
    "list_suppliers": READERS,
    "create_supplier": PLANNERS,
    "update_supplier": PLANNERS,
    "delete_supplier": PLANNERS,
    "list_purchase_orders": READERS,
    "create_purchase_order": PLANNERS,
    "get_purchase_order": READERS,
    "add_purchase_line": PLANNERS,
    "receive_purchase_order": PLANNERS,
    "cancel_purchase_order": PLANNERS,
    # manufacturing
    "list_manufacturing_orders": EVERYONE,
    "create_manufacturing_order": PLANNERS,
    "get_manufacturing_order": EVERYONE,
    "get_manufacturing_costs": READERS,
    "rank_manufacturing_order": PLANNERS,
    "issue_ingredient": SHOP_FLOOR,
    "complete_manufacturing_order": PLANNERS,
    "block_manufacturing_order": PLANNERS,
    "unblock_manufacturing_order": PLANNERS,
    "cancel_manufacturing_order": PLANNERS,
    "set_ingredient": PLANNERS,
    "create_sub_assembly_orders": PLANNERS,
    # shop-floor tasks
    "list_tasks": EVERYONE,
    "start_task": SHOP_FLOOR,
    "pause_task": SHOP_FLOOR,
    "resume_task": SHOP_FLOOR,
    "finish_task": SHOP_FLOOR,
    "block_task": SHOP_FLOOR,
    "unblock_task": SHOP_FLOOR,
    # planning
    "get_schedule": EVERYONE,
    "replan": PLANNERS,
    "get_promise": READERS,
    "get_order_allocation": READERS,
    # audit
    "list_audit": PLANNERS,
    "get_audit_of_record": PLANNERS,
    # users
    "whoami": EVERYONE,
    "list_users": ADMINS,
    "create_user": ADMINS,
    "reset_password": ADMINS,
    "list_tokens": ADMINS,
    "issue_token": ADMINS,
    "revoke_token": ADMINS,
    # company settings: planners read the overhead rules their costs use; admins change them
    "get_settings": PLANNERS,
    "update_settings": ADMINS,
}

OWN_WORK = frozenset(
    {
        "issue_ingredient",
        "start_task",
        "pause_task",
        "resume_task",
        "finish_task",
        "block_task",
        "unblock_task",
    }
)
"""Routes an operator passes only for a task (or an MO with a task) that is theirs."""

COST_ROUTES = frozenset({"get_manufacturing_costs"})
"""Routes that are nothing but cost figures: only roles that see costs get them."""

PUBLIC = frozenset({"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"})
"""Routes outside the table: the OpenAPI document and its viewers, readable without a token."""


def allowed(route: str, role: Role, viewers_see_costs: bool = False) -> bool:
    """Whether ``role`` passes the guard of ``route`` (before any own-work check)."""
    roles = RULES.get(route)
    if roles is None or role not in roles:
        return False
    return route not in COST_ROUTES or role.sees_costs(viewers_see_costs)
