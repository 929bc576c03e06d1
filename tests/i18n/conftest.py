"""An app that offers the pseudo-languages, so a person can choose `en-XA` (every word that went
through the catalogue rewritten as ⟦...⟧) and a test can see whose words an email or PDF is in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from coop.app import create_app
from tests.conftest import app_config

PSEUDO = "⟦"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    application = create_app({**app_config(db_url, tmp_path), "PSEUDO_LANGUAGES": True})
    yield application
    application.extensions["coop_db"][0].dispose()
