"""Purpose-built misbehaving servers on loopback for the fault tests: plain sockets, each scripted by one function.

``RawServer(behaviour)`` listens on 127.0.0.1 (an OS-assigned port) and calls ``behaviour(conn)`` in a thread for every
accepted connection; ``tls=(certfile, keyfile)`` wraps the listening socket in TLS. ``stop()`` closes the listener and
every connection still open, so a behaviour that waits forever ends with the test.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from typing import Callable


class RawServer:
    def __init__(self, behaviour: Callable[[socket.socket], None], tls: tuple[str, str] | None = None) -> None:
        self.behaviour = behaviour
        self.stopped = threading.Event()
        self.connections: list[socket.socket] = []
        self.accepted = 0
        self.lock = threading.Lock()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.tls = None
        if tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://{self.host}"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                self.connections.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn.settimeout(5)
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):  # the client refused our certificate: what the test expects
                    return
                with self.lock:
                    self.connections.append(conn)
            conn.settimeout(None)
            self.behaviour(conn)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def stop(self) -> None:
        self.stopped.set()
        self.sock.close()
        with self.lock:
            for conn in self.connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    conn.close()
                except OSError:
                    pass
        self.thread.join(2)


def read_request(conn: socket.socket) -> bytes:
    """The request's head and body (by Content-Length), or what arrived before the client gave up."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def response(status: int, body: bytes, ctype: str = "application/json; charset=utf-8", length: int | None = None,
             headers: dict | None = None) -> bytes:
    """A raw HTTP/1.1 response; ``length`` may lie about the body's size (a truncated body)."""
    reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable", 504: "Gateway Timeout"}.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {ctype}", f"Content-Length: {len(body) if length is None else length}",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answer(data: bytes) -> Callable[[socket.socket], None]:
    """Read the request, send ``data``, close."""
    def behaviour(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(data)
    return behaviour


def never_answer(conn: socket.socket) -> None:
    """Accept the connection and read whatever comes, never send a byte, until the client or the server closes it."""
    while conn.recv(65536):
        pass


def trickle(data: bytes, gap: float) -> Callable[[socket.socket], None]:
    """Read the request, then send ``data`` one byte every ``gap`` seconds."""
    def behaviour(conn: socket.socket) -> None:
        read_request(conn)
        for i in range(len(data)):
            conn.sendall(data[i : i + 1])
            time.sleep(gap)
    return behaviour
