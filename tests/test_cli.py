from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from coop.auth.models import User
from coop.cli import cli
from coop.demo.service import DEMO_LOGINS
from coop.members.models import Member


def run(app, *args, input=None):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app), input=input)


def test_db_upgrade_is_idempotent(app):
    result = run(app, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "Database is at head" in result.output


def test_create_admin(app, session):
    result = run(app, "create-admin", "--email", "Boss@Example.org", "--password", "river-lantern-pebble")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role_names == {"admin", "coordinator"}
    weak = run(app, "create-admin", "--email", "b2@example.org", "--password", "password")
    assert weak.exit_code != 0 and "at least 10" in weak.output
    assert session.scalar(select(User).where(User.email == "b2@example.org")) is None


def test_demo_loads_once_and_every_role_signs_in(app, session, make_web):
    assert run(app, "db", "is-empty").exit_code == 0
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output and "client@demo.coop.works" in first.output
    members = session.scalar(select(func.count()).select_from(Member))
    assert members >= 25
    second = run(app, "demo")
    assert "already there" in second.output
    assert session.scalar(select(func.count()).select_from(Member)) == members
    assert run(app, "db", "is-empty").exit_code == 1
    for role, email in DEMO_LOGINS["accounts"]:
        web = make_web()
        assert web.login(email, DEMO_LOGINS["password"]).status_code == 302, role
        assert web.get("/home").status_code == 200
