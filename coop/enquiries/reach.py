"""Posters and leaflets for surgeries, wards and day centres: the QR code that takes a phone to
the enquiry form (segno, as an SVG the PDF keeps sharp at any size)."""

from __future__ import annotations

import segno


def qr_data_uri(url: str) -> str:
    """An SVG QR code for `url`, as a data: URI an <img> can show (medium error correction, so a
    creased or smudged leaflet still scans)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=10, border=2, nl=False))
