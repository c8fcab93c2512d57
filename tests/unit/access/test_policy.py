from __future__ import annotations

from pathlib import Path

import pytest

from relos.access.domain import ROLES, SYSTEM, Principal
from relos.access.policy import (
    ACTION_MEANINGS,
    PERMISSIONS,
    allowed,
    may_see,
    permission_table,
    require,
    require_visible,
    scope,
)
from relos.kit.errors import Forbidden, NotFound

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def user(party: str = "IN", *roles: str) -> Principal:
    return Principal(7, "someone", party, frozenset(roles or ("viewer",)))


def test_every_action_names_known_roles_and_a_meaning() -> None:
    for action, roles in PERMISSIONS.items():
        assert roles and roles <= set(ROLES), action
        assert ACTION_MEANINGS[action], action
        assert action.count(".") == 1, action


def test_every_role_may_do_something_and_only_admins_manage_users() -> None:
    for role in ROLES:
        assert any(role in roles for roles in PERMISSIONS.values()), role
    assert PERMISSIONS["users.manage"] == {"admin"}
    assert PERMISSIONS["audit.read"] == {"auditor", "admin"}


def test_require_raises_forbidden_naming_the_action() -> None:
    require(user("IN", "planner"), "deployments.file")
    with pytest.raises(Forbidden, match=r"deployments\.file"):
        require(user("IN", "viewer"), "deployments.file")


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="PERMISSIONS"):
        allowed(user(), "deployments.teleport")


def test_party_scoping() -> None:
    india = user("IN")
    assert may_see(india, ("IN", "RU")) and not may_see(india, ("US", "RU"))
    assert may_see(SYSTEM, ("US", "RU"))
    assert scope(india) == "IN" and scope(SYSTEM) is None
    require_visible(india, ["RU", "IN"], "deployment 1")
    with pytest.raises(NotFound, match="no deployment 1"):
        require_visible(india, ["RU", "US"], "deployment 1")


def test_several_roles_add_up() -> None:
    both = user("RU", "viewer", "host_liaison")
    assert allowed(both, "deployments.consent") and not allowed(both, "deployments.file")


def test_the_documented_table_is_the_policy() -> None:
    table = permission_table()
    for action in PERMISSIONS:
        assert f"| `{action}` |" in table
    assert table in DOC.read_text(), (
        "docs/security.md: paste the output of `relos users permissions`"
    )
