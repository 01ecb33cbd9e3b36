"""Affiliate REST: the catalogue of endpoints and their types."""
