"""WebsocketAPIClient / AsyncWebsocketAPIClient: Spot trading over WS v2 on a loopback server."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import kraken
from kraken.clients._async.ws_api import AsyncWebsocketAPIClient
from kraken.clients._sync.ws_api import WebsocketAPIClient
from kraken.core.errors import OrderOutcomeUnknownError
from kraken.core.rest.values import Request, Response
from kraken.testing.memory import AsyncMemoryTransport, MemoryTransport
from kraken.testing.ws_server import LoopbackWsServer
from kraken.testing.ws_stub import KrakenWsStub

pytestmark = pytest.mark.loopback

API_KEY = "ws-api-key"
API_SECRET = base64.b64encode(bytes(range(64))).decode()
ORDER = {
    "order_type": "limit",
    "side": "buy",
    "symbol": "BTC/USD",
    "order_qty": Decimal("0.10"),
    "limit_price": Decimal("37500.1"),
    "cl_ord_id": "a" * 32,
}


def rest_handler(stub: KrakenWsStub, orders: dict[str, Any] | None = None) -> Any:
    def handler(request: Request) -> Response:
        if request.url.endswith("/GetWebSocketsToken"):
            stub.tokens.add("tok-api")
            result: Any = {"token": "tok-api", "expires": 900}
        elif request.url.endswith("/OpenOrders"):
            result = {"open": orders or {}}
        else:
            result = {"closed": {}, "count": 0}
        return Response(200, {}, json.dumps({"error": [], "result": result}).encode())

    return handler


@pytest.fixture
def stub() -> KrakenWsStub:
    return KrakenWsStub()


@pytest.fixture
def server(stub: KrakenWsStub) -> Iterator[LoopbackWsServer]:
    with LoopbackWsServer(stub.handler) as running:
        yield running


def sync_client(stub: KrakenWsStub, server: LoopbackWsServer, **options: Any) -> WebsocketAPIClient:
    rest = kraken.SpotClient(
        api_key=API_KEY, api_secret=API_SECRET, transport=MemoryTransport(rest_handler(stub))
    )
    return WebsocketAPIClient(
        api_key=API_KEY,
        api_secret=API_SECRET,
        rest_client=rest,
        ws_url=server.url + "/v2",
        **options,
    )


def test_orders_are_sent_with_exact_numbers_and_correlated(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    api = sync_client(stub, server)
    reply = api.submit_spot_order(ORDER)
    assert reply["success"] is True
    assert reply["result"]["cl_ord_id"] == "a" * 32
    wire = next(m for m in stub.received if m.get("method") == "add_order")
    assert wire["params"]["token"] == "tok-api"
    text = next(t for t in stub.received_text if '"add_order"' in t)
    assert '"order_qty":0.10,' in text  # the Decimal's digits, as a JSON number
    assert '"limit_price":37500.1,' in text
    replies = api.cancel_spot_order({"order_id": ["O1", "O2"]})
    assert [r["result"]["order_id"] for r in replies] == ["O1", "O2"]
    assert api.cancel_all_spot_orders_after({"timeout": 60})["success"] is True
    api.get_ws_client().close_all()


def test_success_false_raises_the_rest_error_tree(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    api = sync_client(stub, server)
    stub.trading_mode = "reject:EOrder:Insufficient funds"
    with pytest.raises(kraken.InsufficientFundsError):
        api.submit_spot_order(ORDER)
    api.get_ws_client().close_all()


def test_bad_input_fails_before_anything_is_sent(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    api = sync_client(stub, server)
    with pytest.raises(kraken.KrakenUsageError, match="order_type"):
        api.submit_spot_order({"side": "buy", "symbol": "BTC/USD"})
    with pytest.raises(kraken.KrakenUsageError, match="2 to 15"):
        api.batch_submit_spot_orders({"symbol": "BTC/USD", "orders": [ORDER]})
    with pytest.raises(kraken.KrakenUsageError, match="exclude each other"):
        api.submit_spot_order({**ORDER, "order_userref": 1})
    assert stub.connections == 0


def test_a_drop_mid_request_is_an_unknown_outcome_never_resent(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    api = sync_client(stub, server)
    api.connect_ws_api()
    stub.trading_mode = "drop"
    with pytest.raises(OrderOutcomeUnknownError, match="not re-sent") as info:
        api.submit_spot_order(ORDER)
    assert info.value.request["cl_ord_id"] == "a" * 32  # type: ignore[index]
    adds = [m for m in stub.received if m.get("method") == "add_order"]
    assert len(adds) == 1
    api.get_ws_client().close_all()


def test_no_reply_in_time_is_an_unknown_outcome(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    api = sync_client(stub, server, request_timeout=0.3)
    stub.trading_mode = "silent"
    with pytest.raises(OrderOutcomeUnknownError, match="reconcile by cl_ord_id"):
        api.submit_spot_order(ORDER)
    api.get_ws_client().close_all()


def test_reconcile_finds_the_order_by_cl_ord_id(
    stub: KrakenWsStub, server: LoopbackWsServer
) -> None:
    orders = {"OABC-1": {"cl_ord_id": "a" * 32, "status": "open"}}
    rest = kraken.SpotClient(
        api_key=API_KEY,
        api_secret=API_SECRET,
        transport=MemoryTransport(rest_handler(stub, orders)),
    )
    api = WebsocketAPIClient(
        api_key=API_KEY, api_secret=API_SECRET, rest_client=rest, ws_url=server.url + "/v2"
    )
    assert api.reconcile_order("a" * 32) == {
        "txid": "OABC-1",
        "cl_ord_id": "a" * 32,
        "status": "open",
    }
    assert api.reconcile_order("b" * 32) is None


def test_only_spot_private_keys_trade() -> None:
    with pytest.raises(kraken.KrakenUsageError, match="spotPrivateV2"):
        WebsocketAPIClient(api_key=API_KEY, api_secret=API_SECRET, ws_key="spotPublicV2")


@pytest.mark.anyio
async def test_async_trading_and_drop(stub: KrakenWsStub, server: LoopbackWsServer) -> None:
    rest = kraken.AsyncSpotClient(
        api_key=API_KEY, api_secret=API_SECRET, transport=AsyncMemoryTransport(rest_handler(stub))
    )
    async with AsyncWebsocketAPIClient(
        api_key=API_KEY, api_secret=API_SECRET, rest_client=rest, ws_url=server.url + "/v2"
    ) as api:
        reply = await api.submit_spot_order(ORDER)
        assert reply["result"]["order_id"].endswith("-STUB")
        amended = await api.amend_spot_order({"cl_ord_id": "a" * 32, "order_qty": Decimal("0.2")})
        assert amended["success"] is True
        stub.trading_mode = "drop"
        with pytest.raises(OrderOutcomeUnknownError):
            await api.batch_submit_spot_orders({"symbol": "BTC/USD", "orders": [ORDER, ORDER]})
