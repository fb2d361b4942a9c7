"""Every allocated line, kept item by item and read as one mapping by reference.

The kept allocation holds 100,000 lines. After a change to a few items a new whole is handed out
while readers may still hold the old one, so the old one must not change; copying a flat dict of
100,000 entries for that takes tens of milliseconds (more once entries have been deleted from
it). Here the lines stay in one small dict per item, never changed once made, and a new whole
copies only the item index (one entry per item).

A line's item is found from its reference: an ingredient line's reference ends with its SKU
(``MO-00012/OAK``); the few whose do not (sales lines, ``SO-0003/2``) are listed with their item.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from typing import Protocol, TypeVar


class _Line(Protocol):
    @property
    def item(self) -> str: ...


Line = TypeVar("Line", bound=_Line)


class ItemLines(Mapping[str, Line]):
    """A read-only mapping of reference to line over per-item dicts that are never changed."""

    __slots__ = ("_count", "_items", "_other")

    def __init__(self, items: Mapping[str, Mapping[str, Line]], other: Mapping[str, str]) -> None:
        """``items``: each item's lines by reference; ``other``: the item of every reference
        that does not end with ``/`` and the item's SKU."""
        self._items = dict(items)
        self._other = dict(other)
        self._count = sum(len(bucket) for bucket in self._items.values())

    def _bucket(self, ref: str) -> Mapping[str, Line] | None:
        sku = self._other.get(ref)
        return self._items.get(ref.partition("/")[2] if sku is None else sku)

    def __getitem__(self, ref: str) -> Line:
        bucket = self._bucket(ref)
        if bucket is None:
            raise KeyError(ref)
        return bucket[ref]

    def get(self, ref: str, default: Line | None = None) -> Line | None:  # type: ignore[override]
        bucket = self._bucket(ref)
        return default if bucket is None else bucket.get(ref, default)

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, str):
            return False
        bucket = self._bucket(ref)
        return bucket is not None and ref in bucket

    def __iter__(self) -> Iterator[str]:
        for bucket in self._items.values():
            yield from bucket

    def __len__(self) -> int:
        return self._count

    def items(self) -> ItemsView[str, Line]:
        return _Items(self)

    def values(self) -> ValuesView[Line]:
        return _Values(self)

    def buckets(self) -> Iterator[Mapping[str, Line]]:
        return iter(self._items.values())


class _Items(ItemsView[str, Line]):
    # Item by item, rather than looking every reference up again.
    _mapping: ItemLines[Line]

    def __iter__(self) -> Iterator[tuple[str, Line]]:
        for bucket in self._mapping.buckets():
            yield from bucket.items()


class _Values(ValuesView[Line]):
    _mapping: ItemLines[Line]

    def __iter__(self) -> Iterator[Line]:
        for bucket in self._mapping.buckets():
            yield from bucket.values()


def other_refs(lines: Mapping[str, _Line]) -> dict[str, str]:
    """The item of each reference in ``lines`` that does not end with its item's SKU."""
    return {ref: line.item for ref, line in lines.items() if ref.partition("/")[2] != line.item}
