"""The catalogues keep up with the code, and nothing slips past them.

- Every message marked in the code and templates is in `coop/translations/messages.pot`: it is
  extracted here in memory exactly as `make translations` does (babel.cfg's method map, the
  Makefile's keywords), so a forgotten `make translations` fails.
- Every compiled catalogue (`.mo`, what ships) says what its `.po` says.
- Every name a module imports a marking function under is one the extraction looks for (a
  `lazy_gettext as _l` that the Makefile does not know would never reach a translator).
- No date or time people read is formatted by hand (`strftime`, `{:%d %b}`): only Babel knows
  the reader's month names; the database's SQL and the backup's file names are machine formats.
- No template or translating module rebinds `_` (`{% set _ = ... %}`, `for _ in ...`), which
  would hide gettext from everything after it."""

from __future__ import annotations

import ast
import io
import re
import shlex
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "coop" / "translations"
SOURCES = ("coop", "templates")  # what `make translations` extracts from, in this order
TEMPLATES = ROOT / "templates"
MARKERS = {"gettext", "ngettext", "pgettext", "lazy_gettext", "lazy_ngettext", "N_", "_"}

# Machine formats, where strftime is right: backup folder names, and SQL run by the database.
# The demo's made-up records (an invoice line's description) are data, as if a person typed them.
STRFTIME_ALLOWED = {Path("coop/db.py")}
STRFTIME_ALLOWED_UNDER = (Path("coop/backup"), Path("coop/demo"))


def makefile_keywords() -> dict[str, object]:
    """The extraction keywords: Babel's defaults plus the Makefile's BABEL_KEYWORDS."""
    found = re.search(r"^BABEL_KEYWORDS\s*:?=(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found, "the Makefile names the extraction keywords in BABEL_KEYWORDS"
    words = shlex.split(found.group(1))
    specs = [words[i + 1] for i, word in enumerate(words) if word == "-k"]
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(specs))
    return keywords


def extracted() -> dict[tuple[str | None, str], str]:
    """{(context, msgid): where} for every message `make translations` would extract now."""
    with (ROOT / "babel.cfg").open() as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    keywords = makefile_keywords()
    found: dict[tuple[str | None, str], str] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT / folder), method_map, options_map, keywords=keywords
        ):
            msgid = message if isinstance(message, str) else message[0]
            if msgid:
                found.setdefault((context, msgid), f"{folder}/{filename}:{lineno}")
    return found


def test_every_marked_message_is_in_the_template_catalogue():
    """Fails until `make translations` is run after marking new words (the lead runs it after
    each wave is merged)."""
    with (CATALOGUES / "messages.pot").open("rb") as fp:
        pot = read_po(fp)
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in pot if m.id}
    missing = {key: where for key, where in extracted().items() if key not in known}
    report = "\n".join(f"  {where}: {msgid!r}" for (_ctx, msgid), where in sorted(missing.items(), key=str))
    assert not missing, (
        f"{len(missing)} marked messages are not in messages.pot (run make translations):\n{report}"
    )


def _entries(catalogue) -> dict[tuple[str | None, object], object]:
    return {
        (m.context, tuple(m.id) if isinstance(m.id, list | tuple) else m.id): tuple(m.string)
        if isinstance(m.string, list | tuple)
        else m.string
        for m in catalogue
        if m.id
    }


@pytest.mark.parametrize(
    "po", sorted(CATALOGUES.glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.parent.parent.name + "/" + p.stem
)
def test_each_compiled_catalogue_says_what_its_source_says(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{po.relative_to(ROOT)} is not compiled (run make translations)"
    with po.open("rb") as fp:
        source = read_po(fp)
    compiled_now = io.BytesIO()
    write_mo(compiled_now, source)  # what `pybabel compile` makes of it (fuzzy entries left out)
    compiled_now.seek(0)
    with mo.open("rb") as fp:
        shipped = read_mo(fp)
    expected, actual = _entries(read_mo(compiled_now)), _entries(shipped)
    differ = sorted(
        str(key[1]) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key)
    )
    assert not differ, f"{mo.relative_to(ROOT)} is older than its .po (run make translations): {differ[:20]}"


def python_files() -> list[Path]:
    return sorted(p for p in (ROOT / "coop").rglob("*.py") if "translations" not in p.parts)


def test_every_name_a_marking_function_is_imported_as_is_extracted():
    keywords = makefile_keywords()
    unknown = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coop.i18n"):
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name in MARKERS and name not in keywords:
                        unknown.append(f"{path.relative_to(ROOT)}: {alias.name} as {name}")
    assert not unknown, f"add these names to BABEL_KEYWORDS in the Makefile: {unknown}"


# A format that makes words (day and month names, am/pm): numbers-only formats such as
# %Y-%m-%d are the machine formats of CSV files and accounting exports, read by software.
_WORDS_SPEC = re.compile(r"%-?[aAbBpcxX]")
_FORMAT_FIELD = re.compile(r"\{[^{}]*:[^{}]*%-?[aAbBpcxX][^{}]*\}")


def hand_made_dates(path: Path) -> list[str]:
    """Where a module formats a date or time by hand: `.strftime(...)`, or an f-string's
    `{d:%d %b}` or a str.format field like it that makes words."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "strftime":
            found.append(f"line {node.lineno}: strftime")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(
                part.value
                for part in ast.walk(node.format_spec)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if _WORDS_SPEC.search(spec):
                found.append(f"line {node.lineno}: f-string format {spec!r}")
            elif any(isinstance(part, ast.FormattedValue) for part in ast.walk(node.format_spec)):
                # `{day:{DAY}}`: a format held in a name, whose CLDR pattern would be printed as is
                found.append(f"line {node.lineno}: f-string format from a name")
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        ):
            target = node.func.value
            if (
                isinstance(target, ast.Constant)
                and isinstance(target.value, str)
                and _FORMAT_FIELD.search(target.value)
            ):
                found.append(f"line {node.lineno}: str.format {target.value!r}")
    return sorted(found, key=lambda where: int(where.split(":")[0].split()[1]))


def test_no_date_people_read_is_formatted_by_hand():
    found = {}
    for path in python_files():
        rel = path.relative_to(ROOT)
        if rel in STRFTIME_ALLOWED or any(rel.is_relative_to(folder) for folder in STRFTIME_ALLOWED_UNDER):
            continue
        if where := hand_made_dates(path):
            found[str(rel)] = where
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and "strftime" in (text := path.read_text()):
            lines = [n for n, line in enumerate(text.splitlines(), 1) if "strftime" in line]
            found[str(path.relative_to(ROOT))] = [f"line {n}: strftime" for n in lines]
    assert not found, f"format dates and times with the dt/date/time filters or coop.timeutil: {found}"


def test_the_date_check_sees_each_way_of_formatting_by_hand(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(d):\n"
        "    a = d.strftime('%d %B')\n"
        "    b = f'{d:%A %d %B}'\n"
        "    c = '{:%d %b %Y}'.format(d)\n"
        "    e = f'{d:{DAY}}'\n"
        "    ok = f'{d:%Y-%m-%d}' + f'{3:>5}' + d.isoformat() + '100%'\n"
        "    return a, b, c, ok\n"
    )
    assert [line.split(":")[0] for line in hand_made_dates(sample)] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
    ]


def _rebinds_gettext(source: str, env: Environment) -> list[str]:
    tree = env.parse(source)
    return [
        f"line {node.lineno}: {node.name}"
        for node in tree.find_all(nodes.Name)
        if node.ctx in ("store", "param") and node.name in ("_", "gettext", "ngettext")
    ]


def test_no_template_hides_gettext():
    env = Environment(
        autoescape=True, extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"]
    )
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and (where := _rebinds_gettext(path.read_text(), env)):
            found[str(path.relative_to(ROOT))] = where
    assert not found, f"a template rebinds _ (name the value something else): {found}"
    hidden = "{% set _ = items.append(1) %}{% for _, x in pairs %}{{ x }}{% endfor %}{{ _('Hi') }}"
    assert len(_rebinds_gettext(hidden, env)) == 2


_SCOPES = (
    ast.Module,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of a scope, not those of the scopes inside it."""
    found, stack = [], list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return found


def shadowed_underscore(tree: ast.AST) -> list[int]:
    """Lines where `_` is assigned in a scope that also calls `_` (itself or in a scope inside
    it): a throwaway `for _ in range(n)` in a generator of its own is harmless."""
    lines = []
    for scope in ast.walk(tree):
        if not isinstance(scope, _SCOPES):
            continue
        stores = [
            node.lineno
            for node in _own_nodes(scope)
            if (isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store))
            or (isinstance(node, ast.arg) and node.arg == "_")
        ]
        if stores and any(
            isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Load)
            for node in ast.walk(scope)
        ):
            lines.extend(stores)
    return sorted(lines)


def test_the_underscore_check_tells_a_shadow_from_a_throwaway():
    harmless = "from coop.i18n import _\ndef f():\n    return ''.join('x' for _ in range(3)) + _('Hi')\n"
    harmful = (
        "from coop.i18n import _\ndef f(pairs):\n    for _, b in pairs:\n        pass\n    return _('Hi')\n"
    )
    assert shadowed_underscore(ast.parse(harmless)) == []
    assert shadowed_underscore(ast.parse(harmful)) == [3]


def test_no_translating_module_rebinds_underscore():
    """`for _ in range(3)` in a module that imported gettext as `_` turns the next `_("...")` in
    that function into a call of an int (or an UnboundLocalError before the loop)."""
    found = {}
    for path in python_files():
        if "i18n" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        imports_underscore = any(
            isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "_" for a in node.names)
            for node in ast.walk(tree)
        )
        if not imports_underscore:
            continue
        stores = shadowed_underscore(tree)
        if stores:
            found[str(path.relative_to(ROOT))] = stores
    assert not found, f"these modules translate with _ and also assign to it (use __ or a name): {found}"


def _marked_calls_in_fstrings(tree: ast.AST) -> list[int]:
    """Lines where a marking function is called inside an f-string's {...}: Babel's extraction
    does not read f-strings, so that message never reaches the catalogue."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue):
            for inner in ast.walk(node.value):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in MARKERS | {"_l"}
                    and any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in inner.args)
                ):
                    found.append(inner.lineno)
    return found


def test_no_message_is_marked_inside_an_f_string():
    hidden = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "coop").rglob("*.py"))
        if (lines := _marked_calls_in_fstrings(ast.parse(path.read_text())))
    }
    assert not hidden, f"move these marked messages out of the f-string, into a name: {hidden}"


def test_the_f_string_check_sees_a_hidden_message():
    assert _marked_calls_in_fstrings(ast.parse("x = f\"<b>{escape(_('limit'))}</b>\"")) == [1]
    assert _marked_calls_in_fstrings(ast.parse('word = _("limit")\nx = f"<b>{word}</b>"')) == []
