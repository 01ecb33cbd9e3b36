"""Spot market data: REST snapshots, then a few live ticker messages over the WebSocket."""

from __future__ import annotations

import queue

from _venue import venue

import kraken

with venue() as where, kraken.SpotClient(base_url=where.rest_url) as client:
    status = client.get_system_status()
    print("system status:", status["status"])

    ticker = client.get_ticker({"pair": "XBTUSD"})
    for pair, values in ticker.items():
        print(f"{pair}: last {values['c'][0]}, bid {values['b'][0]}, ask {values['a'][0]}")

    book = client.get_order_book({"pair": "XBTUSD", "count": 3})
    for pair, sides in book.items():
        print(f"{pair} best bids: {[level[0] for level in sides['bids']]}")
        print(f"{pair} best asks: {[level[0] for level in sides['asks']]}")

    # The same market, streamed. Handlers run on the client's thread: hand messages over.
    messages: queue.Queue[dict] = queue.Queue()
    with kraken.WebsocketClient(ws_url=where.ws_url) as ws:
        ws.on("message", lambda message: messages.put(message))
        ws.subscribe({"topic": "ticker", "payload": {"symbol": ["BTC/USD"]}}, "spotPublicV2")
        seen = 0
        while seen < 3:
            message = messages.get(timeout=10)
            if message.get("channel") != "ticker":
                continue  # status messages, heartbeats...
            data = message["data"][0]
            print(f"ticker {message['type']}: {data['symbol']} bid {data['bid']} ask {data['ask']}")
            seen += 1
