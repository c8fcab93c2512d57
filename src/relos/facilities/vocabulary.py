"""The closed word lists a facility file may use; anything else is a typo to report."""

from __future__ import annotations

import re

from relos.agreements.domain import FACILITY_KINDS

__all__ = ["AGREEMENT_IDS", "AREA_KINDS", "FACILITY_KINDS", "FUEL_GRADES", "SERVICES"]

AREA_KINDS = ("training_range", "airspace")

# The agreement ids the lead ships in data/agreements (a unit test keeps the two in step).
AGREEMENT_IDS = ("in-ru-relos", "in-us-lemoa", "in-fr-rls", "in-au-mlsa", "in-jp-acsa")

# NATO fuel codes (AFLP-3747 / STANAG 1135 families) relos knows how to name.
FUEL_GRADES = {
    "F-18": "aviation gasoline 100LL",
    "F-24": "Jet A with military additives",
    "F-27": "Jet A-1 with lubricity additive",
    "F-34": "JP-8, kerosene-type jet fuel with military additives",
    "F-35": "Jet A-1, kerosene-type civil jet fuel",
    "F-37": "JP-8+100",
    "F-40": "JP-4, wide-cut jet fuel",
    "F-44": "JP-5, high flash point jet fuel for ships' aircraft",
    "F-54": "diesel fuel for land vehicles",
    "F-63": "diesel with F-34 additives",
    "F-65": "50/50 blend of F-54 and F-34",
    "F-75": "naval distillate, low pour point",
    "F-76": "naval distillate fuel (marine gas oil, military)",
    "F-77": "naval fuel oil",
}

SERVICES = (
    "berthing",
    "bunkering",
    "aircraft_refuelling",
    "maintenance",
    "dry_dock",
    "provisions",
    "water",
    "medical",
    "accommodation",
    "transport",
    "communications",
    "cargo_handling",
    "storage",
    "waste_disposal",
    "training",
    "air_traffic_services",
    "ice_pilotage",
)

# Codes from a package (UN/LOCODE, ICAO) or a relos-local id "CC-NAME" for sites with none,
# so a made-up code is never mistaken for an official one.
LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
ICAO = re.compile(r"^[A-Z0-9]{4}$")
LOCAL_ID = re.compile(r"^[A-Z]{2}(-[A-Z0-9]+)+$")
