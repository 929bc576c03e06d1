"""The shape of the code, checked like any other promise (docs/ARCHITECTURE.md, "Imports")."""

import ast
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


def transaction_misuse(source: str) -> list[tuple[int, str]]:
    """Places where code ends or locks a transaction by hand instead of through coop/db.py:
    `.commit()` (a write outside `write_transaction`) and `.with_for_update(` (a row lock
    beside `db.lock`)."""
    return [
        (node.lineno, node.func.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "with_for_update")
    ]


def test_only_the_database_module_commits_or_locks():
    found = {
        f"{p.relative_to(ROOT)}:{line}": what
        for p in sorted((ROOT / "coop").rglob("*.py"))
        if p.relative_to(ROOT) != Path("coop/db.py")
        for line, what in transaction_misuse(p.read_text())
    }
    assert found == {}, "use db.write_transaction / db.lock / db.lock_where instead"


def test_the_transaction_check_sees_a_planted_commit_and_lock():
    planted = "def f(session):\n    session.add(x)\n    session.commit()\n    q.with_for_update()\n"
    assert transaction_misuse(planted) == [(3, "commit"), (4, "with_for_update")]


def test_no_test_can_be_skipped():
    """Nothing in the suite may be skipped because something is missing: `make test` installs it."""
    words = ("pytest.skip(", "mark.skip", "importorskip(")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "tests").rglob("*.py"))
        if p.name != "test_structure.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if any(w in line for w in words)
    ]
    assert found == []
