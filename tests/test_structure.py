"""The shape of the code, checked like any other promise (docs/ARCHITECTURE.md, "Imports")."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB_MODULES = {"views", "forms"}  # the web layer of each area; also any module named *_views


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_every_service_module_is_held_to_the_no_web_framework_contract():
    [contract] = [c for c in _contracts() if c["name"].startswith("Services, models and rules hold no web")]
    listed = set(contract["source_modules"])
    missing = []
    for path in sorted((ROOT / "coop").glob("*/*.py")):
        name = path.stem
        if name == "__init__" or name in WEB_MODULES or name.endswith("_views"):
            continue
        module = f"coop.{path.parent.name}.{name}"
        if module not in listed and f"coop.*.{name}" not in listed:
            missing.append(module)
    assert missing == [], f"add these to the contract in pyproject.toml (or name them *_views): {missing}"


def test_no_module_is_too_long_to_read():
    lengths = {p.relative_to(ROOT): len(p.read_text().splitlines()) for p in (ROOT / "coop").rglob("*.py")}
    assert {p: n for p, n in lengths.items() if n > 450} == {}
