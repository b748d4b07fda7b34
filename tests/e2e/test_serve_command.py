"""``lastfix serve``: stdio by default, ``--tcp HOST:PORT``, ``--log-file``; a bad address is an error."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from lastfix.cli.serve import parse_tcp
from tests.server.lsp_support import REPO

pytestmark = pytest.mark.slow


def test_parse_tcp():
    assert parse_tcp("127.0.0.1:2087") == ("127.0.0.1", 2087)
    assert parse_tcp("[::1]:2087") == ("::1", 2087)
    for bad in ("2087", "host:", "host:port", "host:70000"):
        with pytest.raises(Exception, match="expected HOST:PORT"):
            parse_tcp(bad)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read_message(sock: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(4096)
    return json.loads(body[:length])


def test_tcp_server_answers_initialize_and_logs_to_the_file(tmp_path):
    port, log = _free_port(), tmp_path / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lastfix", "serve", "--tcp", f"127.0.0.1:{port}", "--log-file", str(log)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=20)
                break
            except OSError:
                assert time.monotonic() < deadline, "the TCP server never listened"
                time.sleep(0.1)
        with sock:
            body = json.dumps(
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
            )
            sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body.encode())
            reply = _read_message(sock)
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "lastfix"
        assert "listening on 127.0.0.1" in log.read_text()
    finally:
        proc.kill()
        out, _ = proc.communicate(timeout=20)
    assert out == b""  # nothing on stdout in TCP mode either


def test_bad_address_is_a_clear_error():
    proc = subprocess.run(
        [sys.executable, "-m", "lastfix", "serve", "--tcp", "nowhere"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "expected HOST:PORT" in proc.stderr and proc.stdout == ""
