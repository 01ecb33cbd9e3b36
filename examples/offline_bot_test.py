"""Test a trading bot offline: the fake exchange in memory, on a virtual clock, with faults.

No server, no sockets, no waiting: the fake answers each request in memory, and its
``VirtualClock`` only moves when the test moves it (retry backoff included). Run it directly
(``python examples/offline_bot_test.py``) or with pytest (``pytest examples/offline_bot_test.py``).
"""

from __future__ import annotations

from decimal import Decimal

import kraken
from kraken.testing.fake import FAKE_API_KEY, FAKE_API_SECRET, FakeKraken


class DipBuyer:
    """The bot under test: buys 0.01 BTC at the ask when it drops below ``threshold``."""

    def __init__(self, client: kraken.SpotClient, threshold: Decimal) -> None:
        self.client = client
        self.threshold = threshold
        self.order: str | None = None

    def step(self) -> str | None:
        """Look at the market once; place an order if it is cheap enough. Returns its txid."""
        if self.order is not None:
            return None  # one order at a time
        ask = Decimal(self.client.get_ticker({"pair": "XBTUSD"})["XXBTZUSD"]["a"][0])
        if ask > self.threshold:
            return None
        placed = self.client.submit_order(
            {
                "pair": "XBTUSD",
                "type": "buy",
                "ordertype": "limit",
                "volume": Decimal("0.01"),
                "price": ask,
                "cl_ord_id": self.client.generate_new_order_id(),
            }
        )
        self.order = placed["txid"][0]
        return self.order


def client_for(fake: FakeKraken) -> kraken.SpotClient:
    """A real SpotClient whose requests the fake answers in memory, on the fake's clock."""
    return kraken.SpotClient(
        api_key=FAKE_API_KEY,
        api_secret=FAKE_API_SECRET,
        transport=fake.transport(),
        clock=fake.clock,  # retry and rate-limit waits pass on the virtual clock, instantly
    )


def test_buys_when_the_ask_is_below_the_threshold() -> None:
    """A cheap market: the bot places a buy, and the exchange holds it."""
    fake = FakeKraken(seed=7)
    with client_for(fake) as client:
        txid = DipBuyer(client, threshold=Decimal("1000000")).step()
    assert txid is not None
    order = fake.order(txid)
    assert order is not None
    assert order["descr"]["type"] == "buy"


def test_does_nothing_above_the_threshold() -> None:
    """An expensive market: nothing is sent."""
    fake = FakeKraken(seed=7)
    with client_for(fake) as client:
        assert DipBuyer(client, threshold=Decimal("1")).step() is None
    assert fake.open_orders() == []


def test_places_one_order_at_a_time() -> None:
    """A second look, a minute later, places nothing more."""
    fake = FakeKraken(seed=7)
    with client_for(fake) as client:
        bot = DipBuyer(client, threshold=Decimal("1000000"))
        first = bot.step()
        fake.clock.advance(60)  # a minute of market moves, in no time
        assert bot.step() is None
    assert first is not None
    assert fake.nonces(FAKE_API_KEY)  # the fake checked every signature and nonce


def test_a_flaky_exchange_does_not_break_the_bot() -> None:
    """A failed market-data read is retried; the bot still trades."""
    fake = FakeKraken(seed=7)
    # The next ticker request fails with HTTP 500: a read is retried (after a backoff on the
    # virtual clock); a placement would never be.
    fake.faults.next_rest("http500", match="Ticker")
    with client_for(fake) as client:
        assert DipBuyer(client, threshold=Decimal("1000000")).step() is not None


def test_a_refusal_surfaces_as_a_typed_error() -> None:
    """Not enough money: Kraken's refusal arrives as InsufficientFundsError."""
    fake = FakeKraken(seed=7, balances={"ZUSD": "1"})  # far too little money
    refused: kraken.KrakenAPIError | None = None
    with client_for(fake) as client:
        try:
            DipBuyer(client, threshold=Decimal("1000000")).step()
        except kraken.InsufficientFundsError as error:
            refused = error
    assert refused is not None, "the order should have been refused"
    assert refused.code.startswith("EOrder:Insufficient")


if __name__ == "__main__":
    tests = [(name, test) for name, test in sorted(globals().items()) if name.startswith("test_")]
    for name, test in tests:
        test()
        print(f"ok  {name}")
    print(f"all {len(tests)} tests passed")
