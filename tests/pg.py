"""A throwaway PostgreSQL cluster for the test run: initdb in a temporary directory, a free port,
torn down afterwards. initdb refuses to run as root, so as root it runs as the postgres user."""

from __future__ import annotations

import glob
import os
import select
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from psycopg import pq
from psycopg.pq import TransactionStatus


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL is not installed: run `make test`, which installs it")


class TempCluster:
    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="coop-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True)

    def start(self) -> TempCluster:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start",
        )
        return self

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        """An empty database of this name in the cluster; its URL."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with admin.connect() as c:
                c.execute(text(f"CREATE DATABASE {dbname}"))
        finally:
            admin.dispose()
        return self.url(dbname)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# What a database's structure is, in one cheap row: each catalogue's count of rows and the newest
# transaction that wrote one of them. Any change of structure writes catalogue rows with its own
# transaction's id or removes some; what a test's work writes (rows, sequence values) does not
# touch them, and VACUUM and ANALYZE update them in place. A copy of the template (CREATE
# DATABASE ... TEMPLATE copies it block by block) has the template's, until its structure changes.
CATALOGUES = (
    "pg_class",
    "pg_attribute",
    "pg_attrdef",
    "pg_constraint",
    "pg_index",
    "pg_trigger",
    "pg_proc",
    "pg_type",
    "pg_enum",
    "pg_rewrite",
    "pg_namespace",
    "pg_extension",
    "pg_sequence",
    "pg_db_role_setting",
)
_NEWEST = "(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM {})"
STRUCTURE = "SELECT " + " || ' ' || ".join(_NEWEST.format(catalogue) for catalogue in CATALOGUES)
# Everyone else connected to the database goes (a test's leftover sessions, a server's workers),
# but for the idle connections kept for the next test (`Warm`).
OTHERS_OUT = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ALL(%s)"
)


class Recycled:
    """Empties a test's database back to the template's state instead of making a new one:
    CREATE DATABASE from a template costs about half a second of the cluster's CPU (it copies
    the system catalogues block by block), emptying the tables of a test's few hundred rows a
    tenth of that. A database whose structure a test changed (a migration test, a restore that
    went wrong) is not recycled: its caller drops it. Each database is emptied through a
    connection of its own kept open between tests (a new one cost 3 ms of the cluster's CPU, and
    emptying 70 tables on it 10 ms more, mostly reading their definitions again)."""

    def __init__(self, template_url: str, keepers: dict[str, psycopg.Connection[Any]]) -> None:
        self.keepers = keepers  # shared by the templates' Recycled, one connection to each database
        with psycopg.connect(_plain(template_url), autocommit=True) as conn:
            self.structure = conn.execute(STRUCTURE).fetchone()[0]  # type: ignore[index]
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            self.seeds: dict[str, bytes] = {}
            for table in tables:
                exists = f"SELECT EXISTS (SELECT FROM {table})"  # noqa: S608 (the catalogue's names)
                if conn.execute(exists).fetchone()[0]:  # type: ignore[index]
                    with conn.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                        self.seeds[table] = b"".join(bytes(block) for block in copy)
            sequences = conn.execute(
                "SELECT format('setval(%L, %s, %L)', schemaname || '.' || quote_ident(sequencename),"
                " coalesce(last_value, start_value), last_value IS NOT NULL)"
                " FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        # Triggers and foreign keys sleep while the tables are emptied (replica role), so the
        # order does not matter and append-only tables can be emptied too.
        self.empty = "; ".join(
            ["SET LOCAL session_replication_role = replica"]
            + [f"DELETE FROM {table}" for table in tables]  # noqa: S608 (the catalogue's names)
            + ([f"SELECT {', '.join(s[0] for s in sequences)}"] if sequences else [])
        )

    def reset(self, url: str, keep: list[int]) -> bool:
        """Give the database at `url` the template's rows again, whoever was connected (they are
        disconnected, but for the idle sessions whose process ids are in `keep`); False when its
        structure is no longer the template's."""
        conn = self.keepers.get(url)
        if conn is None or conn.closed:
            conn = self.keepers[url] = psycopg.connect(_plain(url), autocommit=True)
        conn.execute(OTHERS_OUT, [keep])
        if conn.execute(STRUCTURE).fetchone()[0] != self.structure:  # type: ignore[index]
            return False
        with conn.transaction():
            conn.execute(self.empty)
            for table, rows in self.seeds.items():
                with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(rows)
        return True

    def forget(self, url: str) -> None:
        """The database at `url` is about to go: close the connection kept to it."""
        conn = self.keepers.pop(url, None)
        if conn is not None:
            conn.close()


class Warm:
    """Connections to this process's test databases, kept open from one test to the next. An
    engine that is disposed hands its idle connections back here (`Kept.close`) and the next
    engine on the same database takes them (SQLAlchemy's `do_connect` event) instead of starting
    a new server process, which would read again the catalogue entries of every table and index
    it touches: the cluster's CPU for the rota, pay and limit tests 13.1 -> 11.1 s. Only idle
    connections come back, each rolled back; one that a test left checked out is ended by the
    next reset like any other, and one that died in between (a restore ends everyone's sessions)
    is not handed out."""

    def __init__(self, port: int) -> None:
        self.port, self.pid = str(port), os.getpid()
        self.names: set[str] = set()  # the test databases this process made (`kept`)
        self.idle: dict[str, list[Kept]] = {}

    def kept(self, url: str) -> None:
        """Keep connections to the database at `url` (one of this process's test databases)."""
        self.names.add(database_name(url))

    def connect(self, _dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Kept | None:
        """SQLAlchemy's `do_connect`: a kept connection to the database, or a new one to keep;
        None (SQLAlchemy connects as usual) for any other database or in a forked process."""
        name = str(cparams.get("dbname", ""))
        if os.getpid() != self.pid or str(cparams.get("port")) != self.port or name not in self.names:
            return None
        idle = self.idle.get(name, [])
        while idle:
            conn = idle.pop()
            if _alive(conn):
                return conn
            conn.end()
        conn = Kept.connect(*cargs, **cparams)
        conn.home = (self, name)
        return conn

    def take(self, conn: Kept, name: str) -> bool:
        """An engine closes `conn`: keep it, idle, for the next test (False: close it)."""
        if os.getpid() != self.pid:
            return True  # a forked process leaves its parent's connection be
        if conn.closed or conn.broken:
            return False
        try:
            conn.rollback()
        except Exception:
            return False
        if conn.info.transaction_status != TransactionStatus.IDLE:
            return False
        self.idle.setdefault(name, []).append(conn)
        return True

    def pids(self, url: str) -> list[int]:
        return [conn.info.backend_pid for conn in self.idle.get(database_name(url), [])]

    def forget(self, url: str, *, going: bool = False) -> None:
        """The database at `url` is to be copied, or is `going`: close what is kept of it."""
        if going:
            self.names.discard(database_name(url))
        for conn in self.idle.pop(database_name(url), []):
            conn.end()

    def close(self) -> None:
        for kept in self.idle.values():
            for conn in kept:
                conn.end()
        self.idle.clear()


class Kept(psycopg.Connection[Any]):
    home: tuple[Warm, str] | None = None

    def close(self) -> None:
        if self.home is None or not self.home[0].take(self, self.home[1]):
            self.end()

    def end(self) -> None:
        psycopg.Connection.close(self)


def _alive(conn: Kept) -> bool:
    """Still connected: nothing has come from the server while it sat idle (it would be the
    notice of its end) and an empty query is answered."""
    if conn.closed or conn.broken or select.select([conn.fileno()], [], [], 0)[0]:
        return False
    try:
        return conn.pgconn.exec_(b"").status == pq.ExecStatus.EMPTY_QUERY
    except psycopg.Error:
        return False


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")
