from __future__ import annotations

from pathlib import Path

import pytest

from relos.agreements.loader import load_agreement_files, shipped_agreements_dir
from relos.facilities.domain import load_facilities, shipped_facilities_dir
from relos.planning import adapters
from relos.planning.access import Pact
from relos.planning.craft import Craft, ship
from relos.planning.network import load_network
from relos.planning.passages import PassageRules, load_passages
from relos.planning.planner import Planner
from relos.planning.prices import load_prices
from relos.planning.seaway import Seaway
from relos.planning.settings import load_settings


@pytest.fixture(scope="session")
def rules() -> PassageRules:
    return load_passages()


@pytest.fixture(scope="session")
def seaway(rules: PassageRules, tmp_path_factory: pytest.TempPathFactory) -> Seaway:
    cache: Path = tmp_path_factory.mktemp("relos-cache")
    return Seaway(load_network(rules, cache), rules)


@pytest.fixture(scope="session")
def planner(seaway: Seaway) -> Planner:
    sites = [adapters.site(f) for f in load_facilities(shipped_facilities_dir())]
    return Planner(seaway, sites, load_prices(), load_settings())


@pytest.fixture(scope="session")
def relos() -> tuple[Pact, ...]:
    files = load_agreement_files(shipped_agreements_dir())
    return tuple(adapters.pact(f.to_domain()) for f in files if f.id == "in-ru-relos")


@pytest.fixture(scope="session")
def talwar() -> Craft:
    """Talwar class: 4,850 nm at 14 kn and 1,600 nm at 30 kn; tank illustrative."""
    return ship("talwar", "IN", [(4850, 14), (1600, 30)], 500, 14)
