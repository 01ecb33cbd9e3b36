"""Place a limit order with a client order id, find it among the open orders, cancel it."""

from __future__ import annotations

from decimal import Decimal

from _venue import venue

import kraken

with (
    venue() as where,
    kraken.SpotClient(
        api_key=where.api_key, api_secret=where.api_secret, base_url=where.rest_url
    ) as client,
):
    balances = client.get_account_balance()
    print("USD balance:", balances.get("ZUSD"))

    # A buy far below the market rests on the book instead of filling.
    last = Decimal(client.get_ticker({"pair": "XBTUSD"})["XXBTZUSD"]["c"][0])
    price = (last * Decimal("0.8")).quantize(Decimal("0.1"))
    cl_ord_id = client.generate_new_order_id()
    placed = client.submit_order(
        {
            "pair": "XBTUSD",
            "type": "buy",
            "ordertype": "limit",
            "volume": Decimal("0.01"),
            "price": price,
            "cl_ord_id": cl_ord_id,
        }
    )
    txid = placed["txid"][0]
    print(f"placed {txid}: {placed['descr']['order']}")

    open_orders = client.get_open_orders({"cl_ord_id": cl_ord_id})["open"]
    print("open with our cl_ord_id:", list(open_orders))

    cancelled = client.cancel_order({"txid": txid})
    print("cancelled:", cancelled["count"])

    try:
        client.cancel_order({"txid": txid})
    except kraken.KrakenAPIError as error:  # Kraken's refusal, mapped to a typed error
        print(f"second cancel refused: {type(error).__name__} ({error.code})")
