"""Load or refresh the shipped facility files into the database (run by `db upgrade`)."""

from __future__ import annotations

from relos.facilities.service import refresh_reference as refresh

__all__ = ["refresh"]
