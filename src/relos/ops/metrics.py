"""Prometheus metrics: requests by route template and status, latencies, the pool, the business.

In `relos serve` the variable PROMETHEUS_MULTIPROC_DIR is set before this module is imported,
so each worker process writes its samples to files there and a scrape of any worker adds them
up: the numbers are the server's, not one worker's. Business figures (deployments by status,
orders, audit entries) are read from the database at scrape time, so they are right however
many processes serve.
"""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import text
from starlette.types import Scope

from relos.kit.db import Database
from relos.kit.guard import route_template

REQUESTS = Counter("relos_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "relos_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
POOL_IN_USE = Gauge(
    "relos_db_pool_connections_in_use",
    "Database connections checked out of the pool",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "relos_db_pool_connections_open",
    "Database connections held by the pool (in use or idle)",
    multiprocess_mode="livesum",
)
CANCELLED = Counter(
    "relos_http_requests_stopped", "Requests stopped because the client left or time ran out"
)

BUSINESS = (
    (
        "relos_deployments",
        "Deployments by status",
        "SELECT status, COUNT(*) FROM deployments GROUP BY status",
    ),
    (
        "relos_support_orders",
        "Support orders by status",
        "SELECT status, COUNT(*) FROM support_orders GROUP BY status",
    ),
)


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class _Observer:
    """The guard's hook: counts one answered request and samples the pool.

    Labelled children are kept (a lookup per request instead of prometheus_client's checks
    and lock in `labels`), and the pool gauges are written only when they change: in a
    multi-process server each write is a locked write to a shared file.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self.pool: tuple[int, int] = (-1, -1)

    def __call__(self, scope: Scope, status: int, seconds: float) -> None:
        method = str(scope.get("method", ""))
        route = route_template(scope)
        key = (method, route, status)
        child = self.children.get(key)
        if child is None:
            child = REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)
            self.children[key] = child
        child[0].inc()
        child[1].observe(seconds)
        if status == 503:
            CANCELLED.inc()
        pool = self.db.engine.pool
        checked_out = getattr(pool, "checkedout", None)
        if callable(checked_out):
            in_use = checked_out()
            now = (in_use, in_use + pool.checkedin())  # type: ignore[attr-defined]
            if now != self.pool:
                self.pool = now
                POOL_IN_USE.set(now[0])
                POOL_SIZE.set(now[1])


def observer(db: Database) -> _Observer:
    return _Observer(db)


def business(db: Database) -> list[GaugeMetricFamily]:
    """Counts read from the database now (a scrape is rare; each is one indexed GROUP BY)."""
    families = []
    began = time.monotonic()
    with db.engine.connect() as conn:
        for name, doc, query in BUSINESS:
            family = GaugeMetricFamily(name, doc, labels=["status"])
            for status, count in conn.execute(text(query)):
                family.add_metric([str(status)], float(count))
            families.append(family)
        audit = conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one()
    entries = GaugeMetricFamily("relos_audit_entries", "Events in the audit trail (the event log)")
    entries.add_metric([], float(audit))
    families.append(entries)
    scrape = GaugeMetricFamily("relos_business_scrape_seconds", "Time to read the figures above")
    scrape.add_metric([], time.monotonic() - began)
    families.append(scrape)
    return families


class _Business:
    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> list[GaugeMetricFamily]:
        return business(self.db)


def exposition(db: Database) -> bytes:
    """The text a Prometheus scrape gets: this server's metrics, all workers added up."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        served = generate_latest(registry)
    else:
        served = generate_latest(REGISTRY)
    figures = CollectorRegistry()
    figures.register(_Business(db))
    return served + generate_latest(figures)
