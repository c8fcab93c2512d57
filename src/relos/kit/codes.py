"""ISO 3166 country codes from a maintained package (Babel's CLDR data); currencies live in
relos.kit.money."""

from __future__ import annotations

from functools import cache

from babel import Locale


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes CLDR knows, less the user-assigned and reserved ones."""
    names = [code for code in Locale("en").territories if isinstance(code, str)]
    return frozenset(
        code for code in names if len(code) == 2 and code.isalpha() and not _user_assigned(code)
    )


def _user_assigned(code: str) -> bool:
    # ISO 3166-1 leaves AA, QM-QZ, XA-XZ and ZZ to users; CLDR names some of them (ZZ
    # "Unknown Region", EU, EZ, UN). Kosovo's XK is kept: it is in common use.
    if code == "XK":
        return False
    return code in {"AA", "ZZ", "EU", "EZ", "UN"} or code[0] == "X" or ("QM" <= code <= "QZ")


def is_country(code: str) -> bool:
    return code in countries()
