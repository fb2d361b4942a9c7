"""Types every schema shares: exact decimals, validated text, codes, pages, posted documents.

Decimals (quantities, prices, costs) travel as JSON strings ("12.5"): read as strings or
integers, never floats (``0.1`` as a float is not one tenth and Takt never guesses), and written
as strings without trailing zeros. Text refuses control characters and lone surrogates, so no
database ever sees a NUL; ``<script>`` is stored as text and returned as-is in JSON.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from takt.domain.units import normalize, parse_cost, parse_quantity

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
NO_CONTROL_MULTILINE = r"^[^\x00-\x08\x0b-\x1f\x7f]*$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,31}$"
COST_MARK = "x-takt-cost"


class Input(BaseModel):
    """A request body: unknown fields are refused; numbers, flags and dates are never coerced
    from another JSON type (see ``Flag``, ``Day`` and the decimal types)."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """A response body."""


def _not_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Drops ``null`` from the documented fields of a ``Patch`` that refuse it."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, field in schema.get("properties", {}).items():
        options = field.get("anyOf")
        if name in nullable or not isinstance(options, list):
            continue
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) < len(options):
            del field["anyOf"]
            field.pop("default", None)
            if len(kept) == 1:
                field.update(kept[0])
            else:
                field["anyOf"] = kept


class Patch(Input):
    """A partial update (PATCH): only the fields sent change. ``null`` clears a field that may
    be empty (``NULLABLE``) and is refused for the others; unknown fields are refused.

    Fields are declared ``X | None = None`` (absent: unchanged); the document shows ``null``
    only where it is accepted."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_nullable)

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _null_only_where_allowed(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("must not be null (leave the field out to keep its value)")
        return value

    def sent(self) -> dict[str, Any]:
        """The fields sent, by name, as parsed."""
        return {name: getattr(self, name) for name in self.model_fields_set}


def _decimal(raw: Any, field: str, *, cost: bool) -> Decimal:
    if isinstance(raw, (bool, float)):
        raise ValueError(
            'must be a decimal written as a JSON string such as "12.5" (or a whole number); '
            "JSON floats are refused because they are not exact"
        )
    if isinstance(raw, str) and not _DECIMAL.fullmatch(raw):
        raise ValueError(f'{raw[:40]!r} is not a decimal number like "12.5" or "-3"')
    if not isinstance(raw, (str, int, Decimal)):
        raise ValueError('must be a decimal written as a JSON string such as "12.5"')
    return parse_cost(raw, field) if cost else parse_quantity(raw, field)


def _decimal_schema(description: str, minimum: bool) -> dict[str, Any]:
    pattern = DECIMAL_PATTERN.replace("^-?", "^") if minimum else DECIMAL_PATTERN
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": 40, "examples": ["12.5"]},
            {"type": "integer"},
        ],
        "description": description,
    }


QuantityIn = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, "quantity", cost=False)),
    WithJsonSchema(
        _decimal_schema("An exact decimal (string), at most 6 places, below 10^12.", False),
        mode="validation",
    ),
]
MoneyIn = Annotated[
    Decimal,
    BeforeValidator(lambda v: _decimal(v, "amount", cost=True)),
    WithJsonSchema(
        _decimal_schema("A price or cost (string), 0 or more, at most 6 places.", True),
        mode="validation",
    ),
]


def _plain(value: Decimal) -> str:
    return f"{normalize(value):f}"


Dec = Annotated[Decimal, PlainSerializer(_plain, return_type=str)]
"""A decimal in a response: a string without trailing zeros ("12.5")."""

Cost = Annotated[
    Decimal | None,
    PlainSerializer(lambda v: None if v is None else _plain(v), return_type=str | None),
    Field(
        json_schema_extra={COST_MARK: True},
        description="A cost figure; null when your role may not see costs.",
    ),
]
"""A cost or margin in a response, hidden (null) from roles that may not see costs."""


def _no_control(multiline: bool) -> Any:
    bad = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]" if multiline else r"[\x00-\x1f\x7f]")

    def check(value: str) -> str:
        if bad.search(value):
            raise ValueError("must not contain control characters")
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise ValueError("must not contain unpaired surrogates (invalid Unicode)")
        return value

    return AfterValidator(check)


Name = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra={"pattern": NO_CONTROL}),
    _no_control(False),
]
Note = Annotated[
    str,
    Field(max_length=2000, json_schema_extra={"pattern": NO_CONTROL_MULTILINE}),
    _no_control(True),
]
Reason = Annotated[
    str,
    Field(min_length=1, max_length=2000, json_schema_extra={"pattern": NO_CONTROL_MULTILINE}),
    _no_control(True),
]
Label = Annotated[
    str,
    Field(min_length=1, max_length=32, json_schema_extra={"pattern": NO_CONTROL}),
    _no_control(False),
]
ShortText = Annotated[
    str, Field(max_length=64, json_schema_extra={"pattern": NO_CONTROL}), _no_control(False)
]
Batch = Annotated[str, Field(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=32)]
Sku = Annotated[str, Field(pattern=SKU_PATTERN, max_length=64)]
UnitCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,16}$", max_length=16)]
Flag = Annotated[bool, Strict()]
"""true or false only (not "yes", 1 or "true")."""
LineNo = Annotated[int, Strict(), Field(ge=1, le=100_000)]
Days = Annotated[int, Strict(), Field(ge=0, le=3650)]


def _iso_day(raw: Any) -> Any:
    if not isinstance(raw, (str, date)):
        raise ValueError("must be an ISO date such as 2024-06-30")
    return raw


Day = Annotated[date, BeforeValidator(_iso_day)]
When = datetime


T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Page(BaseModel, Generic[T]):
    """One page of a listing: ``items`` from ``offset``, at most ``limit``, of ``total``
    (None where the listing is not counted, as the ledger)."""

    items: list[T]
    total: int | None
    limit: int
    offset: int


class LedgerEntryRead(Output):
    sku: str
    location: str
    batch: str
    quantity: Dec
    unit_cost: Cost
    reason: str
    document: str
    note: str
    user: str
    at: datetime


class PostedRead(Output):
    """What a posting wrote: its document and ledger entries (none when a count matched)."""

    document: str | None
    entries: list[LedgerEntryRead]


def hide_costs(model: M) -> M:
    """``model`` with every cost field (marked ``Cost``) set to None, at any depth."""
    update: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        extra = info.json_schema_extra
        value = getattr(model, name)
        if isinstance(extra, dict) and extra.get(COST_MARK):
            update[name] = None
        elif isinstance(value, BaseModel):
            update[name] = hide_costs(value)
        elif isinstance(value, list):
            update[name] = [hide_costs(v) if isinstance(v, BaseModel) else v for v in value]
    return model.model_copy(update=update)
