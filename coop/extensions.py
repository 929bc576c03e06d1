"""Flask extensions, created once and bound to the app in create_app, and the per-request
database session (the services never see Flask: views pass `db.session` to them)."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from coop.db import end_reads, make_engine, make_sessionmaker

login_manager = LoginManager()
csrf = CSRFProtect()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Database:
    """Binds an engine and a session factory to the Flask app; one session per request."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        # Requests that change things (POST) take SQLite's write lock when their transaction
        # begins, so a read followed by a write cannot fail halfway when another process wrote
        # in between. GET requests read concurrently. PostgreSQL ignores the option.
        site = {"base_url": app.config["BASE_URL"]}
        writer = make_sessionmaker(engine.execution_options(coop_write=True), site)
        app.extensions["coop_db"] = (engine, make_sessionmaker(engine, site), writer)
        app.teardown_appcontext(self._teardown)

    @staticmethod
    def _teardown(exc: BaseException | None) -> None:
        session: Session | None = g.pop("_coop_session", None)
        if session is not None:
            if exc is None:
                end_reads(session)  # a read is committed, anything unsaved rolled back
            else:
                session.rollback()
            session.close()

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["coop_db"][0]
        return engine

    @property
    def session(self) -> Session:
        if "_coop_session" not in g:
            _engine, reader, writer = current_app.extensions["coop_db"]
            factory = writer if has_request_context() and request.method not in SAFE_METHODS else reader
            g._coop_session = factory()
        session: Session = g._coop_session
        return session


db = Database()
