"""A typed result answered from the route's thread: the JSON FastAPI would have sent."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from relos.kit.answers import typed_json


class _Hull(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    ship_class: str = Field(alias="class")
    tonnes: float | None = None


class _Unaliased(BaseModel):
    ship_class: str = Field(alias="class")


def test_the_body_is_the_models_json_by_alias_with_status_and_headers() -> None:
    hulls = [_Hull(ship_class="talwar", tonnes=3850.0), _Hull(ship_class="kilo")]
    answer = typed_json(hulls, list[_Hull], 201, {"Link": '<x>; rel="next"'})
    assert answer.status_code == 201
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["link"] == '<x>; rel="next"'
    assert json.loads(answer.body) == [
        {"class": "talwar", "tonnes": 3850.0},
        {"class": "kilo", "tonnes": None},
    ]


def test_aliases_are_used_as_fastapi_uses_them_even_unasked() -> None:
    answer = typed_json(_Unaliased.model_validate({"class": "kilo"}), _Unaliased)
    assert json.loads(answer.body) == {"class": "kilo"}
    assert int(answer.headers["content-length"]) == len(answer.body)
