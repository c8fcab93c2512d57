"""Load or refresh the shipped platforms file into the database (run by `db upgrade`)."""

from __future__ import annotations

from relos.platforms.service import refresh_reference as refresh

__all__ = ["refresh"]
