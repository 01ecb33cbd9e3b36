"""A custom signer: the API secret lives in a separate signing service, never in the client.

The service (here a tiny HTTP server on loopback; in production an HSM, a KMS or a service
behind mutual TLS) holds the secret and answers ``POST /sign`` with the base64 HMAC-SHA512 of
the message it is given. The trading client has only the public key and a function that asks
the service: ``custom_sign_message_fn``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from _venue import venue

import kraken


def start_signing_service(secret_b64: str) -> ThreadingHTTPServer:
    """Run the signing service on 127.0.0.1 in a background thread; it alone knows the secret."""
    key = base64.b64decode(secret_b64)

    class Sign(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            message = base64.b64decode(body["message"])
            signature = base64.b64encode(hmac.new(key, message, hashlib.sha512).digest())
            reply = json.dumps({"signature": signature.decode()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass  # keep the example's output readable

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sign)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


with venue() as where:
    service = start_signing_service(where.api_secret)  # runs elsewhere in real life
    signer_url = f"http://127.0.0.1:{service.server_address[1]}/sign"
    calls = 0

    with httpx.Client(timeout=5.0) as http:

        def remote_sign(message: bytes, api_secret: str | None) -> str:
            """Ask the service for the signature of exactly these bytes (no secret here)."""
            global calls
            calls += 1
            reply = http.post(signer_url, json={"message": base64.b64encode(message).decode()})
            reply.raise_for_status()
            return str(reply.json()["signature"])

        with kraken.SpotClient(
            api_key=where.api_key,  # the public half only: no api_secret anywhere
            custom_sign_message_fn=remote_sign,
            base_url=where.rest_url,
        ) as client:
            print("balances:", client.get_account_balance())
            placed = client.submit_order(
                {
                    "pair": "XBTUSD",
                    "type": "buy",
                    "ordertype": "limit",
                    "volume": Decimal("0.01"),
                    "price": Decimal("20000.0"),
                    "validate": True,  # checked by the exchange, not placed
                }
            )
            print("validated:", placed["descr"]["order"])
            print("public calls are never signed:", client.get_server_time()["unixtime"] > 0)
    service.shutdown()
    print(f"the signing service signed {calls} requests; the client never saw the secret")
