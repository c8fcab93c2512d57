"""The one output shape of an agreement (API, pages, `relos agreements --json`) and its command."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field

from relos.agreements.domain import AccessGrant, Consent, Logistics, TermInForce
from relos.agreements.domain import Agreement as AgreementDoc
from relos.kit.timeutil import format_instant


class PendingConsent(BaseModel):
    party: str
    extend_years: int
    recorded_at: str

    @classmethod
    def of(cls, consent: Consent) -> PendingConsent:
        return cls(
            party=consent.party,
            extend_years=consent.extend_years,
            recorded_at=format_instant(consent.recorded_at),
        )


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

    @classmethod
    def of(cls, logistics: Logistics | None) -> LogisticsOut | None:
        return None if logistics is None else cls.model_validate(asdict(logistics))


class AccessOut(BaseModel):
    """What the agreement grants for deployments; empty (and nulls) when it grants none."""

    caps: dict[str, int] | None = None
    purposes: list[str] = []
    facility_kinds: list[str] = []
    notice_days: dict[str, int] = {}
    notice_exempt_purposes: list[str] = []
    crew_counts_as_personnel: bool | None = None
    exceptions_by_consent: bool | None = None

    @classmethod
    def fields_of(cls, access: AccessGrant | None) -> dict[str, object]:
        """The access fields as AgreementOut carries them (flat, as the API always has)."""
        return {} if access is None else asdict(access)


class AgreementOut(AccessOut):
    id: str
    title: str
    short_name: str
    parties: list[str]
    signed: str
    entry_into_force: str
    in_force_until: str | None
    term: TermOut
    logistics: LogisticsOut | None
    sources: list[str]
    notes: list[str]
    illustrative: list[str]

    @classmethod
    def of(cls, a: AgreementDoc, term: TermInForce, pending: list[Consent]) -> AgreementOut:
        """An agreement with the term its consents have produced and those still pending."""
        return cls.model_validate(
            {
                **AccessOut.fields_of(a.access),
                "id": a.id,
                "title": a.title,
                "short_name": a.short_name,
                "parties": a.parties,
                "signed": a.signed.isoformat(),
                "entry_into_force": a.entry_into_force.isoformat(),
                "in_force_until": format_instant(term.end) if term.end else None,
                "term": TermOut(
                    **asdict(a.term),
                    extensions=term.extensions,
                    pending_consents=[PendingConsent.of(c) for c in pending],
                ),
                "logistics": LogisticsOut.of(a.logistics),
                "sources": a.sources,
                "notes": a.notes,
                "illustrative": a.illustrative,
            }
        )


class ConsentIn(BaseModel):
    """The command to record one party's consent to extend the term."""

    model_config = ConfigDict(extra="forbid")

    party: str = Field(pattern=r"^[A-Z]{2}$", examples=["IN"])
    extend_years: int = Field(ge=1, le=50, examples=[5])
