"""Read agreement files (TOML) into Agreements, failing with the file, the field and why."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from relos.agreements.domain import (
    CAP_CATEGORIES,
    ELEMENT_KINDS,
    FACILITY_KINDS,
    SETTLEMENT_METHODS,
    AccessGrant,
    Agreement,
    Logistics,
    Term,
)
from relos.kit.codes import is_country
from relos.kit.errors import ReferenceDataError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermFile(_Strict):
    initial_years: int = Field(gt=0)
    renewal: Literal["mutual_consent", "automatic", "none"]
    extension_years: int | None = Field(default=None, gt=0)


class AccessFile(_Strict):
    caps: dict[str, int]
    crew_counts_as_personnel: bool
    purposes: list[str] = Field(min_length=1)
    facility_kinds: list[str] = Field(min_length=1)
    notice_days: dict[str, int]
    notice_exempt_purposes: list[str] = []
    exceptions_by_consent: bool = True

    @field_validator("caps")
    @classmethod
    def _caps(cls, caps: dict[str, int]) -> dict[str, int]:
        unknown = set(caps) - set(CAP_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown cap categories {sorted(unknown)}; use {CAP_CATEGORIES}")
        if any(v < 0 for v in caps.values()):
            raise ValueError("caps must not be negative")
        return caps

    @field_validator("facility_kinds")
    @classmethod
    def _kinds(cls, kinds: list[str]) -> list[str]:
        unknown = set(kinds) - set(FACILITY_KINDS)
        if unknown:
            raise ValueError(f"unknown facility kinds {sorted(unknown)}; use {FACILITY_KINDS}")
        return kinds

    @field_validator("notice_days")
    @classmethod
    def _notice(cls, notice: dict[str, int]) -> dict[str, int]:
        unknown = set(notice) - set(ELEMENT_KINDS)
        if unknown:
            raise ValueError(f"unknown element kinds {sorted(unknown)}; use {ELEMENT_KINDS}")
        if any(v < 0 for v in notice.values()):
            raise ValueError("notice days must not be negative")
        return notice


class LogisticsFile(_Strict):
    categories: list[str] = Field(min_length=1)
    excluded_categories: list[str] = []
    settlement_methods: list[str] = Field(min_length=1)
    settle_days: dict[str, int]
    pricing: Literal["reciprocal", "commercial"] = "reciprocal"

    @model_validator(mode="after")
    def _methods(self) -> LogisticsFile:
        unknown = set(self.settlement_methods) - set(SETTLEMENT_METHODS)
        if unknown:
            raise ValueError(f"unknown settlement methods {sorted(unknown)}")
        missing = set(self.settlement_methods) - set(self.settle_days)
        if missing:
            raise ValueError(f"settle_days missing for {sorted(missing)}")
        if set(self.categories) & set(self.excluded_categories):
            raise ValueError("a category cannot be both allowed and excluded")
        return self


class AgreementFile(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    parties: tuple[str, str]
    signed: date
    entry_into_force: date
    term: TermFile
    access: AccessFile | None = None
    logistics: LogisticsFile | None = None
    sources: list[str] = Field(min_length=1)
    notes: list[str] = []
    illustrative: list[str] = []

    @field_validator("parties")
    @classmethod
    def _parties(cls, parties: tuple[str, str]) -> tuple[str, str]:
        for party in parties:
            if not is_country(party):
                raise ValueError(f"{party!r} is not an ISO 3166-1 alpha-2 country code")
        if parties[0] == parties[1]:
            raise ValueError("an agreement needs two different parties")
        return parties

    @model_validator(mode="after")
    def _dates(self) -> AgreementFile:
        if self.entry_into_force < self.signed:
            raise ValueError("entry_into_force is before signed")
        if self.term.renewal == "mutual_consent" and self.term.extension_years is None:
            raise ValueError("term.extension_years is required with renewal = mutual_consent")
        return self

    def to_domain(self) -> Agreement:
        return Agreement(
            id=self.id,
            title=self.title,
            short_name=self.short_name,
            parties=self.parties,
            signed=self.signed,
            entry_into_force=self.entry_into_force,
            term=Term(self.term.initial_years, self.term.renewal, self.term.extension_years),
            access=_access(self.access),
            logistics=_logistics(self.logistics),
            sources=tuple(self.sources),
            notes=tuple(self.notes),
            illustrative=tuple(self.illustrative),
        )


def _access(data: AccessFile | None) -> AccessGrant | None:
    if data is None:
        return None
    return AccessGrant(
        # In the agreement's own order (warships, aircraft, personnel), whatever order the
        # stored definition has (the event log keeps it as canonical JSON, keys sorted).
        caps={c: data.caps[c] for c in CAP_CATEGORIES if c in data.caps},
        crew_counts_as_personnel=data.crew_counts_as_personnel,
        purposes=tuple(data.purposes),
        facility_kinds=tuple(data.facility_kinds),
        notice_days=dict(data.notice_days),
        notice_exempt_purposes=tuple(data.notice_exempt_purposes),
        exceptions_by_consent=data.exceptions_by_consent,
    )


def _logistics(data: LogisticsFile | None) -> Logistics | None:
    if data is None:
        return None
    return Logistics(
        categories=tuple(data.categories),
        excluded_categories=tuple(data.excluded_categories),
        settlement_methods=tuple(data.settlement_methods),
        settle_days=dict(data.settle_days),
        pricing=data.pricing,
    )


def _describe(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(file)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{path.name}: {where}: {first['msg']}{more}"


def read_agreement_file(path: Path) -> AgreementFile:
    """Parse and validate one agreement file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        return AgreementFile.model_validate(raw)
    except ValidationError as exc:
        raise ReferenceDataError(_describe(path, exc)) from exc


def load_agreement(path: Path) -> Agreement:
    return read_agreement_file(path).to_domain()


def load_agreement_files(directory: Path) -> list[AgreementFile]:
    """Every agreement file in a folder; ids must be unique and match the file name."""
    files: list[AgreementFile] = []
    for path in sorted(directory.glob("*.toml")):
        data = read_agreement_file(path)
        if data.id != path.stem:
            raise ReferenceDataError(f"{path.name}: id: {data.id!r} must match the file name")
        files.append(data)
    if not files:
        raise ReferenceDataError(f"{directory}: no agreement files")
    return files


def load_agreements(directory: Path) -> list[Agreement]:
    return [data.to_domain() for data in load_agreement_files(directory)]


def agreement_from_definition(definition: dict[str, object]) -> Agreement:
    """Rebuild the domain object from the JSON stored at load time."""
    return AgreementFile.model_validate(definition).to_domain()


def shipped_agreements_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "agreements"
