"""Futures (Derivatives REST): tickers, the book, an order that Kraken accepts, and its cancel.

Kraken decommissions this API on 2027-03-01 (see the docs' "Futures decommissioning" guide).
"""

from __future__ import annotations

from decimal import Decimal

from _venue import venue

import kraken

with (
    venue() as where,
    kraken.DerivativesClient(
        api_key=where.futures_key, api_secret=where.futures_secret, base_url=where.rest_url
    ) as client,
):
    tickers = client.get_tickers()["tickers"]
    for ticker in tickers[:2]:
        print(f"{ticker['symbol']}: bid {ticker.get('bid')} ask {ticker.get('ask')}")

    book = client.get_orderbook({"symbol": "PF_XBTUSD"})["orderBook"]
    best_bid = Decimal(str(book["bids"][0][0]))
    print("PF_XBTUSD best bid:", best_bid)

    accounts = client.get_accounts()["accounts"]
    print("accounts:", ", ".join(sorted(accounts)))

    reply = client.submit_order(
        {
            "orderType": "lmt",
            "symbol": "PF_XBTUSD",
            "side": "buy",
            "size": Decimal("0.01"),
            "limitPrice": (best_bid * Decimal("0.9")).quantize(Decimal("1")),
            "cliOrdId": client.generate_new_order_id(),
        }
    )
    status = reply["sendStatus"]
    print(f"order {status['order_id']}: {status['status']}")

    # A post-only buy above the market would take liquidity: Kraken answers "success" with
    # a refusal inside, and the client raises instead of letting it pass silently.
    post_only = {"orderType": "post", "symbol": "PF_XBTUSD", "side": "buy", "size": "0.01"}
    try:
        client.submit_order({**post_only, "limitPrice": best_bid * 2})
    except kraken.OrderNotAcceptedError as refused:
        print("refused inside a success:", refused.order_status)

    cancelled = client.cancel_order({"order_id": status["order_id"]})
    print("cancel:", cancelled["cancelStatus"]["status"])
