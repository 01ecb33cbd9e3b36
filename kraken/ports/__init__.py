"""Ports: the small typed Protocols adapters implement and clients depend on.

They speak only the core's value types (:class:`~kraken.core.rest.values.Request`,
:class:`~kraken.core.rest.values.Response`, ``bytes``, ``str``, ``int``), never a library's.
"""

from kraken.ports.clock import Clock
from kraken.ports.nonce import NonceSource, RequestGate
from kraken.ports.rest import AsyncRestTransport, RestTransport
from kraken.ports.signer import SignMessageFn

__all__ = [
    "AsyncRestTransport",
    "Clock",
    "NonceSource",
    "RequestGate",
    "RestTransport",
    "SignMessageFn",
]
