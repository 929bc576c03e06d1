"""A push service for the tests: an HTTP server in a thread that takes Web Push messages the way
a browser vendor's does, decrypts each with the subscription's private key (RFC 8291, aes128gcm,
through http_ece, the library pywebpush encrypts with), checks the VAPID signature's key, and
answers 410 Gone for the subscriptions it is told are gone."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Browser:
    """A browser's side of a subscription: its key pair and auth secret."""

    name: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64(self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


@dataclass
class Received:
    browser: str
    payload: dict[str, Any]
    vapid_key: str
    ttl: str


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.gone: set[str] = set()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def browser(self, name: str) -> Browser:
        self.browsers[name] = Browser(name)
        return self.browsers[name]

    def endpoint(self, name: str) -> str:
        return f"{self.base}/push/{name}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if name in service.gone or name not in service.browsers:
                    self.send_response(410)
                    self.end_headers()
                    return
                browser = service.browsers[name]
                assert self.headers["Content-Encoding"] == "aes128gcm"
                clear = http_ece.decrypt(
                    body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
                )
                auth = self.headers.get("Authorization", "")
                vapid_key = auth.split("k=", 1)[1].strip() if "k=" in auth else ""
                with service.lock:
                    service.received.append(
                        Received(name, json.loads(clear), vapid_key, self.headers.get("TTL", ""))
                    )
                self.send_response(201)
                self.end_headers()

        return Handler


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
