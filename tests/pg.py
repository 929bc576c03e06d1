"""A throwaway PostgreSQL cluster for the test run: initdb in a temporary directory, a free port,
torn down afterwards. initdb refuses to run as root, so as root it runs as the postgres user."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


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


# What a database's structure is, by name: its relations, columns, constraints, triggers,
# functions, schemas and extensions. Equal to the template's means a test changed no structure.
STRUCTURE = """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT 'r:' || n.nspname || '.' || c.relname || ':' || c.relkind::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     AND n.nspname NOT LIKE 'pg_temp%'
  UNION ALL
  SELECT 'a:' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
         || ':' || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'k:' || conrelid::regclass || '.' || conname || ':' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 't:' || tgrelid::regclass || '.' || tgname || ':' || tgenabled::text
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'f:' || p.oid::regprocedure || ':' || md5(p.prosrc)
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'n:' || nspname FROM pg_namespace
   WHERE nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
  UNION ALL SELECT 'e:' || extname || ':' || extversion FROM pg_extension
  UNION ALL SELECT 's:' || coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting
) s(x)
"""


class Recycled:
    """Empties a test's database back to the template's state instead of making a new one:
    CREATE DATABASE from a template costs about half a second of the cluster's CPU (it copies
    the system catalogues block by block), emptying the tables of a test's few hundred rows a
    tenth of that. A database whose structure a test changed (a migration test, a restore that
    went wrong) is not recycled: its caller drops it."""

    def __init__(self, template_url: str) -> None:
        import psycopg

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

    def reset(self, url: str) -> bool:
        """Give the database at `url` (nobody connected) the template's rows again; False when
        its structure is no longer the template's."""
        import psycopg

        with psycopg.connect(_plain(url), autocommit=True) as conn:
            if conn.execute(STRUCTURE).fetchone()[0] != self.structure:  # type: ignore[index]
                return False
            with conn.transaction():
                conn.execute(self.empty)
                for table, rows in self.seeds.items():
                    with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(rows)
        return True


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")
