"""Institutional REST (Custody and OTC): the catalogue of endpoints and their types."""
