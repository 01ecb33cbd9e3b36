"""Credentials, nonces and the signing schemes Kraken documents."""
