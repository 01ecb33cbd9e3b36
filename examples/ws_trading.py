"""Trade over the WebSocket API: place, cancel, and cancel everything, each with its own reply."""

from __future__ import annotations

from decimal import Decimal

from _venue import venue

import kraken

with venue() as where:
    rest = kraken.SpotClient(
        api_key=where.api_key, api_secret=where.api_secret, base_url=where.rest_url
    )
    with (
        rest,
        kraken.WebsocketAPIClient(
            api_key=where.api_key,
            api_secret=where.api_secret,
            rest_client=rest,  # tokens, and reconcile_order() after an unknown outcome
            ws_url=where.ws_auth_url,
        ) as trading,
    ):
        trading.connect_ws_api()  # connect and authenticate now rather than on first use

        order = {
            "order_type": "limit",
            "side": "buy",
            "symbol": "BTC/USD",
            "order_qty": Decimal("0.01"),
            "limit_price": Decimal("25000.0"),
            "cl_ord_id": kraken.generate_new_order_id(),
        }
        try:
            placed = trading.submit_spot_order(order)
        except kraken.OrderOutcomeUnknownError:
            # No reply: the order may exist. Look it up; never just send it again.
            print("outcome unknown; found:", trading.reconcile_order(order["cl_ord_id"]))
            raise
        order_id = placed["result"]["order_id"]
        echoed = placed["result"].get("cl_ord_id") == order["cl_ord_id"]
        print(f"placed {order_id} (req_id {placed['req_id']}, cl_ord_id echoed: {echoed})")

        cancelled = trading.cancel_spot_order({"order_id": [order_id]})
        print("cancelled:", cancelled["result"]["order_id"])

        try:
            trading.cancel_spot_order({"order_id": [order_id]})
        except kraken.KrakenAPIError as error:
            print(f"second cancel refused: {type(error).__name__} ({error.code})")

        for price in ("24000.0", "24000.1"):
            trading.submit_spot_order({**order, "limit_price": Decimal(price), "cl_ord_id": None})
        print("cancel_all:", trading.cancel_all_spot_orders()["result"]["count"], "orders")
