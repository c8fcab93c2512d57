"""Planner constants from data/planning/planner.toml (illustrative, labelled so)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class PlannerSettings:
    refuel_stop_hours: float = 24.0
    aircraft_turn_hours: float = 3.0
    default_reserve: float = 0.15
    diplomatic_clearance_days: int = 30

    def stop_hours(self, kind: str) -> float:
        return self.aircraft_turn_hours if kind == "aircraft" else self.refuel_stop_hours


def load_settings() -> PlannerSettings:
    text = resources.files("relos.data").joinpath("planning/planner.toml").read_text()
    raw = tomllib.loads(text)
    return PlannerSettings(
        float(raw["refuel_stop_hours"]),
        float(raw["aircraft_turn_hours"]),
        float(raw["default_reserve"]),
        int(raw["diplomatic_clearance_days"]),
    )
