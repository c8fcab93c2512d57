"""Russian forms of the platforms' names (the reference data's platforms.toml), translated
through the catalogue by the `ref` filter: a Soviet or Russian type by its Russian type and
project name, a foreign ship class by the transcription Russian naval reference works use
(«Арли Бёрк», «Конго»), a foreign aircraft by its maker's designation. A platform added
without a form here shows its English name, and tests/unit/web/test_place_names.py fails
until it has one.
"""

from __future__ import annotations

from relos.web.vocabulary import N_

PLATFORM_NAMES: tuple[str, ...] = (
    N_("Talwar class (Project 11356) frigate"),
    N_("Kolkata class (Project 15A) destroyer"),
    N_("Shivalik class (Project 17) frigate"),
    N_("Deepak class fleet tanker"),
    N_("Kamorta class (Project 28) ASW corvette"),
    N_("INS Vikramaditya (modified Kiev class) aircraft carrier"),
    N_("Admiral Grigorovich class (Project 11356R) frigate"),
    N_("Udaloy class (Project 1155) destroyer"),
    N_("Steregushchiy class (Project 20380) corvette"),
    N_("Admiral Gorshkov class (Project 22350) frigate"),
    N_("Slava class (Project 1164) cruiser"),
    N_("Ropucha class (Project 775) landing ship"),
    N_("Boris Chilikin class replenishment oiler"),
    N_("Arleigh Burke class (Flight IIA) destroyer"),
    N_("Aquitaine class (FREMM) frigate"),
    N_("Anzac class frigate"),
    N_("Kongo class destroyer"),
    N_("Boeing P-8I Neptune maritime patrol aircraft"),
    N_("Boeing P-8A Poseidon maritime patrol aircraft"),
    N_("Sukhoi Su-30MKI multirole fighter"),
    N_("Mikoyan MiG-29K carrier fighter"),
    N_("Boeing C-17 Globemaster III (Indian Air Force)"),
    N_("Ilyushin Il-76MD transport"),
    N_("Ilyushin Il-78MKI air refuelling tanker"),
    N_("Antonov An-124 Ruslan heavy transport"),
    N_("Tupolev Tu-142MK maritime patrol aircraft"),
    N_("Ilyushin Il-38 maritime patrol aircraft"),
    N_("Kawasaki P-1 maritime patrol aircraft"),
    N_("Dassault Rafale M carrier fighter"),
    N_("Airbus KC-30A multi-role tanker transport"),
)
