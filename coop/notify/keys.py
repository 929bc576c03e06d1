"""The co-op's VAPID key pair (RFC 8292): push services check that notifications come from the
site people subscribed on. Made once, on first use, and kept in the data folder, readable by the
co-op's account only; two processes starting at once keep the same key (the file is linked into
place only if none is there)."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from coop.owner_files import private_dir, write_private

FILENAME = "vapid_private.pem"


@dataclass(frozen=True)
class VapidKeys:
    vapid: Vapid
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey


def load_or_create(folder: Path) -> VapidKeys:
    path = folder / FILENAME
    if not path.exists():
        private_dir(folder)
        fresh = Vapid()
        fresh.generate_keys()
        tmp = folder / f".{FILENAME}.{secrets.token_hex(8)}"
        write_private(tmp, fresh.private_pem())
        try:
            os.link(tmp, path)  # fails if another process was first: theirs is kept
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    vapid = Vapid.from_pem(path.read_bytes())
    point = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return VapidKeys(vapid, base64.urlsafe_b64encode(point).rstrip(b"=").decode())


def folder_for(config: Mapping[str, Any], instance_path: str) -> Path:
    """Where the key is kept: PUSH_KEY_DIR if set, else the instance folder in the data folder."""
    return Path(config.get("PUSH_KEY_DIR") or instance_path)


def push_contact(config: Mapping[str, Any]) -> str:
    """How a push service can reach the co-op (VAPID's "sub"): the address emails come from."""
    address = parseaddr(str(config.get("MAIL_FROM") or ""))[1]
    return f"mailto:{address or 'noreply@coop.example'}"
