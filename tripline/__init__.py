"""Tripline: export-control screening, classification and partner exchange."""

__version__ = "0.1.0"
