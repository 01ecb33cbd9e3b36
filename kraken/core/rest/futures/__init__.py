"""Kraken Derivatives (Futures) REST: the endpoint catalogue, its types and the spec table."""
