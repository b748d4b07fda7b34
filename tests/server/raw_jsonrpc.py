"""A raw JSON-RPC-over-stdio client for tests that must send what no LSP library would (malformed input).

It also checks the stream: every byte the server writes to stdout must be a well-framed JSON message.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from typing import Any

from tests.server.lsp_support import REPO, SERVER_COMMAND

__all__ = ["RawServer"]


class RawServer:
    """The real server process; ``send`` writes frames, ``response(id)`` waits for the answer to one."""

    def __init__(self, extra_args: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            SERVER_COMMAND + (extra_args or []),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.stream_errors: list[str] = []
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, sep, value = line.decode("ascii", "replace").partition(":")
                if not sep:
                    self.stream_errors.append(f"not a header line: {line[:80]!r}")
                    continue
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers.get("content-length", "0")))
            try:
                message = json.loads(body)
            except json.JSONDecodeError as e:
                self.stream_errors.append(f"body is not JSON ({e}): {body[:80]!r}")
                continue
            self.seen.append(message)
            if message.get("method") == "window/workDoneProgress/create" and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            self.messages.put(message)

    def send_bytes(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_bytes(json.dumps(message).encode("utf-8"))

    def request(self, msg_id: Any, method: str, params: Any = None) -> dict[str, Any]:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(msg_id)

    def response(self, msg_id: Any, timeout: float = 15.0) -> dict[str, Any]:
        """The response carrying ``msg_id`` (messages before it stay in ``seen``)."""
        deadline = time.monotonic() + timeout
        for m in self.seen:
            if "method" not in m and m.get("id", object()) == msg_id:
                return m
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no response to id {msg_id!r} within {timeout}s; stderr: {self.stderr[-2000:]!r}"
                )
            try:
                m = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if "method" not in m and m.get("id", object()) == msg_id:
                return m

    def initialize(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self.request(
            0,
            "initialize",
            {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options or {}},
        )
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        return result

    def close(self) -> int:
        try:
            self.request("bye", "shutdown")
            self.send({"jsonrpc": "2.0", "method": "exit"})
            return self.proc.wait(timeout=15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
