"""The tables of Takt's database (SQLAlchemy Core); Alembic migrations create them.

Repositories translate rows to the domain's plain objects, so the domain knows nothing of these.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

from takt.store.types import Micro, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger primary keys become plain INTEGER on SQLite, where only that aliases the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


def _id() -> Column[int]:
    return Column("id", Id, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, nullable: bool = False, ondelete: str | None = None) -> Column[int]:
    return Column(name, Id, ForeignKey(target, ondelete=ondelete), nullable=nullable)


locations = Table(
    "locations",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
)

suppliers = Table(
    "suppliers",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("lead_time_days", Integer, nullable=False, default=0),
)

items = Table(
    "items",
    metadata,
    _id(),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("purchase_unit", String(32)),
    Column("purchase_factor", Micro),
    _fk("default_supplier_id", "suppliers.id", nullable=True),
    Column("lead_time_days", Integer, nullable=False, default=0),
    Column("min_order_qty", Micro, nullable=False),
    Column("order_multiple", Micro, nullable=False),
    Column("reorder_point", Micro, nullable=False),
    Column("safety_stock", Micro, nullable=False),
    Column("batch_tracked", Boolean, nullable=False, default=False),
    Column("allow_negative_stock", Boolean, nullable=False, default=False),
    Column("sales_price", Micro),
    Column("standard_cost", Micro),
    Column("last_purchase_price", Micro),
    Column("average_cost", Micro, nullable=False),
    Column("has_cost_history", Boolean, nullable=False, default=False),
    _fk("variant_of_id", "items.id", nullable=True),
    Column("variant_attributes", JSON, nullable=False, default=dict),
    Column("valuation", String(8), nullable=False, default="average", server_default="average"),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("kind IN ('product', 'subassembly', 'material')", name="kind"),
)

bom_lines = Table(
    "bom_lines",
    metadata,
    _id(),
    _fk("item_id", "items.id", ondelete="CASCADE"),
    _fk("component_id", "items.id"),
    Column("position", Integer, nullable=False),
    Column("quantity", Micro, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("wastage_pct", Micro, nullable=False),
    UniqueConstraint("item_id", "component_id"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

workstations = Table(
    "workstations",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("cost_per_hour", Micro, nullable=False),
    Column("parallel_units", Integer, nullable=False, default=1),
    CheckConstraint("parallel_units >= 1", name="parallel_units"),
)

workstation_shifts = Table(
    "workstation_shifts",
    metadata,
    _id(),
    _fk("workstation_id", "workstations.id", ondelete="CASCADE"),
    Column("weekday", Integer, nullable=False),
    Column("start_time", Time, nullable=False),
    Column("end_time", Time, nullable=False),
)

workstation_holidays = Table(
    "workstation_holidays",
    metadata,
    _fk("workstation_id", "workstations.id", ondelete="CASCADE"),
    Column("day", Date, nullable=False),
    UniqueConstraint("workstation_id", "day"),
)

operators = Table(
    "operators",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
)

operator_workstations = Table(
    "operator_workstations",
    metadata,
    _fk("operator_id", "operators.id", ondelete="CASCADE"),
    _fk("workstation_id", "workstations.id", ondelete="CASCADE"),
    UniqueConstraint("operator_id", "workstation_id"),
)

routing_operations = Table(
    "routing_operations",
    metadata,
    _id(),
    _fk("item_id", "items.id", ondelete="CASCADE"),
    Column("sequence", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    _fk("workstation_id", "workstations.id"),
    Column("setup_minutes", Micro, nullable=False),
    Column("run_minutes", Micro, nullable=False),
    Column("cost_per_hour", Micro),
    UniqueConstraint("item_id", "sequence"),
)

stock_balances = Table(
    "stock_balances",
    metadata,
    _id(),
    _fk("item_id", "items.id"),
    _fk("location_id", "locations.id"),
    Column("batch", String(64), nullable=False, default=""),
    Column("quantity", Micro, nullable=False),
    UniqueConstraint("item_id", "location_id", "batch"),
)

stock_ledger = Table(
    "stock_ledger",
    metadata,
    _id(),
    _fk("item_id", "items.id"),
    _fk("location_id", "locations.id"),
    Column("batch", String(64), nullable=False, default=""),
    Column("quantity", Micro, nullable=False),
    Column("unit_cost", Micro, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("document", String(64), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("user_name", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("quantity <> 0", name="quantity_nonzero"),
)

Index("ix_stock_ledger_item", stock_ledger.c.item_id, stock_ledger.c.id)
Index("ix_stock_ledger_document", stock_ledger.c.document)

document_numbers = Table(
    "document_numbers",
    metadata,
    Column("prefix", String(16), primary_key=True),
    Column("last_value", BigInteger, nullable=False),
)

# ---------------------------------------------------------------- orders (revision 0002)

customers = Table(
    "customers",
    metadata,
    _id(),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("email", String(200), nullable=False, default=""),
)

sales_orders = Table(
    "sales_orders",
    metadata,
    _id(),
    Column("number", String(32), nullable=False, unique=True),
    _fk("customer_id", "customers.id"),
    Column("delivery_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("reference", String(64), nullable=False, default="", server_default=""),
)
Index("ix_sales_orders_status", sales_orders.c.status)
# Not unique: a customer may repeat a reference (call-offs against one blanket PO); the import
# refuses a repeat itself, naming the order it would double.
Index("ix_sales_orders_customer_reference", sales_orders.c.customer_id, sales_orders.c.reference)

sales_lines = Table(
    "sales_lines",
    metadata,
    _id(),
    _fk("order_id", "sales_orders.id", ondelete="CASCADE"),
    Column("line_no", Integer, nullable=False),
    _fk("item_id", "items.id"),
    Column("quantity", Micro, nullable=False),
    Column("unit_price", Micro, nullable=False),
    Column("shipped", Micro, nullable=False),
    Column("cost_shipped", Micro, nullable=False),
    UniqueConstraint("order_id", "line_no"),
)
Index("ix_sales_lines_item", sales_lines.c.item_id)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    _id(),
    Column("number", String(32), nullable=False, unique=True),
    _fk("supplier_id", "suppliers.id"),
    _fk("location_id", "locations.id"),
    Column("expected_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("reference", String(64), nullable=False, default="", server_default=""),
)
Index("ix_purchase_orders_status", purchase_orders.c.status)
Index(
    "ix_purchase_orders_supplier_reference",
    purchase_orders.c.supplier_id,
    purchase_orders.c.reference,
)

purchase_lines = Table(
    "purchase_lines",
    metadata,
    _id(),
    _fk("order_id", "purchase_orders.id", ondelete="CASCADE"),
    Column("line_no", Integer, nullable=False),
    _fk("item_id", "items.id"),
    Column("quantity", Micro, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("factor", Micro, nullable=False),
    Column("unit_price", Micro, nullable=False),
    Column("received", Micro, nullable=False),
    UniqueConstraint("order_id", "line_no"),
)
Index("ix_purchase_lines_item", purchase_lines.c.item_id)

manufacturing_orders = Table(
    "manufacturing_orders",
    metadata,
    _id(),
    Column("number", String(32), nullable=False, unique=True),
    _fk("item_id", "items.id"),
    Column("quantity", Micro, nullable=False),
    _fk("location_id", "locations.id"),
    Column("due_date", Date, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("status", String(24), nullable=False),
    _fk("sales_line_id", "sales_lines.id", nullable=True),
    Column("completed", Micro, nullable=False),
    Column("output_value", Micro, nullable=False),
    Column("blocked_reason", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("planned_start", UtcDateTime),
    Column("planned_finish", UtcDateTime),
    Column("late_reason", Text, nullable=False, default="", server_default=""),
    Column("started", Boolean, nullable=False, default=False, server_default="0"),
)
Index(
    "ix_manufacturing_orders_status_rank",
    manufacturing_orders.c.status,
    manufacturing_orders.c.rank,
)
Index("ix_manufacturing_orders_item", manufacturing_orders.c.item_id)
Index(
    "ix_manufacturing_orders_sales_line",
    manufacturing_orders.c.sales_line_id,
    postgresql_where=manufacturing_orders.c.sales_line_id.is_not(None),
    sqlite_where=manufacturing_orders.c.sales_line_id.is_not(None),
)

mo_ingredients = Table(
    "mo_ingredients",
    metadata,
    _id(),
    _fk("mo_id", "manufacturing_orders.id", ondelete="CASCADE"),
    _fk("item_id", "items.id"),
    Column("planned", Micro, nullable=False),
    Column("consumed", Micro, nullable=False),
    Column("consumed_cost", Micro, nullable=False),
    UniqueConstraint("mo_id", "item_id"),
)
Index("ix_mo_ingredients_item", mo_ingredients.c.item_id)

mo_tasks = Table(
    "mo_tasks",
    metadata,
    _id(),
    _fk("mo_id", "manufacturing_orders.id", ondelete="CASCADE"),
    Column("sequence", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    _fk("workstation_id", "workstations.id"),
    Column("planned_minutes", Micro, nullable=False),
    Column("cost_per_hour", Micro, nullable=False),
    _fk("operator_id", "operators.id", nullable=True),
    Column("status", String(16), nullable=False),
    Column("quantity_done", Micro, nullable=False),
    Column("scrap", Micro, nullable=False),
    Column("blocked_reason", Text, nullable=False, default=""),
    Column("planned_start", UtcDateTime),
    Column("planned_finish", UtcDateTime),
    UniqueConstraint("mo_id", "sequence"),
)

task_events = Table(
    "task_events",
    metadata,
    _id(),
    _fk("task_id", "mo_tasks.id", ondelete="CASCADE"),
    Column("kind", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("note", Text, nullable=False, default=""),
)
Index("ix_task_events_task", task_events.c.task_id, task_events.c.id)

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# ---------------------------------------------------------------- FIFO valuation (revision 0003)

cost_layers = Table(
    "cost_layers",
    metadata,
    _id(),
    _fk("item_id", "items.id"),
    Column("quantity", Micro, nullable=False),
    Column("unit_cost", Micro, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)
Index("ix_cost_layers_item", cost_layers.c.item_id, cost_layers.c.id)

# ---------------------------------------------------------------- plans (revision 0004)

plan_versions = Table(
    "plan_versions",
    metadata,
    _id(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("engine", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("tardiness_minutes", BigInteger, nullable=False),
    Column("late_orders", Integer, nullable=False),
)

# ---------------------------------------------------------------- users and audit (revision 0006)

users = Table(
    "users",
    metadata,
    _id(),
    Column("username", String(32), nullable=False, unique=True),
    Column("password_hash", String(200)),
    Column("role", String(16), nullable=False),
    _fk("operator_id", "operators.id", nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("role IN ('admin', 'planner', 'operator', 'viewer')", name="role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    _fk("user_id", "users.id", ondelete="CASCADE"),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("last_used_at", UtcDateTime),
)

audit_log = Table(
    "audit_log",
    metadata,
    _id(),
    Column("at", UtcDateTime, nullable=False),
    Column("user_name", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_key", String(64), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
)
Index("ix_audit_log_entity", audit_log.c.entity, audit_log.c.entity_key, audit_log.c.id)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _id(),
    Column("user_name", String(64), nullable=False),
    Column("key", String(128), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(400), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_name", "key"),
)

# ---------------------------------------------------------------- webhooks (revision 0007)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    _id(),
    Column("url", String(2000), nullable=False),
    Column("events", JSON, nullable=False),
    # Kept as given: every delivery is signed with it.
    Column("secret", String(128), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _id(),
    Column("uid", String(36), nullable=False, unique=True),
    _fk("subscription_id", "webhook_subscriptions.id"),
    Column("event", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_attempt_at", UtcDateTime),
    Column("response_code", Integer),
    Column("error", String(500), nullable=False, default=""),
    CheckConstraint("status IN ('pending', 'delivered', 'failed', 'cancelled')", name="status"),
)
Index(
    "ix_webhook_deliveries_due",
    webhook_deliveries.c.status,
    webhook_deliveries.c.next_attempt_at,
)
Index(
    "ix_webhook_deliveries_subscription",
    webhook_deliveries.c.subscription_id,
    webhook_deliveries.c.id,
)

# The colour last announced for each open order (availability.changed is sent on a difference).
order_colours = Table(
    "order_colours",
    metadata,
    _id(),
    Column("order_number", String(32), nullable=False, unique=True),
    Column("status", String(8), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
)

# A change mark per item: a fresh random number each time a committed transaction changes what the
# item's allocation depends on (its stock, an open order line, an MO's rank or planned dates), so
# a process can keep allocations between reads and redo only the items whose mark moved. The row
# with ``item_id`` 0 is the database's epoch: a new one after a reset, so nothing kept from before
# is taken for current. No foreign key, because of that row.
allocation_marks = Table(
    "allocation_marks",
    metadata,
    Column("item_id", Id, primary_key=True, autoincrement=False),
    Column("mark", BigInteger, nullable=False),
)
