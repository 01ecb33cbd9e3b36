"""Kraken Pay REST: the catalogue of endpoints (served by SpotClient) and their types."""
