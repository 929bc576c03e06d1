"""`make profile PAGE=/shifts/open [DB=postgresql] [ROLE=coordinator]`: profile one page of the
generated co-op (1,000 members, 200 clients, 52 weeks) with pyinstrument, on SQLite or on a
temporary PostgreSQL cluster, and write an HTML report (profile-<db>-<page>.html)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from bench import pages
from coop.demo import generate as gen

ROLE_OF = {path: role for role, _name, path in pages.PAGES}


def _profile(app: Any, path: str, role: str, requests: int) -> Profiler:
    client = pages.signed_in(app, dict(gen.logins())[role])
    assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    return profiler


def main(path: str, requests: int = 30, db: str = "sqlite", role: str | None = None) -> Path:
    role = role or ROLE_OF.get(path, "member")
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Generating the co-op on {db} (15 to 30 s)...", flush=True)
        if db == "postgresql":
            with pages.postgres_app(Path(tmp)) as app:
                profiler = _profile(app, path, role, requests)
        else:
            app, _url, _counts = pages.build(Path(tmp), gen.Spec())
            profiler = _profile(app, path, role, requests)
            app.extensions["coop_db"][0].dispose()
    out = Path(f"profile-{db}-{path.strip('/').replace('/', '-') or 'home'}.html")
    out.write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False)[:4000])
    print(f"{requests} requests of {path} as {role}: report in {out}")
    return out


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "/shifts/open",
        db=os.environ.get("DB") or "sqlite",
        role=os.environ.get("ROLE") or None,
    )
