"""Facilities: ports, airfields, training ranges and airspace blocks the agreements open."""
