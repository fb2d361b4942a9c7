"""The kept allocation's lines read as one mapping, whatever the shape of their references."""

from __future__ import annotations

from dataclasses import dataclass

from takt.app.itemlines import ItemLines, other_refs


@dataclass(frozen=True)
class Line:
    item: str
    note: str = ""


def _book() -> ItemLines[Line]:
    oak = {"MO-1/OAK": Line("OAK"), "MO-2/OAK": Line("OAK")}
    # A sales line's reference ends with its line number; item "2" has an ingredient line.
    table = {"SO-1/2": Line("TABLE"), "SO-2/1": Line("TABLE")}
    two = {"MO-3/2": Line("2")}
    return ItemLines({"OAK": oak, "TABLE": table, "2": two}, other_refs({**oak, **table, **two}))


def test_every_line_is_found_by_its_reference_and_nothing_else_is() -> None:
    lines = _book()
    assert lines["SO-1/2"].item == "TABLE"
    assert lines["MO-3/2"].item == "2"
    assert lines.get("MO-1/OAK") == Line("OAK")
    assert lines.get("MO-9/OAK") is None
    assert lines.get("SO-9/2") is None
    assert "SO-2/1" in lines
    assert "MO-1/PLY" not in lines
    assert len(lines) == 5
    assert sorted(lines) == ["MO-1/OAK", "MO-2/OAK", "MO-3/2", "SO-1/2", "SO-2/1"]
    assert dict(lines.items()) == {ref: lines[ref] for ref in lines}
    assert sorted(line.item for line in lines.values()) == ["2", "OAK", "OAK", "TABLE", "TABLE"]


def test_a_new_whole_does_not_change_one_handed_out_before() -> None:
    items = {"OAK": {"MO-1/OAK": Line("OAK", "before")}}
    first = ItemLines(items, {})
    items["OAK"] = {"MO-1/OAK": Line("OAK", "after")}
    second = ItemLines(items, {})
    assert (first["MO-1/OAK"].note, second["MO-1/OAK"].note) == ("before", "after")
