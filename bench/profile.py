"""`make profile PAGE=/shifts/open`: profile one page of the generated co-op (1,000 members,
200 clients, 52 weeks) with pyinstrument and write an HTML report (profile-<page>.html)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from bench import pages
from coop.demo import generate as gen

ROLE_OF = {path: role for role, _name, path in pages.PAGES}


def main(path: str, requests: int = 30) -> Path:
    role = ROLE_OF.get(path, "member")
    with tempfile.TemporaryDirectory() as tmp:
        print("Generating the co-op (about 15 s)...", flush=True)
        app, _url, _counts = pages.build(Path(tmp), gen.Spec())
        client = pages.signed_in(app, dict(gen.logins())[role])
        assert client.get(path).status_code == 200, path  # warm: templates compiled, caches filled
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(requests):
            client.get(path)
        profiler.stop()
        app.extensions["coop_db"][0].dispose()
    out = Path(f"profile-{path.strip('/').replace('/', '-') or 'home'}.html")
    out.write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False)[:4000])
    print(f"{requests} requests of {path} as {role}: report in {out}")
    return out


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/shifts/open")
