"""The installable web app: the manifest a browser reads, its icons and the link to it."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import Web


def test_manifest_is_served_as_a_manifest_with_icons_browsers_ask_for(web: Web) -> None:
    response = web.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Co-op Works"
    assert manifest["start_url"] == "/home"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#14532d"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        got = web.get(icon["src"])
        assert got.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = Image.open(io.BytesIO(got.data)).size
            assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_and_theme_colour(web: Web) -> None:
    page = web.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#14532d">' in page
