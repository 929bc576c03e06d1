"""The shape of the code, checked like any other promise (docs/ARCHITECTURE.md, "Imports")."""

import ast
import importlib
import os
import shutil
import subprocess
import sys
import tomllib
from enum import StrEnum
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
WEB_MODULES = {"views", "forms", "signed_in"}  # the web layer of an area; also any module named *_views


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


def test_the_cli_is_kept_from_every_page_module():
    [contract] = [c for c in _contracts() if c["name"].startswith("The CLI calls services")]
    forbidden = set(contract["forbidden_modules"])
    pages = {
        f"coop.{p.parent.name}.{p.stem}" for p in (ROOT / "coop").glob("*/*.py") if p.stem.endswith("_views")
    }
    assert pages - forbidden == set(), "add these page modules to the CLI contract in pyproject.toml"
    [layers] = [c for c in _contracts() if c.get("type") == "layers"]
    ignored = {rule.split(" -> ")[0] for rule in layers["ignore_imports"]}
    assert pages - ignored == set(), "add these page modules to the pages in the layers contract"


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


CLOCK_CALLS = ("today_london", "utcnow", "now_utc", "datetime.now", "date.today", "datetime.utcnow")


def clock_read_at_import(source: str) -> list[int]:
    """Lines of a module's top level that read the clock. A test module is imported once and may
    run after midnight (or after a Sunday midnight): dates it needs are read when a test runs."""
    found = []
    for stmt in ast.parse(source).body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for call in (c for c in ast.walk(stmt) if isinstance(c, ast.Call)):
            if ast.unparse(call.func).endswith(CLOCK_CALLS):
                found.append(stmt.lineno)
                break
    return found


def test_no_test_module_reads_the_clock_when_imported():
    found = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in sorted((ROOT / "tests").rglob("*.py"))
        for line in clock_read_at_import(p.read_text())
    ]
    assert found == []


def test_the_clock_check_sees_a_planted_constant():
    planted = "TOMORROW = today_london() + timedelta(days=1)\ndef f():\n    return utcnow()\n"
    assert clock_read_at_import(planted) == [1]


def _is_web_module(path: Path) -> bool:
    return path.stem in WEB_MODULES or path.stem.endswith("_views") or path == ROOT / "coop" / "web.py"


def hand_written_refusals(source: str) -> list[int]:
    """`except DomainError` blocks that roll back and show the message by hand (rollback, `form_error`
    or `flash(e.message, ...)`): views write `with web.refusals(form) as done:` instead. A handler
    that turns the refusal into something else (a problem page, a warning with its own words) is
    not this pattern."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        if "DomainError" not in ast.unparse(node.type):
            continue
        for call in (c for s in node.body for c in ast.walk(s) if isinstance(c, ast.Call)):
            name = ast.unparse(call.func)
            shows_message = (
                name == "flash" and call.args and ast.unparse(call.args[0]) == f"{node.name}.message"
            )
            if name.endswith(".rollback") or name == "form_error" or shows_message:
                found.append(node.lineno)
                break
    return found


def test_views_show_refusals_through_the_one_helper():
    found = {
        f"{p.relative_to(ROOT)}:{line}"
        for p in sorted((ROOT / "coop").rglob("*.py"))
        if _is_web_module(p)
        for line in hand_written_refusals(p.read_text())
    }
    assert found == set(), "use `with refusals(form) as done:` (coop/web.py)"


def test_the_refusal_check_sees_the_old_pattern():
    planted = (
        "try:\n    save()\nexcept DomainError as e:\n    db.session.rollback()\n"
        "    flash(e.message, 'error')\n"
        "try:\n    save()\nexcept DomainError as err:\n    form_error(form, err)\n"
        "try:\n    save()\nexcept (DomainError, ValueError) as e:\n    flash(e.message, 'error')\n"
        "try:\n    plan()\nexcept DomainError as e:\n    flash(f'Cannot confirm: {e.message}', 'warning')\n"
    )
    assert hand_written_refusals(planted) == [3, 8, 12]


VOCABULARY_COLUMNS = {
    "status",
    "kind",
    "mode",
    "period",
    "count_by",
    "source",
    "preset",
    "invoice_grouping",
    "role",
}


def _enum_values() -> set[str]:
    """Every value of a StrEnum the models define (statuses, kinds, modes, presets...)."""
    values: set[str] = set()
    for path in (ROOT / "coop").glob("*/models.py"):
        module = importlib.import_module(f"coop.{path.parent.name}.models")
        for thing in vars(module).values():
            if isinstance(thing, type) and issubclass(thing, StrEnum) and thing is not StrEnum:
                values |= {m.value for m in thing if m.value}
    return values


def raw_vocabulary(source: str, values: set[str]) -> list[tuple[int, str]]:
    """A status, kind, mode or preset written as a bare string where an enum holds it: compared
    with `x.status`, assigned to it, or passed as `status=`."""

    def strings(node: ast.AST) -> list[ast.Constant]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node]
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return []

    def column(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr in VOCABULARY_COLUMNS

    found = []
    for node in ast.walk(ast.parse(source)):
        candidates: list[ast.Constant] = []
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(column(side) for side in sides):
                candidates = [c for side in sides for c in strings(side)]
        elif (isinstance(node, ast.Assign) and any(column(t) for t in node.targets)) or (
            isinstance(node, ast.keyword) and node.arg in VOCABULARY_COLUMNS
        ):
            candidates = strings(node.value)
        found += [(c.lineno, c.value) for c in candidates if c.value in values]
    return sorted(found)


def test_statuses_kinds_and_modes_are_written_with_their_enum():
    values = _enum_values()
    found = {
        f"{p.relative_to(ROOT)}:{line}": value
        for p in sorted((ROOT / "coop").rglob("*.py"))
        if p.name != "models.py"  # the column defaults and CHECK constraints spell the values once
        for line, value in raw_vocabulary(p.read_text(), values)
    }
    assert found == {}, "use the StrEnum from the area's models.py"


def test_the_vocabulary_check_sees_planted_raw_strings():
    planted = (
        "q.where(Proposal.status == 'open')\n"
        "run.status = 'finalised'\n"
        "select(SignUp).filter_by(status='booked')\n"
        "if limit.mode in ('block', 'warn'): pass\n"
        "if line.kind == ProposalKind.GENERAL: pass\n"
        "if setting.kind == 'bool': pass\n"
    )
    assert raw_vocabulary(planted, _enum_values()) == [
        (1, "open"),
        (2, "finalised"),
        (3, "booked"),
        (4, "block"),
        (4, "warn"),
    ]


FACTS = {
    "coop.pay.rates",
    "coop.pay.rules",
    "coop.limits.periods",
    "coop.limits.earnings",
    "coop.settings.keys",
}


def _is_fact(module: str) -> bool:
    return module.endswith(".models") or module in FACTS


def test_the_shared_facts_import_only_facts_settings_and_the_shared_base():
    """The layer below the areas (pyproject.toml, "Areas in one direction"): models, pay rules and
    rates, the limit's periods and earnings read each other, the settings and the shared base
    (coop.db, coop.money...), never an area's rules."""
    graph = grimp.build_graph("coop")
    found = {
        f"{fact} -> {imported}"
        for fact in graph.modules
        if _is_fact(fact)
        for imported in graph.find_modules_directly_imported_by(fact)
        if imported.count(".") >= 2
        and imported.startswith("coop.")
        and not _is_fact(imported)
        and imported != "coop.settings.service"  # the pay floor and pay days are settings
    }
    assert found == set()


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def test_the_area_layers_fail_on_a_planted_upward_import(tmp_path):
    shutil.copytree(ROOT / "coop", tmp_path / "coop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    rule = tmp_path / "coop" / "limits" / "rule.py"
    # the limit's rule reaching up into the life of a booking: limits sits below bookings
    rule.write_text(rule.read_text() + "\nfrom coop.bookings import lifecycle  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "coop.limits.rule -> coop.bookings.lifecycle" in result.stdout
    assert "Areas in one direction" in result.stdout.split("Broken contracts")[-1]


def test_a_service_module_that_only_gathers_is_a_declared_interface():
    """An area's service.py that defines nothing is its interface for other areas and the CLI:
    it says so, and `__all__` names exactly what it gathers (no silent re-exports)."""
    problems = []
    for path in sorted((ROOT / "coop").glob("*/service.py")):
        tree = ast.parse(path.read_text())
        if any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in tree.body):
            continue
        gathered = {
            a.asname or a.name
            for n in tree.body
            if isinstance(n, ast.ImportFrom) and n.module != "__future__"
            for a in n.names
        }
        declared = [
            set(ast.literal_eval(n.value))
            for n in tree.body
            if isinstance(n, ast.Assign) and [ast.unparse(t) for t in n.targets] == ["__all__"]
        ]
        doc = ast.get_docstring(tree) or ""
        if declared != [gathered] or "interface" not in doc:
            problems.append(str(path.relative_to(ROOT)))
    assert problems == []
