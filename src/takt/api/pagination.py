"""Limit/offset pagination with a maximum page size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Query

from takt.api.schemas.common import Page

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int

    def page(self, rows: Sequence[T]) -> Page[T]:
        """The page of ``rows`` (already filtered and ordered) this request asks for."""
        return Page[T](
            items=list(rows[self.offset : self.offset + self.limit]),
            total=len(rows),
            limit=self.limit,
            offset=self.offset,
        )


def _paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PageParams = Annotated[Paging, Depends(_paging)]
