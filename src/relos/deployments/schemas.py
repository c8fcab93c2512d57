"""API shapes for deployments (docs/api.md "Deployments")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Party = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["IN"])]
FacilityId = Annotated[str, Field(min_length=3, max_length=40, examples=["RUVVO"])]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Placed(_In):
    facility: FacilityId
    start: datetime = Field(examples=["2026-07-01T00:00:00Z"])
    end: datetime = Field(examples=["2026-07-15T00:00:00Z"])


class WarshipIn(_Placed):
    """A ship visit, with the notice content RELOS requires."""

    kind: Literal["warship"]
    name: str = Field(min_length=1, max_length=100, examples=["INS Tabar"])
    hull: str = Field(min_length=1, max_length=20, examples=["F44"])
    ship_class: str = Field(alias="class", min_length=1, max_length=60, examples=["talwar"])
    crew: int = Field(ge=0, le=10_000)
    displacement_t: Annotated[float, Field(gt=0, le=200_000)]
    length_m: Annotated[float, Field(gt=0, le=500)]
    beam_m: Annotated[float, Field(gt=0, le=100)]
    draught_m: Annotated[float, Field(gt=0, le=40)]


class AircraftIn(_Placed):
    kind: Literal["aircraft"]
    type: str = Field(min_length=1, max_length=60, examples=["P-8I"])
    serial: str = Field(min_length=1, max_length=40, examples=["IN321"])
    call_sign: str = Field(default="", max_length=40, examples=["INDIA321"])


class PersonnelIn(_Placed):
    kind: Literal["personnel"]
    count: int = Field(ge=1, le=1_000_000)


ElementIn = Annotated[WarshipIn | AircraftIn | PersonnelIn, Field(discriminator="kind")]


class Commander(_In):
    name: str = Field(min_length=1, max_length=100)
    rank: str = Field(default="", max_length=60)


class FilingIn(_In):
    agreement: str = Field(min_length=1, max_length=64, examples=["in-ru-relos"])
    deploying_party: Party
    purpose: str = Field(min_length=1, max_length=64, examples=["joint_exercise"])
    title: str = Field(min_length=1, max_length=300)
    commander: Commander
    request_exception: bool = False
    justification: str | None = Field(default=None, max_length=4000)
    elements: list[ElementIn] = Field(max_length=500)


class AmendmentIn(_In):
    """Fields to change; elements, when given, replace all elements."""

    purpose: str | None = Field(default=None, min_length=1, max_length=64)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    commander: Commander | None = None
    request_exception: bool | None = None
    justification: str | None = Field(default=None, max_length=4000)
    elements: list[ElementIn] | None = Field(default=None, max_length=500)


class ConsentIn(_In):
    decision: Literal["approve", "decline"]
    note: str | None = Field(default=None, max_length=2000)


class CompletionIn(_In):
    actual_end: datetime = Field(examples=["2026-07-12T06:00:00Z"])


class ViolationOut(BaseModel):
    code: str
    message: str
    element: int | None = None
    category: str | None = None
    at: str | None = None
    limit: int | None = None
    would_be: int | None = None


class ValidationOut(BaseModel):
    ok: bool
    status: str | None = Field(description="What the filing would become; null: refused.")
    violations: list[ViolationOut]


class CommanderOut(BaseModel):
    name: str
    rank: str = ""


class _PlacedOut(BaseModel):
    # Rows keep what the filing gave; a key this shape does not name is kept, not dropped.
    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)

    facility: str = Field(examples=["RUVVO"])
    start: str = Field(examples=["2026-07-01T00:00:00Z"])
    end: str = Field(examples=["2026-07-15T00:00:00Z"])


class WarshipOut(_PlacedOut):
    kind: Literal["warship"]
    name: str
    hull: str
    ship_class: str = Field(default="", alias="class")
    crew: int = 0
    displacement_t: float | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None


class AircraftOut(_PlacedOut):
    kind: Literal["aircraft"]
    type: str
    serial: str
    call_sign: str = ""


class PersonnelOut(_PlacedOut):
    kind: Literal["personnel"]
    count: int


ElementOut = Annotated[WarshipOut | AircraftOut | PersonnelOut, Field(discriminator="kind")]


class HistoryOut(BaseModel):
    at: str
    actor: str
    actor_party: str | None
    action: str
    status_before: str | None
    status_after: str
    # What the event said about the change (a note, the fields amended): free-form JSON,
    # each event type its own, as released events keep it.
    detail: dict[str, Any]


class DeploymentOut(BaseModel):
    id: str
    reference: str = Field(description="Human reference, e.g. RELOS-IN-2027-0042.")
    agreement: str
    deploying_party: str
    host_party: str
    purpose: str
    title: str
    commander: CommanderOut
    request_exception: bool
    justification: str | None
    status: str
    by_exception: bool
    start: str
    end: str
    actual_end: str | None
    filed_at: str
    filed_by: str
    updated_at: str
    version: int
    elements: list[ElementOut]
    violations: list[ViolationOut] = Field(default_factory=list)
    history: list[HistoryOut] | None = None


class CategoryHeadroom(BaseModel):
    limit: int | None
    peak: int
    free: int | None
    at: str


class HeadroomOut(BaseModel):
    warships: CategoryHeadroom
    aircraft: CategoryHeadroom
    personnel: CategoryHeadroom


class UseStepOut(BaseModel):
    start: str
    end: str
    warships: int
    aircraft: int
    personnel: int
