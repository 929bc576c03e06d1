"""Every page anyone can reach by following links is valid HTML (Nu HTML checker, zero errors)
and none of them fails with a server error.

The crawl starts at each role's home page on the demo co-op and follows every same-site link
(see tests/crawl.py). All the pages are then checked in one run of vnu.jar, which takes about
two seconds to start."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import signed_in
from tests.crawl import crawl

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
START = {
    "anonymous": ["/", "/login", "/directory", "/password/forgot"],
    "member": ["/home"],
    "coordinator": ["/home"],
    "client": ["/home"],
    "admin": ["/home"],
}


def test_every_reachable_page_is_valid_html(demo, make_web, tmp_path):
    assert shutil.which("java"), "java is installed by make test"
    assert VNU.exists(), "vnu.jar is installed by make test (npm ci)"
    files: dict[Path, str] = {}
    for role, starts in START.items():
        web = make_web() if role == "anonymous" else signed_in(make_web, role)
        for url, html in crawl(web, starts).items():
            path = tmp_path / f"{len(files):04d}.html"
            path.write_text(html, encoding="utf-8")
            files[path] = f"{role} {url}"
    # Enough of the app is reached that a broken link or a lost nav item would show.
    assert len(files) > 80, len(files)
    print(f"checking {len(files)} pages")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    problems = [
        f"{files[Path(urlsplit(m['url']).path)]} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert problems == [], "\n".join(problems[:40])
