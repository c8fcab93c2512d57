"""Deployment tables: the deployment, its elements (indexed for interval queries) and history.

An element row carries copies of its deployment's agreement and deploying party, its
counted end (NULL once it no longer counts) and a span class, so that the elements
overlapping a window can be found by index range scans alone (see repository.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from relos.kit.db import Base
from relos.kit.types import UTCDateTime


class DeploymentRow(Base):
    __tablename__ = "deployments"
    __table_args__ = (
        Index("ix_deployments_agreement_party_status", "agreement_id", "deploying_party", "status"),
        Index("ix_deployments_host_party", "host_party"),
        Index("ux_deployments_reference", "reference", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The human reference, e.g. RELOS-IN-2027-0042 (relos.references).
    reference: Mapped[str] = mapped_column(String(40))
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"))
    deploying_party: Mapped[str] = mapped_column(String(2))
    host_party: Mapped[str] = mapped_column(String(2))
    purpose: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    commander: Mapped[dict[str, Any]] = mapped_column(JSON)
    request_exception: Mapped[bool] = mapped_column(Boolean)
    justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(32))
    by_exception: Mapped[bool] = mapped_column(Boolean)
    starts: Mapped[datetime] = mapped_column(UTCDateTime)
    ends: Mapped[datetime] = mapped_column(UTCDateTime)
    actual_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filed_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    elements: Mapped[list[ElementRow]] = relationship(
        back_populates="deployment",
        order_by="ElementRow.position",
        cascade="all, delete-orphan",
    )


class ElementRow(Base):
    __tablename__ = "deployment_elements"
    __table_args__ = (
        Index(
            "ix_deployment_elements_party_span",
            "agreement_id",
            "deploying_party",
            "span_class",
            "start",
        ),
        Index("ix_deployment_elements_facility_span", "facility_id", "span_class", "start"),
        Index("ix_deployment_elements_unit", "unit_key", "start"),
        Index("ix_deployment_elements_deployment", "deployment_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"))
    position: Mapped[int] = mapped_column(Integer)
    agreement_id: Mapped[str] = mapped_column(String(64))
    deploying_party: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    facility_id: Mapped[str] = mapped_column(String(40))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    # Where the element stops counting against caps; NULL when it does not count at all.
    counted_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # ceil(log2(planned length in hours)): bounds how far before a window it can start.
    span_class: Mapped[int] = mapped_column(SmallInteger)
    unit_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    personnel: Mapped[int] = mapped_column(Integer)
    notice_given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The element as filed (name, hull, class, crew, dimensions; type, serial, call sign).
    details: Mapped[dict[str, Any]] = mapped_column(JSON)

    deployment: Mapped[DeploymentRow] = relationship(back_populates="elements")


class HistoryRow(Base):
    """Every state change of a deployment: who, when, what."""

    __tablename__ = "deployment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    actor_party: Mapped[str | None] = mapped_column(String(2), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    status_before: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status_after: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
