"""Private streams (executions, balances) that survive a dropped connection.

Every lifecycle event is printed. On the local fake exchange the example cuts the connection
once: the client reconnects, fetches a fresh token and restores both subscriptions by itself.
"""

from __future__ import annotations

import queue
import time
from decimal import Decimal

from _venue import venue

import kraken

events: queue.Queue[tuple[str, dict]] = queue.Queue()


def show(event: str, data: dict) -> None:
    """One line per event; private messages summarised."""
    if event != "message":
        print(f"  {event}: { {k: v for k, v in data.items() if k != 'wsKey'} }")
    elif data.get("channel") == "executions":
        for report in data["data"]:
            print(f"  execution: {report['exec_type']} {report['order_id']}")
    elif data.get("channel") == "balances":
        for balance in data["data"]:
            print(f"  balance: {balance['asset']} {balance['balance']}")


def wait_for(name: str, order: tuple[str, str] | None = None, timeout: float = 15.0) -> None:
    """Print events until one called ``name`` arrives (an execution ``order``, if given)."""
    deadline = time.monotonic() + timeout
    while True:
        event, data = events.get(timeout=max(0.01, deadline - time.monotonic()))
        show(event, data)
        if event != name:
            continue
        if order is None:
            return
        if data.get("channel") == "executions" and any(
            (report.get("exec_type"), report.get("order_id")) == order for report in data["data"]
        ):
            return


with venue() as where:
    rest = kraken.SpotClient(
        api_key=where.api_key, api_secret=where.api_secret, base_url=where.rest_url
    )
    ws = kraken.WebsocketClient(
        api_key=where.api_key,
        api_secret=where.api_secret,
        ws_url=where.ws_auth_url,
        rest_client=rest,  # fetches the WebSocket tokens (GetWebSocketsToken)
    )
    for name in ("open", "authenticated", "message", "reconnecting", "reconnected", "exception"):
        ws.on(name, lambda data, name=name: events.put((name, data)))

    with rest, ws:
        ws.subscribe([{"topic": "executions", "payload": {"snap_orders": True}}], "spotPrivateV2")
        ws.subscribe("balances", "spotPrivateV2")
        wait_for("authenticated")

        def buy(price: str) -> str:
            """Place a resting limit buy over REST; returns its txid."""
            order = {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "volume": "0.01"}
            return rest.submit_order({**order, "price": Decimal(price)})["txid"][0]

        print("placing an order: its execution report arrives on the stream")
        first = buy("20000.0")
        wait_for("message", order=("new", first))

        if where.fake is not None:
            print("cutting the connection (as a network failure would)")
            where.fake.faults.ws("drop")
            wait_for("reconnecting")
            wait_for("reconnected")
            wait_for("authenticated")  # a fresh token, then both subscriptions again
            print("placing another order after the reconnect")
            second = buy("20000.1")
            wait_for("message", order=("new", second))
        rest.cancel_all_orders()
        wait_for("message", order=("canceled", first))
        print("done: every subscription came back after the drop")
