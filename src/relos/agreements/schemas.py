"""API shapes for agreements."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PendingConsent(BaseModel):
    party: str
    extend_years: int
    recorded_at: str


class TermOut(BaseModel):
    initial_years: int
    renewal: str
    extension_years: int | None
    extensions: int
    pending_consents: list[PendingConsent]


class LogisticsOut(BaseModel):
    categories: list[str]
    excluded_categories: list[str]
    settlement_methods: list[str]
    settle_days: dict[str, int]
    pricing: str


class AgreementOut(BaseModel):
    id: str
    title: str
    short_name: str
    parties: list[str]
    signed: str
    entry_into_force: str
    in_force_until: str | None
    term: TermOut
    caps: dict[str, int] | None
    purposes: list[str]
    facility_kinds: list[str]
    notice_days: dict[str, int]
    notice_exempt_purposes: list[str]
    crew_counts_as_personnel: bool | None
    exceptions_by_consent: bool | None
    logistics: LogisticsOut | None
    sources: list[str]
    notes: list[str]
    illustrative: list[str]


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: str = Field(pattern=r"^[A-Z]{2}$", examples=["IN"])
    extend_years: int = Field(ge=1, le=50, examples=[5])
