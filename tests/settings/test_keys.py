"""Every setting has a typed key (coop/settings/keys.py), and the code reads settings by key."""

import ast
from pathlib import Path

from coop.settings import service as settings
from coop.settings.keys import K, Key

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"pence": int, "int": int, "percent": int, "bool": bool, "text": str}


def test_every_setting_has_a_key_of_its_kind_and_every_key_a_setting():
    keys = {name: key for name, key in vars(K).items() if isinstance(key, Key)}
    assert {key: key.value_type for key in keys.values()} == {
        spec.key: TYPES[spec.kind] for spec in settings.SPECS.values()
    }
    assert all(name == key.upper() for name, key in keys.items())


def test_a_key_reads_the_value_of_its_type(session):
    assert isinstance(settings.get(session, K.VAT_REGISTERED), bool)
    assert isinstance(settings.get(session, K.PAY_FLOOR_PENCE), int)
    assert settings.get(session, K.COOP_NAME) == settings.get(session, "coop_name")


def named_by_string(source: str) -> list[int]:
    """`settings.get(session, "name")`: a setting read by a bare name, whose type mypy cannot know."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func).endswith("settings.get")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    ]


def test_the_code_reads_settings_by_their_typed_key():
    found = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in sorted((ROOT / "coop").rglob("*.py"))
        for line in named_by_string(p.read_text())
    ]
    assert found == [], "use settings.get(session, K.NAME) (coop/settings/keys.py)"
    assert named_by_string('settings.get(db.session, "coop_name")\nsettings.get(s, K.COOP_NAME)\n') == [1]
