"""The fake's spot account: balances, orders and simple fills against the walk's top of book.

One account is shared by every spot API key given to the fake (like several keys of one Kraken
user). Fills are deliberately simple: a marketable order (market, or a limit that crosses) fills
its whole volume at once at the best opposite price; a resting limit order fills whole, at its
own price, as soon as the walk's best opposite price reaches it. Fees are zero. Funds are checked
against balance minus what open orders hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kraken.testing.fake.ids import IdMaker
from kraken.testing.fake.market import ASSETS, Book, Instrument, find_instrument
from kraken.testing.fake.wire import decimal_text

__all__ = ["OrderEvent", "LedgerEntry", "SpotAccount", "SpotFill", "SpotOrder"]

DEFAULT_BALANCES = {"ZUSD": "100000", "XXBT": "10", "XETH": "100"}
_ZERO = Decimal(0)


@dataclass(slots=True)
class SpotFill:
    """One fill of one order."""

    trade_id: str
    txid: str
    instrument: Instrument
    side: str
    price: Decimal
    volume: Decimal
    time: float
    maker: bool

    @property
    def cost(self) -> Decimal:
        """Price times volume."""
        return self.price * self.volume


@dataclass(slots=True)
class SpotOrder:
    """One order and everything the REST and WebSocket replies show about it."""

    txid: str
    instrument: Instrument
    side: str
    ordertype: str
    volume: Decimal
    price: Decimal | None
    opentm: float
    userref: int | None = None
    cl_ord_id: str | None = None
    oflags: str = ""
    timeinforce: str = "GTC"
    status: str = "open"
    vol_exec: Decimal = _ZERO
    cost: Decimal = _ZERO
    closetm: float | None = None
    reason: str | None = None
    trades: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        """Volume not yet executed."""
        return self.volume - self.vol_exec

    @property
    def avg_price(self) -> Decimal:
        """Average fill price (0 before any fill)."""
        return self.cost / self.vol_exec if self.vol_exec else _ZERO

    def description(self) -> str:
        """Kraken's one-line ``descr.order`` text."""
        volume = decimal_text(self.volume, self.instrument.qty_decimals)
        where = "market" if self.price is None else f"limit {self.price_text()}"
        return f"{self.side} {volume} {self.instrument.altname} @ {where}"

    def price_text(self) -> str:
        """The limit price with the pair's decimals (``"0"`` for market orders)."""
        if self.price is None:
            return "0"
        return decimal_text(self.price, self.instrument.price_decimals)


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """Something happened to an order.

    ``exec_type`` is ``new``, ``trade`` (with ``fill``), ``filled`` or ``canceled``.
    """

    order: SpotOrder
    exec_type: str
    time: float
    fill: SpotFill | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A balance change (one per asset per fill)."""

    ledger_id: str
    ref_id: str
    time: float
    asset: str
    amount: Decimal
    balance: Decimal


Event = OrderEvent | LedgerEntry


class OrderRejected(Exception):
    """A request Kraken would refuse; ``error`` is Kraken's string."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _text(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _decimal(params: Mapping[str, object], name: str) -> Decimal | None:
    text = _text(params, name)
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise OrderRejected(f"EGeneral:Invalid arguments:{name}") from None
    if not number.is_finite():
        raise OrderRejected(f"EGeneral:Invalid arguments:{name}")
    return number


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class SpotAccount:
    """Balances (by REST asset code), orders by txid, and fills by trade id."""

    def __init__(self, balances: Mapping[str, object] | None, ids: IdMaker) -> None:
        self.balances: dict[str, Decimal] = {
            asset: Decimal(str(amount)) for asset, amount in (balances or DEFAULT_BALANCES).items()
        }
        self.orders: dict[str, SpotOrder] = {}
        self.fills: dict[str, SpotFill] = {}
        self.ids = ids

    # ------------------------------------------------------------------ reading

    def held(self, asset: str) -> Decimal:
        """What open orders hold of ``asset``."""
        total = _ZERO
        for order in self.orders.values():
            if order.status != "open":
                continue
            if order.side == "buy" and order.instrument.quote == asset and order.price:
                total += order.remaining * order.price
            elif order.side == "sell" and order.instrument.base == asset:
                total += order.remaining
        return total

    def available(self, asset: str) -> Decimal:
        """Balance minus holds."""
        return self.balances.get(asset, _ZERO) - self.held(asset)

    def balance_text(self, asset: str, amount: Decimal | None = None) -> str:
        """An amount with the asset's decimals, as REST ``Balance`` shows it."""
        value = self.balances.get(asset, _ZERO) if amount is None else amount
        places = ASSETS[asset].decimals if asset in ASSETS else 8
        return decimal_text(value, places)

    def find(self, reference: str) -> list[SpotOrder]:
        """Open orders matching a txid, a ``userref`` or a ``cl_ord_id``."""
        found = []
        for order in self.orders.values():
            if order.status != "open":
                continue
            if reference in (order.txid, order.cl_ord_id) or (
                reference.lstrip("-").isdigit() and order.userref == int(reference)
            ):
                found.append(order)
        return found

    # ------------------------------------------------------------------ trading

    def place(
        self, params: Mapping[str, object], now: float, books: Mapping[str, Book]
    ) -> tuple[SpotOrder, bool, list[Event]]:
        """Validate and place an order (REST ``AddOrder`` or WS ``add_order`` parameters).

        Returns ``(order, validated_only, events)``; raises :class:`OrderRejected`.
        """
        pair = _text(params, "pair") or _text(params, "symbol")
        if not pair:
            raise OrderRejected("EGeneral:Invalid arguments:pair")
        instrument = find_instrument(pair)
        if instrument is None:
            raise OrderRejected("EQuery:Unknown asset pair")
        side = _text(params, "type") or _text(params, "side")
        if side not in ("buy", "sell"):
            raise OrderRejected("EGeneral:Invalid arguments:type")
        ordertype = _text(params, "ordertype") or _text(params, "order_type")
        if ordertype not in ("market", "limit"):
            raise OrderRejected("EGeneral:Invalid arguments:ordertype")
        volume = _decimal(params, "volume")
        if volume is None:
            volume = _decimal(params, "order_qty")
        if volume is None or volume <= 0 or _decimals(volume) > instrument.qty_decimals:
            raise OrderRejected("EGeneral:Invalid arguments:volume")
        if volume < instrument.ordermin:
            raise OrderRejected("EOrder:Order minimum not met")
        price = _decimal(params, "price")
        if price is None:
            price = _decimal(params, "limit_price")
        if ordertype == "market":
            price = None
        elif price is None or price <= 0:
            raise OrderRejected("EGeneral:Invalid arguments:price")
        elif _decimals(price) > instrument.price_decimals:
            raise OrderRejected(
                f"EOrder:Invalid price:{instrument.altname} price can only be specified up to "
                f"{instrument.price_decimals} decimals."
            )
        book = books[instrument.symbol]
        best = book.price(book.best_ask() if side == "buy" else book.best_bid())
        marketable = price is None or (price >= best if side == "buy" else price <= best)
        reference_price = best if marketable else price
        assert reference_price is not None
        if reference_price * volume < instrument.costmin:
            raise OrderRejected("EOrder:Cost minimum not met")
        if side == "buy":
            needed, asset = reference_price * volume, instrument.quote
        else:
            needed, asset = volume, instrument.base
        if needed > self.available(asset):
            raise OrderRejected("EOrder:Insufficient funds")
        oflags = _text(params, "oflags") or ""
        post_only = "post" in oflags.split(",") or _text(params, "post_only") == "true"
        if post_only and marketable:
            raise OrderRejected("EOrder:Post only order")
        userref_text = _text(params, "userref") or _text(params, "order_userref")
        userref = int(userref_text) if userref_text and userref_text.lstrip("-").isdigit() else None
        order = SpotOrder(
            txid="" if _text(params, "validate") == "true" else self.ids.kraken("O"),
            instrument=instrument,
            side=side,
            ordertype=ordertype,
            volume=volume,
            price=price,
            opentm=now,
            userref=userref,
            cl_ord_id=_text(params, "cl_ord_id"),
            oflags=oflags,
            timeinforce=(
                _text(params, "timeinforce") or _text(params, "time_in_force") or "GTC"
            ).upper(),
        )
        if not order.txid:
            return order, True, []
        self.orders[order.txid] = order
        events: list[Event] = [OrderEvent(order, "new", now)]
        if marketable:
            events += self._fill(order, best, now, maker=False)
        elif order.timeinforce == "IOC":
            events += self._close(order, "canceled", now, "IOC order could not be filled")
        return order, False, events

    def cancel(self, reference: str, now: float) -> list[Event]:
        """Cancel the open orders matching ``reference``; [] when none matched."""
        events: list[Event] = []
        for order in self.find(reference):
            events += self._close(order, "canceled", now, "User requested")
        return events

    def cancel_all(self, now: float) -> list[Event]:
        """Cancel every open order."""
        events: list[Event] = []
        for order in list(self.orders.values()):
            if order.status == "open":
                events += self._close(order, "canceled", now, "User requested")
        return events

    def match_resting(self, now: float, books: Mapping[str, Book]) -> list[Event]:
        """Fill the resting limit orders the walk's top of book has reached."""
        events: list[Event] = []
        for order in list(self.orders.values()):
            if order.status != "open" or order.price is None:
                continue
            book = books[order.instrument.symbol]
            reached = (
                book.price(book.best_ask()) <= order.price
                if order.side == "buy"
                else book.price(book.best_bid()) >= order.price
            )
            if reached:
                events += self._fill(order, order.price, now, maker=True)
        return events

    def _fill(self, order: SpotOrder, price: Decimal, now: float, *, maker: bool) -> list[Event]:
        volume = order.remaining
        fill = SpotFill(
            self.ids.kraken("T"), order.txid, order.instrument, order.side, price, volume, now,
            maker,
        )  # fmt: skip
        self.fills[fill.trade_id] = fill
        order.vol_exec += volume
        order.cost += fill.cost
        order.trades.append(fill.trade_id)
        instrument = order.instrument
        sign = 1 if order.side == "buy" else -1
        events: list[Event] = [OrderEvent(order, "trade", now, fill)]
        for asset, amount in (
            (instrument.base, sign * volume),
            (instrument.quote, -sign * fill.cost),
        ):
            self.balances[asset] = self.balances.get(asset, _ZERO) + amount
            events.append(
                LedgerEntry(
                    self.ids.kraken("L"), fill.trade_id, now, asset, amount, self.balances[asset]
                )
            )
        events += self._close(order, "closed", now, None)
        return events

    def _close(self, order: SpotOrder, status: str, now: float, reason: str | None) -> list[Event]:
        order.status = status
        order.closetm = now
        order.reason = reason
        return [OrderEvent(order, "filled" if status == "closed" else "canceled", now)]
