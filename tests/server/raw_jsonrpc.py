"""A raw JSON-RPC-over-stdio client for tests that must send what no LSP library would (malformed input).

It also checks the stream: every byte the server writes to stdout must be a well-framed JSON message.
Requests from the server are answered at once from ``answers`` (method -> result); any other request is
left for the test to answer, when it likes, with :meth:`RawServer.answer`.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from tests.server.lsp_support import REPO, SERVER_COMMAND

__all__ = ["RawServer", "rss_mb"]

_ANSWERED_AT_ONCE: Mapping[str, Any] = {"window/workDoneProgress/create": None}


def rss_mb(pid: int) -> float:
    """The resident set size of a process, in MB (VmRSS of /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class RawServer:
    """The real server process; ``send`` writes frames, ``response(id)`` waits for the answer to one."""

    def __init__(
        self, extra_args: list[str] | None = None, answers: Mapping[str, Any] = _ANSWERED_AT_ONCE
    ) -> None:
        self.proc = subprocess.Popen(
            SERVER_COMMAND + (extra_args or []),
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.answers = dict(answers)
        self.seen: list[dict[str, Any]] = []
        self.stream_errors: list[str] = []
        self.stderr = b""
        self._stdin_lock = threading.Lock()
        self._stdout_ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()

    def _read(self) -> None:
        try:
            self._read_frames()
        finally:
            self._stdout_ended.set()

    def _read_frames(self) -> None:
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
            if message.get("method") in self.answers and "id" in message:
                self.answer(message["id"], self.answers[message["method"]])

    # ----- sending ------------------------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        """Bytes as they are: no framing added (for broken frames)."""
        assert self.proc.stdin is not None
        with self._stdin_lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send_bytes(self, body: bytes) -> None:
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: Any) -> None:
        self.send_bytes(json.dumps(message).encode("utf-8"))

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def request(self, msg_id: Any, method: str, params: Any = None, timeout: float = 15.0) -> dict[str, Any]:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(msg_id, timeout)

    def answer(self, msg_id: Any, result: Any) -> None:
        """Answer a request the server sent."""
        self.send({"jsonrpc": "2.0", "id": msg_id, "result": result})

    # ----- receiving ----------------------------------------------------------------------------

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], what: str, timeout: float = 15.0
    ) -> dict[str, Any]:
        """The first message from the server (so far or to come) that ``predicate`` accepts."""
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            seen = self.seen[:]  # appended by the reader thread
            for m in seen[checked:]:
                if predicate(m):
                    return m
            checked = len(seen)
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout}s; stderr: {self.stderr[-2000:]!r}")
            if self._stdout_ended.is_set() and len(self.seen) == checked:
                raise AssertionError(f"no {what}: the server closed stdout; stderr: {self.stderr[-2000:]!r}")
            time.sleep(0.005)

    def response(self, msg_id: Any, timeout: float = 15.0) -> dict[str, Any]:
        """The first response carrying ``msg_id`` (messages before it stay in ``seen``)."""
        return self.wait_for(
            lambda m: "method" not in m and m.get("id", object()) == msg_id,
            f"response to id {msg_id!r}",
            timeout,
        )

    def server_request(self, method: str, timeout: float = 15.0) -> dict[str, Any]:
        """The first request the server sent with ``method``."""
        return self.wait_for(lambda m: m.get("method") == method and "id" in m, f"{method} request", timeout)

    def errors_with_null_id(self) -> list[dict[str, Any]]:
        return [m["error"] for m in self.seen[:] if "method" not in m and m.get("id", 0) is None]

    def log_text(self) -> str:
        """Every window/logMessage and window/showMessage the server sent, one a line."""
        return "\n".join(
            m["params"]["message"]
            for m in self.seen[:]
            if m.get("method") in ("window/logMessage", "window/showMessage")
        )

    # ----- lifecycle ----------------------------------------------------------------------------

    def initialize(
        self, options: dict[str, Any] | None = None, capabilities: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        result = self.request(
            0,
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": capabilities or {},
                "initializationOptions": options or {},
            },
        )
        self.notify("initialized", {})
        return result

    def final_stderr(self, timeout: float = 15.0) -> str:
        """Everything the server wrote to stderr, once it has exited."""
        self.proc.wait(timeout=timeout)
        self._stderr_thread.join(timeout)
        return self.stderr.decode("utf-8", "replace")

    def exit_code(self, timeout: float = 15.0) -> int:
        """The server's exit status, once it has exited."""
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()

    def close(self) -> int:
        try:
            self.request("bye", "shutdown")
            self.notify("exit")
            return self.proc.wait(timeout=15)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
