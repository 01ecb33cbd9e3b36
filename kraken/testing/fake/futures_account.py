"""The fake's futures account: USD collateral, orders, positions and simple fills.

Every futures key shares one account. As on the spot side, fills are simple: ``mkt``, ``ioc``
and crossing ``lmt`` orders fill whole at the best opposite price; resting ``lmt``/``post``
orders fill whole at their price once the walk reaches it. Positions net per symbol; fees are
zero, and unrealised profit uses the best bid/ask mid as the mark price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kraken.testing.fake.ids import IdMaker
from kraken.testing.fake.market import FUTURES_PRODUCTS, Book, FuturesProduct
from kraken.testing.fake.wire import iso_millis

__all__ = ["FuturesAccount", "FuturesOrder"]

_ZERO = Decimal(0)
_PRODUCTS = {product.symbol.upper(): product for product in FUTURES_PRODUCTS}


@dataclass(slots=True)
class FuturesOrder:
    """One futures order."""

    order_id: str
    product: FuturesProduct
    side: str
    order_type: str
    size: Decimal
    limit_price: Decimal | None
    received: float
    cli_ord_id: str | None = None
    filled: Decimal = _ZERO
    status: str = "open"
    fills: list[dict[str, object]] = field(default_factory=list)

    def as_json(self, now: float) -> dict[str, object]:
        """The order as ``openorders`` and ``orderEvents`` show it."""
        return {
            "order_id": self.order_id,
            "cliOrdId": self.cli_ord_id,
            "symbol": self.product.symbol,
            "side": self.side,
            "orderType": self.order_type,
            "limitPrice": self.limit_price,
            "unfilledSize": self.size - self.filled,
            "filledSize": self.filled,
            "receivedTime": iso_millis(self.received),
            "status": "untouched" if not self.filled else "partiallyFilled",
            "lastUpdateTime": iso_millis(now),
            "reduceOnly": False,
        }


class FuturesAccount:
    """USD collateral, orders by id and positions by symbol."""

    def __init__(self, collateral: Decimal, ids: IdMaker) -> None:
        self.collateral = collateral
        self.orders: dict[str, FuturesOrder] = {}
        self.positions: dict[str, tuple[Decimal, Decimal]] = {}  # symbol -> (size, avg price)
        self.ids = ids

    @staticmethod
    def product(symbol: str) -> FuturesProduct | None:
        """The product called ``symbol`` (case-insensitive)."""
        return _PRODUCTS.get(symbol.upper())

    def send(
        self, params: Mapping[str, str], now: float, books: Mapping[str, Book]
    ) -> dict[str, object]:
        """``sendorder``: the ``sendStatus`` object (``status`` says what happened)."""
        product = self.product(params.get("symbol", ""))
        side = params.get("side")
        order_type = params.get("orderType", "")
        try:
            size = Decimal(params.get("size", ""))
            limit = Decimal(params["limitPrice"]) if "limitPrice" in params else None
        except InvalidOperation:
            return {"status": "invalidSize", "receivedTime": iso_millis(now)}
        if product is None or side not in ("buy", "sell"):
            return {"status": "invalidArgument", "receivedTime": iso_millis(now)}
        if order_type not in ("lmt", "post", "mkt", "ioc") or not size > 0:
            return {"status": "invalidSize", "receivedTime": iso_millis(now)}
        if order_type != "mkt" and (limit is None or not limit > 0):
            return {"status": "invalidPrice", "receivedTime": iso_millis(now)}
        book = books[product.symbol]
        best = book.price(book.best_ask() if side == "buy" else book.best_bid())
        crosses = order_type == "mkt" or (
            limit is not None and (limit >= best if side == "buy" else limit <= best)
        )
        if order_type == "post" and crosses:
            return {"status": "postWouldExecute", "receivedTime": iso_millis(now)}
        if order_type == "ioc" and not crosses:
            return {"status": "iocWouldNotExecute", "receivedTime": iso_millis(now)}
        order = FuturesOrder(
            self.ids.uuid(), product, side, order_type, size,
            None if order_type == "mkt" else limit, now, params.get("cliOrdId"),
        )  # fmt: skip
        events: list[dict[str, object]] = [{"type": "PLACE", "order": order.as_json(now)}]
        self.orders[order.order_id] = order
        if crosses:
            events.append(self._fill(order, best, now))
        return {
            "order_id": order.order_id,
            "status": "placed",
            "receivedTime": iso_millis(now),
            "orderEvents": events,
            **({"cliOrdId": order.cli_ord_id} if order.cli_ord_id else {}),
        }

    def cancel(self, order_id: str | None, cli_ord_id: str | None, now: float) -> dict[str, object]:
        """``cancelorder``: the ``cancelStatus`` object."""
        for order in self.orders.values():
            if order.status == "open" and (
                (order_id and order.order_id == order_id)
                or (cli_ord_id and order.cli_ord_id == cli_ord_id)
            ):
                order.status = "cancelled"
                return {
                    "status": "cancelled",
                    "order_id": order.order_id,
                    "receivedTime": iso_millis(now),
                    "orderEvents": [{"type": "CANCEL", "uid": order.order_id}],
                }
        return {"status": "notFound", "receivedTime": iso_millis(now)}

    def cancel_all(self, now: float) -> dict[str, object]:
        """``cancelallorders``: the ``cancelStatus`` object."""
        cancelled = []
        for order in self.orders.values():
            if order.status == "open":
                order.status = "cancelled"
                cancelled.append({"order_id": order.order_id})
        return {
            "status": "cancelled" if cancelled else "noOrdersToCancel",
            "cancelledOrders": cancelled,
            "receivedTime": iso_millis(now),
        }

    def match_resting(self, now: float, books: Mapping[str, Book]) -> list[dict[str, object]]:
        """Fill resting orders the walk reached; return the fills."""
        fills = []
        for order in list(self.orders.values()):
            if order.status != "open" or order.limit_price is None:
                continue
            book = books[order.product.symbol]
            if (order.side == "buy" and book.price(book.best_ask()) <= order.limit_price) or (
                order.side == "sell" and book.price(book.best_bid()) >= order.limit_price
            ):
                fills.append(self._fill(order, order.limit_price, now))
        return fills

    def _fill(self, order: FuturesOrder, price: Decimal, now: float) -> dict[str, object]:
        size = order.size - order.filled
        order.filled = order.size
        order.status = "filled"
        signed = size if order.side == "buy" else -size
        held, average = self.positions.get(order.product.symbol, (_ZERO, _ZERO))
        total = held + signed
        if total == 0:
            self.positions.pop(order.product.symbol, None)
        else:
            if held == 0 or (held > 0) == (signed > 0):
                average = (held * average + signed * price) / total
            elif (held > 0) != (total > 0):
                average = price  # the position flipped side
            self.positions[order.product.symbol] = (total, average)
        fill = {
            "type": "EXECUTION",
            "executionId": self.ids.uuid(),
            "price": price,
            "amount": size,
            "order_id": order.order_id,
            "symbol": order.product.symbol,
            "side": order.side,
            "fillTime": iso_millis(now),
        }
        order.fills.append(fill)
        return fill

    def mark(self, symbol: str, books: Mapping[str, Book]) -> Decimal:
        """Mid of the best bid and ask."""
        book = books[symbol]
        return (book.price(book.best_bid()) + book.price(book.best_ask())) / 2

    def unrealised(self, books: Mapping[str, Book]) -> Decimal:
        """Profit or loss of every open position at the mark price."""
        return sum(
            (size * (self.mark(symbol, books) - average)
             for symbol, (size, average) in self.positions.items()),
            _ZERO,
        )  # fmt: skip
