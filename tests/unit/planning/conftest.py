from __future__ import annotations

from pathlib import Path

import pytest

from relos.planning.network import load_network
from relos.planning.passages import PassageRules, load_passages
from relos.planning.seaway import Seaway


@pytest.fixture(scope="session")
def rules() -> PassageRules:
    return load_passages()


@pytest.fixture(scope="session")
def seaway(rules: PassageRules, tmp_path_factory: pytest.TempPathFactory) -> Seaway:
    cache: Path = tmp_path_factory.mktemp("relos-cache")
    return Seaway(load_network(rules, cache), rules)
