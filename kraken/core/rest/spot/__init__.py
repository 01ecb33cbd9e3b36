"""Spot REST: the catalogue of endpoints and their parameter and result types."""
