"""Random filing bodies never end in a 500: bad input is 4xx, good input 200/201."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import TokenFactory

instants = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.sampled_from(
        ["2027-07-01T00:00:00", "2027-07-01", "not a time", "", "2027-13-01T00:00:00Z"]
    ),
)
numbers = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
)
element = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["warship", "aircraft", "personnel", "tank", ""]),
        "facility": st.sampled_from(["RUVVO", "UHWW", "INVTZ", "TJDYU", "XX", ""]),
        "start": instants,
        "end": instants,
    },
    optional={
        "name": st.text(max_size=5),
        "hull": st.text(max_size=5),
        "class": st.text(max_size=5),
        "crew": numbers,
        "displacement_t": numbers,
        "length_m": numbers,
        "beam_m": numbers,
        "draught_m": numbers,
        "type": st.text(max_size=5),
        "serial": st.text(max_size=5),
        "count": numbers,
    },
)
bodies = st.fixed_dictionaries(
    {
        "agreement": st.sampled_from(["in-ru-relos", "in-us-lemoa", "nope"]),
        "deploying_party": st.sampled_from(["IN", "RU", "US", "in", "XYZ"]),
        "purpose": st.sampled_from(["joint_exercise", "evacuation", "tourism"]),
        "title": st.text(max_size=10),
        "commander": st.fixed_dictionaries({"name": st.text(max_size=5)}),
        "elements": st.lists(element, max_size=4),
    },
    optional={"request_exception": st.booleans()},
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_random_bodies_are_never_a_500(
    sqlite_client: TestClient, sqlite_auth: TokenFactory, body: dict[str, Any]
) -> None:
    headers = _headers(sqlite_auth)
    for url in ("/api/v1/deployments/validate", "/api/v1/deployments"):
        response = sqlite_client.post(url, json=body, headers=headers)
        assert response.status_code in (200, 201, 403, 422), (url, body, response.text)


_TOKENS: dict[int, dict[str, str]] = {}


def _headers(auth: TokenFactory) -> dict[str, str]:
    """One planner per database (the fixture is function-scoped, hypothesis runs many)."""
    key = id(auth)
    if key not in _TOKENS:
        _TOKENS[key] = auth("fuzz-planner", "IN", ("planner",))
    return _TOKENS[key]
