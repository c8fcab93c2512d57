"""The features that make up relos, and how the composition root finds their parts.

Each feature is a folder under relos/ that may have models.py, api.py (`router`),
cli.py (`app`), reference.py (`refresh(session)`) and demo.py (`load(session)`). Listing the
features here, in dependency order, is the one place that decides what the app contains.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FEATURES = (
    "agreements",
    "references",
    "facilities",
    "platforms",
    "access",
    "audit",
    "tlog",
    "deployments",
    "logistics",
    "planning",
    "inbox",
    "documents",
    "federation",
    "web",
)


# The `relos` sub-commands each feature's cli.py adds, so a command line imports only the
# feature it names (a feature's CLI imports its services: all of them take seconds).
# tests/unit/test_registry.py checks this against what the features register.
CLI_COMMANDS = {
    "agreements": "agreements",
    "facilities": "facilities",
    "platforms": "platforms",
    "users": "access",
    "token": "access",
    "audit": "audit",
    "node": "tlog",
    "log": "tlog",
    "deployments": "deployments",
    "prices": "logistics",
    "logistics": "logistics",
    "ledger": "logistics",
    "rates": "logistics",
    "plan": "planning",
    "inbox": "inbox",
    "documents": "documents",
    "peer": "federation",
    "bundle": "federation",
    "sync": "federation",
}


def feature_module(feature: str, part: str) -> ModuleType | None:
    """Import relos.<feature>.<part>, or None when the feature has no such part."""
    name = f"relos.{feature}.{part}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name in (name, f"relos.{feature}"):
            return None
        raise


def parts(part: str) -> list[tuple[str, ModuleType]]:
    """Every feature's module for one part, in feature order."""
    found = ((feature, feature_module(feature, part)) for feature in FEATURES)
    return [(feature, module) for feature, module in found if module is not None]


def import_models() -> None:
    """Import every table so Base.metadata is complete (migrations, checks)."""
    parts("models")
    importlib.import_module("relos.events.models")
    importlib.import_module("relos.kit.idempotency_models")
