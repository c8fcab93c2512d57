"""The commands that change logistics state: one typed model each, validated once.

The HTTP route, the web page and the CLI command build the same command (`build` turns a
validation error into one clear line) and hand it to the one service function. Order
fields are optional on purpose: a missing required element is a rule break the order
rules report as `missing_element`, with the others, in one answer. Strings are as long as
the columns that store them and hold no NUL (PostgreSQL refuses it); decimals travel as
strings or Decimals, never floats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from relos.kit.errors import InvalidInput
from relos.logistics.prices.parse import MAX_PRICE_LINES

Method = Literal["cash", "replacement_in_kind", "equal_value_exchange"]
MAX_ORDER_LINES = 1_000
MAX_RATE_LINES = 10_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


NoNul = AfterValidator(_no_nul)
# An instant with an offset, held in UTC (9999-12-31T23:00-05:00 is past the last UTC year).
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
# Each as wide as the column that stores it.
Party = Annotated[str, Field(max_length=2), NoNul]
Currency = Annotated[str, Field(max_length=3), NoNul]
Day = Annotated[str, Field(max_length=10), NoNul]
Facility = Annotated[str, Field(max_length=16), NoNul]
Unit = Annotated[str, Field(max_length=20), NoNul]
MethodName = Annotated[str, Field(max_length=30), NoNul]
OrderId = Annotated[str, Field(max_length=36), NoNul]
Number = Annotated[str, Field(max_length=40), NoNul]
Category = Annotated[str, Field(max_length=50), NoNul]
Key = Annotated[str, Field(max_length=64), NoNul]
PostingRef = Annotated[str, Field(max_length=80), NoNul]
Name = Annotated[str, Field(max_length=100), NoNul]
Officer = Annotated[str, Field(min_length=1, max_length=100), NoNul]
Reference = Annotated[str, Field(max_length=200), NoNul]
Note = Annotated[str, Field(max_length=400), NoNul]
Reason = Annotated[str, Field(min_length=1, max_length=400), NoNul]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriceLineIn(Command):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    supplying_party: Party
    facility: Facility | None = None
    item: Name
    category: Category
    unit: Unit
    unit_price: Number
    currency: Currency
    valid_from: Day
    valid_to: Day | None = None
    source: Note = ""


class ImportPrices(Command):
    """A price list: JSON {"lines": [...]}, or the rows of a CSV file."""

    lines: list[PriceLineIn] = Field(min_length=1, max_length=MAX_PRICE_LINES)


class RateLineIn(Command):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    base: Currency
    quote: Currency
    on: Day
    rate: Number
    source: Note


class ImportRates(Command):
    lines: list[RateLineIn] = Field(max_length=MAX_RATE_LINES)


class OrderLineIn(Command):
    category: Category | None = None
    item: Name | None = None
    quantity: Decimal | None = Field(None, max_digits=18, decimal_places=6)
    unit: Unit | None = None


class RaiseOrder(Command):
    """A support order as requested (the body of POST /support-orders)."""

    agreement: Key | None = None
    requesting_party: Party | None = None
    supplying_party: Party | None = None
    facility: Facility | None = None
    deployment: Key | None = None
    settlement: MethodName | None = None
    counter_to: OrderId | None = Field(None, description="The order this one pays back in kind.")
    lines: list[OrderLineIn] | None = Field(None, max_length=MAX_ORDER_LINES)


class SignIn(Command):
    party: Party | None = Field(
        None, description="Only for the operator; users sign for their party."
    )


class SignOrder(SignIn):
    order: OrderId


class DeliveryLineIn(Command):
    line: int = Field(ge=0, le=10_000)
    quantity: Decimal = Field(max_digits=18, decimal_places=6)


class DeliveryIn(Command):
    lines: list[DeliveryLineIn] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    delivered_at: Instant
    received_by: Officer


class RecordDelivery(DeliveryIn):
    """A delivery against one order (the path names the order over HTTP)."""

    order: OrderId


class ReceiptIn(Command):
    received_at: Instant
    received_by: Officer
    note: Annotated[str, Field(min_length=1, max_length=500), NoNul] | None = None


class AcknowledgeReceipt(ReceiptIn):
    """The requesting party's receipt of one delivery (the path names order and delivery)."""

    order: OrderId
    delivery: Annotated[str, Field(min_length=1, max_length=36), NoNul]


class ReturnedLineIn(Command):
    line: int = Field(ge=0, le=10_000)
    quantity: Decimal = Field(max_digits=18, decimal_places=6)


class RecordSettlement(Command):
    """A settlement of (part of) what is owed on an order (the body of POST /settlements)."""

    order: OrderId
    method: Method
    amount: Number | None = None
    currency: Currency | None = None
    settled_at: Instant
    reference: Reference = ""
    lines: list[ReturnedLineIn] | None = Field(
        None, description="Items returned in kind.", max_length=MAX_ORDER_LINES
    )
    counter_order: OrderId | None = Field(None, description="The counter-order of an exchange.")


class ReversalIn(Command):
    ref: PostingRef
    reason: Reason


class ReversePosting(ReversalIn):
    """A reversal of one posting; `on` is the booking day (default: today)."""

    on: Instant | None = None


Model = TypeVar("Model", bound=BaseModel)


def build(model: type[Model], data: Any) -> Model:
    """Validate `data` into `model`, or raise InvalidInput naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or model.__name__
        more = error.error_count() - 1
        extra = f" (and {more} more)" if more else ""
        raise InvalidInput(f"{where}: {first['msg']}{extra}") from None
