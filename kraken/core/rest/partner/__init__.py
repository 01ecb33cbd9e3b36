"""Kraken Embed and Ramp (partner) REST: catalogue, types and client options."""
