from sqlalchemy import text

from coop.app import create_app
from tests.conftest import app_config


def test_healthz_ok_when_schema_is_current(web):
    r = web.get("/healthz")
    assert r.status_code == 200
    assert r.get_json()["status"] == "ok"


def test_healthz_503_when_schema_is_behind(app, web):
    with app.extensions["coop_db"][0].begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    r = web.get("/healthz")
    assert r.status_code == 503
    assert "coop db upgrade" in r.get_json()["detail"]


def test_healthz_503_when_database_unreachable(tmp_path):
    app = create_app(app_config("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path))
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["detail"] == "database unreachable"
