"""``lastfix serve``: run the language server over stdio (default) or TCP.

Nothing but protocol goes to stdout: logs go to stderr or ``--log-file`` (and to the client's output
panel as window/logMessage), and in stdio mode file descriptor 1 itself is pointed at stderr after the
server takes its own copy, so a stray print or a native library writing to fd 1 cannot corrupt the stream.
The exit status is the LSP one: 0 after ``shutdown`` then ``exit``, 1 for an ``exit`` without ``shutdown``
(and 0 when the client just closes stdin).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from lastfix.grammars.errors import InputError

__all__ = ["add_arguments", "run", "parse_tcp"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    parser.add_argument(
        "--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead, e.g. 127.0.0.1:2087"
    )
    parser.add_argument("--log-file", metavar="PATH", help="write the server log here instead of stderr")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="least severe log level written (default INFO)",
    )


def parse_tcp(value: str) -> tuple[str, int]:
    """HOST:PORT -> (host, port); InputError saying the expected form otherwise."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--tcp {value!r}: expected HOST:PORT, e.g. 127.0.0.1:2087")
    return host.strip("[]"), int(port)


def _configure_logging(args: argparse.Namespace) -> None:
    handler: logging.Handler
    if args.log_file:
        try:
            handler = logging.FileHandler(args.log_file, encoding="utf-8")
        except OSError as e:
            raise InputError(f"--log-file {args.log_file}: cannot open ({e.strerror})") from None
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(args.log_level)
    # pygls logs every message it sends at INFO: far too chatty unless the user asked for DEBUG.
    logging.getLogger("pygls").setLevel(logging.DEBUG if args.log_level == "DEBUG" else logging.WARNING)


def run(args: argparse.Namespace) -> int:
    tcp = parse_tcp(args.tcp) if args.tcp else None
    _configure_logging(args)

    from lastfix.server.client_ui import ClientLogHandler
    from lastfix.server.lsp_server import create_server

    server = create_server()
    logging.getLogger("lastfix.server").addHandler(ClientLogHandler(server.ui))
    if tcp is not None:
        logging.getLogger(__name__).info("lastfix serve listening on %s:%d", *tcp)
        server.start_tcp(*tcp)
        return server.exit_code
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server.start_io(sys.stdin.buffer, protocol_out)
    return server.exit_code  # LSP: 0 after shutdown then exit, 1 for an exit without shutdown
