"""The recipe repository: BOM lines and routing operations."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, aliased

from takt.domain.bom import Bom, BomLine
from takt.domain.routing import Operation, Routing
from takt.store.lookups import Lookups
from takt.store.tables import bom_lines, items, routing_operations, workstations

_component = aliased(items, name="component")


class SqlRecipeRepository:
    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups

    def boms(self) -> dict[str, Bom]:
        return self._boms(None)

    def bom(self, sku: str) -> Bom | None:
        return self._boms(sku).get(sku)

    def _boms(self, sku: str | None) -> dict[str, Bom]:
        query = (
            select(
                items.c.sku,
                _component.c.sku.label("component"),
                bom_lines.c.quantity,
                bom_lines.c.unit,
                bom_lines.c.wastage_pct,
            )
            .join(items, items.c.id == bom_lines.c.item_id)
            .join(_component, _component.c.id == bom_lines.c.component_id)
            .order_by(items.c.sku, bom_lines.c.position)
        )
        if sku is not None:
            query = query.where(items.c.sku == sku)
        lines: dict[str, list[BomLine]] = {}
        for parent, component, quantity, unit, wastage in self.session.execute(query):
            lines.setdefault(parent, []).append(BomLine(component, quantity, unit, wastage))
        return {parent: Bom(parent, tuple(ls)) for parent, ls in lines.items()}

    def set_bom(self, bom: Bom) -> None:
        """Replaces the BOM of ``bom.item`` (an empty BOM removes it)."""
        item_id = self.lookups.id_of(items, bom.item, "SKU", "item")
        ids = self.lookups.ids_of(
            items, [li.component for li in bom.lines], "component", "component"
        )
        self.session.execute(delete(bom_lines).where(bom_lines.c.item_id == item_id))
        if bom.lines:
            self.session.execute(
                insert(bom_lines),
                [
                    {
                        "item_id": item_id,
                        "component_id": ids[line.component],
                        "position": position,
                        "quantity": line.quantity,
                        "unit": line.unit,
                        "wastage_pct": line.wastage_pct,
                    }
                    for position, line in enumerate(bom.lines)
                ],
            )

    def routings(self) -> dict[str, Routing]:
        return self._routings(None)

    def routing(self, sku: str) -> Routing | None:
        return self._routings(sku).get(sku)

    def _routings(self, sku: str | None) -> dict[str, Routing]:
        query = (
            select(
                items.c.sku,
                routing_operations.c.sequence,
                routing_operations.c.name,
                workstations.c.code,
                routing_operations.c.setup_minutes,
                routing_operations.c.run_minutes,
                routing_operations.c.cost_per_hour,
            )
            .join(items, items.c.id == routing_operations.c.item_id)
            .join(workstations, workstations.c.id == routing_operations.c.workstation_id)
            .order_by(items.c.sku, routing_operations.c.sequence)
        )
        if sku is not None:
            query = query.where(items.c.sku == sku)
        ops: dict[str, list[Operation]] = {}
        for parent, seq, name, ws, setup, run, rate in self.session.execute(query):
            ops.setdefault(parent, []).append(Operation(seq, name, ws, setup, run, rate))
        return {parent: Routing(parent, tuple(o)) for parent, o in ops.items()}

    def set_routing(self, routing: Routing) -> None:
        """Replaces the routing of ``routing.item`` (no operations removes it)."""
        item_id = self.lookups.id_of(items, routing.item, "SKU", "item")
        ws_ids = self.lookups.ids_of(
            workstations,
            [op.workstation for op in routing.operations],
            "workstation",
            "workstation",
        )
        self.session.execute(
            delete(routing_operations).where(routing_operations.c.item_id == item_id)
        )
        if routing.operations:
            self.session.execute(
                insert(routing_operations),
                [
                    {
                        "item_id": item_id,
                        "sequence": op.sequence,
                        "name": op.name,
                        "workstation_id": ws_ids[op.workstation],
                        "setup_minutes": op.setup_minutes,
                        "run_minutes": op.run_minutes,
                        "cost_per_hour": op.cost_per_hour,
                    }
                    for op in routing.operations
                ],
            )
