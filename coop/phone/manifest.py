"""The web app manifest: what a phone needs to install Co-op Works on its home screen. The site
stays ordinary pages; installing only gives it an icon, a name and a window of its own."""

from __future__ import annotations

from typing import Any

from coop.i18n import gettext as _

THEME_COLOUR = "#14532d"  # the site's brand green (static/css/site.css --brand)
BACKGROUND_COLOUR = "#ffffff"


def manifest(icon_url: Any, start_url: str) -> dict[str, Any]:
    """The manifest as a mapping; `icon_url(name)` gives each icon's address."""
    sizes = [("icon-192.png", "192x192", "any"), ("icon-512.png", "512x512", "any")]
    icons = [
        {"src": icon_url(name), "sizes": size, "type": "image/png", "purpose": p} for name, size, p in sizes
    ]
    icons.append(
        {
            "src": icon_url("icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        }
    )
    icons.append({"src": icon_url("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"})
    return {
        "name": "Co-op Works",
        "short_name": "Co-op Works",
        "description": _("Your shifts, hours and pay at the co-op."),
        "id": "/",
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "lang": "en-GB",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
