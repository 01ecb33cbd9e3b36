"""The ``kraken`` command: argument parsing, dispatch, and one exit code per kind of failure.

Exit codes: 0 success; 2 usage error (bad arguments, :class:`~kraken.KrakenUsageError`, missing
credentials); 3 Kraken refused (:class:`~kraken.KrakenAPIError`); 4 transport error (no valid
reply, connection failed or lost for good, cassette miss); 130 interrupted (Ctrl-C). Errors are
one human line on stderr; credentials never appear in any output.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from kraken._version import __version__
from kraken.cli.output import Output

__all__ = [
    "EXIT_API",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TRANSPORT",
    "EXIT_USAGE",
    "build_parser",
    "main",
]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_API = 3
EXIT_TRANSPORT = 4
EXIT_INTERRUPTED = 130

_EPILOG = """\
credentials: KRAKEN_API_KEY / KRAKEN_API_SECRET (Spot, Institutional, Partner, Affiliate and
Spot/Unified private WebSockets), KRAKEN_FUTURES_API_KEY / KRAKEN_FUTURES_API_SECRET (Futures),
from the environment or --env-file. They are never printed.

exit codes: 0 ok, 2 usage error, 3 Kraken refused the request, 4 transport error,
130 interrupted.

examples:
  kraken call spot get_ticker pair=XBTUSD
  kraken call futures get_tickers --json
  kraken stream ticker BTC/USD --count 5
  kraken book BTC/USD --depth 25
  kraken fake-exchange
"""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (``kraken: error: ...``) plus the usage, exit code 2."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"kraken: error: {message}\n")


def _common(*, top: bool) -> _Parser:
    """Options accepted before or after the subcommand (``kraken --json call ...`` or after)."""
    parent = _Parser(add_help=False)
    default: Any = False if top else argparse.SUPPRESS
    parent.add_argument(
        "--json",
        action="store_true",
        default=default,
        help="machine-readable JSON on stdout (exact decimals as strings)",
    )
    parent.add_argument(
        "--env-file",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="read credentials from this .env file (the environment wins)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kraken`` and its subcommands."""
    from kraken.cli.book import DEPTHS
    from kraken.cli.call import PRODUCTS

    common = _common(top=False)
    parser = _Parser(
        prog="kraken",
        description="Call Kraken's APIs, stream WebSockets, watch an order book, run a fake "
        "exchange.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"kraken {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    call = commands.add_parser(
        "call",
        parents=[common],
        help="call any REST method by name",
        description="Call any REST method by name. Without METHOD, list the product's methods.",
        epilog="params: key=value sends a string; key:=JSON sends a JSON value (numbers exact).\n"
        "example: kraken call spot get_order_book pair=XBTUSD count:=10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    call.add_argument("product", metavar="PRODUCT", help=f"one of: {', '.join(PRODUCTS)}")
    call.add_argument("method", metavar="METHOD", nargs="?", help="e.g. get_ticker")
    call.add_argument("params", metavar="key=value", nargs="*", help="parameters")
    call.add_argument(
        "--params", dest="params_json", metavar="JSON", help="parameters as a JSON object"
    )
    call.add_argument("--base-url", metavar="URL", help="another host (a local fake exchange)")
    call.add_argument("--replay", metavar="CASSETTE", help="answer from a recorded cassette")
    call.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    call.add_argument("--strict", action="store_true", help="refuse unknown parameters")
    call.add_argument(
        "--retries",
        type=int,
        metavar="N",
        help="retries of a failed read (default 2; placements are never retried)",
    )

    stream = commands.add_parser(
        "stream",
        parents=[common],
        help="print a WebSocket channel's messages",
        description="Subscribe to TOPIC and print its messages until --count, --duration or "
        "Ctrl-C.",
    )
    stream.add_argument("topic", metavar="TOPIC", help="ticker, book, trade, ohlc, executions...")
    stream.add_argument("symbols", metavar="SYMBOL", nargs="*", help="e.g. BTC/USD (PF_XBTUSD)")
    _ws_options(stream)
    stream.add_argument("--count", type=int, help="stop after N messages")
    stream.add_argument("--payload", metavar="JSON", help="extra subscription fields")
    stream.add_argument(
        "--all", action="store_true", help="print every message (status, heartbeats too)"
    )

    book = commands.add_parser(
        "book",
        parents=[common],
        help="a live, checksum-verified order book",
        description="Draw SYMBOL's L2 book, verifying Kraken's CRC32 on every update.",
    )
    book.add_argument("symbol", metavar="SYMBOL", help="e.g. BTC/USD")
    book.add_argument("--depth", type=int, default=10, choices=DEPTHS, help="subscribed depth")
    book.add_argument("--rows", type=int, default=15, help="levels drawn per side (default 15)")
    book.add_argument("--updates", type=int, help="stop after N verified updates")
    _ws_options(book)

    fake = commands.add_parser(
        "fake-exchange",
        parents=[common],
        help="run the fake exchange on loopback",
        description="Start the fake Kraken exchange on 127.0.0.1 and print its URLs and demo "
        "credentials; Ctrl-C stops it.",
    )
    fake.add_argument("--duration", type=float, help="stop after this many seconds")
    fake.add_argument("--seed", type=int, default=None, help="seed of the simulated market")

    commands.add_parser(
        "demo",
        parents=[common],
        help="the offline demo (signed calls against a local server)",
        description="Run the README's offline demo.",
    )
    return parser


def _ws_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--key", default="spotPublicV2", help="WebSocket key (spotPublicV2)")
    parser.add_argument("--ws-url", metavar="URL", help="another URL (a local fake exchange)")
    parser.add_argument(
        "--base-url", metavar="URL", help="REST host for the WebSocket token (private keys)"
    )
    parser.add_argument("--replay", metavar="TRANSCRIPT", help="play a recorded WS transcript")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")


def _is_param(item: str) -> bool:
    return "=" in item and not item.startswith("-")


def _run(args: argparse.Namespace, out: Output, environ: Mapping[str, str]) -> int:
    runner: Callable[[argparse.Namespace, Output, Mapping[str, str]], int]
    if args.command == "call":
        from kraken.cli.call import run_call

        runner = run_call
    elif args.command == "stream":
        from kraken.cli.stream import run_stream

        runner = run_stream
    elif args.command == "book":
        from kraken.cli.book import run_book

        runner = run_book
    elif args.command == "fake-exchange":
        from kraken.cli.fake import run_fake_exchange

        runner = run_fake_exchange
    else:
        from kraken.cli.fake import run_demo

        runner = run_demo
    return runner(args, out, environ)


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``kraken`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    from kraken.core.errors import (
        KrakenAPIError,
        KrakenError,
        KrakenTransportError,
        KrakenUsageError,
    )

    out = Output(stdout=stdout, stderr=stderr)
    env = dict(os.environ if environ is None else environ)
    # Whatever happens next, these values never leave the process in any output.
    out.add_secrets(
        env.get(name, "")
        for name in (
            "KRAKEN_API_KEY",
            "KRAKEN_API_SECRET",
            "KRAKEN_FUTURES_API_KEY",
            "KRAKEN_FUTURES_API_SECRET",
        )
    )
    try:
        old_out, old_err = sys.stdout, sys.stderr
        if stdout is not None:
            sys.stdout = stdout
        if stderr is not None:
            sys.stderr = stderr
        try:
            parser = build_parser()
            args, extra = parser.parse_known_args(argv)
            if extra and args.command == "call" and all(_is_param(item) for item in extra):
                # key=value items after an option (argparse stops the positionals there).
                args.params = [*args.params, *extra]
            elif extra:
                parser.error(f"unrecognized arguments: {' '.join(extra)}")
        finally:
            sys.stdout, sys.stderr = old_out, old_err
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_USAGE
    out.json_mode = bool(args.json)
    try:
        args.env_values = None
        if args.env_file is not None:
            from kraken.cli.env import load_env_file

            args.env_values = load_env_file(args.env_file)
            out.add_secrets(
                value for name, value in args.env_values.items() if name.startswith("KRAKEN_")
            )
        return _run(args, out, env)
    except KeyboardInterrupt:
        out.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (`kraken stream ... | head`): that is its choice, not a
        # failure. Point stdout at devnull so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # a test's StringIO has no file descriptor
            pass
        finally:
            os.close(devnull)
        return EXIT_OK
    except KrakenUsageError as error:
        out.error(str(error))
        return EXIT_USAGE
    except KrakenAPIError as error:
        out.error(str(error))
        return EXIT_API
    except KrakenTransportError as error:
        out.error(str(error))
        return EXIT_TRANSPORT
    except KrakenError as error:  # pragma: no cover - every KrakenError is one of the above
        out.error(str(error))
        return EXIT_TRANSPORT
