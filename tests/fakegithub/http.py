"""The HTTP/1.1 wire: keep-alive connections, exact Content-Length, and a real reset for the RESET fault."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler


@dataclass
class Wire:
    status: int
    headers: dict[str, str]
    body: bytes
    reset: bool = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    disable_nagle_algorithm = True  # no 40 ms Nagle/delayed-ACK stalls between keep-alive requests
    wbufsize = -1  # headers and body leave in one write

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client died mid-request (a killed worker): GitHub never sees it either
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        wire = self.server.fake.handle(self.command, self.path, headers, body)  # type: ignore[attr-defined]
        if wire.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.send_response(wire.status)
        for name, value in wire.headers.items():
            self.send_header(name, value)
        self.send_header("x-github-request-id", f"FAKE:{id(wire):x}")
        self.send_header("content-length", str(len(wire.body)))
        self.end_headers()
        self.wfile.write(wire.body)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET  # noqa: N815 (http.server's naming)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake records requests itself."""
