"""Orders for API tests, made through the use cases: a customer, an SO, a PO and two MOs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from takt.app import manufacturing, purchasing, sales
from takt.config import Takt
from takt.domain.partners import Customer

D = Decimal


def some_orders(takt: Takt) -> dict[str, str]:
    """SO for 2 tables, PO for 10 m of oak, MO for 4 legs (SAW) and MO for 1 table (ASSY)."""
    uows = takt.uows
    soon = date.today() + timedelta(days=30)
    sales.add_customer(Customer("ACME", "Acme Dining"), uows())
    so = sales.create_sales_order(
        sales.NewSalesOrder("ACME", soon, (sales.SalesLineInput("TABLE", D(2)),)), uows()
    )
    po = purchasing.create_purchase_order(
        purchasing.NewPurchaseOrder(
            "TIMBER", (purchasing.PurchaseLineInput("OAK", D(10), D("8.5")),)
        ),
        uows(),
    )
    legs = manufacturing.create_mo(manufacturing.NewMO("LEG", D(4), soon), uows())
    table = manufacturing.create_mo(manufacturing.NewMO("TABLE", D(1), soon), uows())
    return {"so": so.number, "po": po.number, "legs": legs.number, "table": table.number}
