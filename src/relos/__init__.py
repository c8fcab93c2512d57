"""relos: operates reciprocal military access and logistics agreements."""

__version__ = "0.1.0"
