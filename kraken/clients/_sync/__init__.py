"""Blocking clients, generated from ``kraken/clients/_async`` (except ``support.py``)."""
