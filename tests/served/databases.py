"""The served project's own database: created for the tests, handed to servers as a URL, dropped after.

On PostgreSQL, a database with a unique name on the server the suite tests against
(``DATABASE_URL``, as in tests/settings.py); on SQLite, a temporary file. The tests read it
back with plain DB-API connections, to check what the servers wrote without going through
tenancy.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Database:
    """Where a database is: ``vendor`` "postgresql" (a server) or "sqlite" (``name`` is a file path)."""

    vendor: str
    name: str
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""

    @property
    def url(self) -> str:
        """The database as a URL that dj-database-url reads (``SERVED_DATABASE_URL``)."""
        if self.vendor == "sqlite":
            return f"sqlite:///{self.name}"
        quote = urllib.parse.quote
        password = f":{quote(self.password, safe='')}" if self.password else ""
        host = quote(self.host, safe="") if self.host.startswith("/") else self.host
        return f"postgres://{quote(self.user, safe='')}{password}@{host}:{self.port}/{quote(self.name, safe='')}"

    def elsewhere(self, host: str, port: int, name: str | None = None) -> Database:
        """The same database through another address: a pooler's."""
        return replace(self, host=host, port=port, name=name or self.name)

    def connect(self):
        """A DB-API connection in autocommit mode (psycopg, else psycopg2, else sqlite3)."""
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, isolation_level=None, timeout=30)
        params = {"host": self.host, "port": self.port, "user": self.user, "password": self.password}
        params = {key: value for key, value in params.items() if value} | {"dbname": self.name}
        try:
            import psycopg
        except ImportError:
            import psycopg2

            connection = psycopg2.connect(**params)
            connection.autocommit = True
            return connection
        return psycopg.connect(**params, autocommit=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """The rows of one statement, run on a connection of its own."""
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def product_names(self, tenant: str) -> list[str]:
        """The names in ``tenant``'s Product table, read with plain SQL (tenancy's table naming)."""
        schema = f"tenant_{tenant}"
        table = f'"{schema}"."shop_product"' if self.vendor == "postgresql" else f'"{schema}_shop_product"'
        return [name for (name,) in self.query(f"SELECT name FROM {table}")]


def server(url: str) -> Database:
    """The PostgreSQL server of a ``postgres://`` URL, its database being the one to connect to first."""
    parts = urllib.parse.urlsplit(url)
    return Database(
        "postgresql",
        urllib.parse.unquote(parts.path.lstrip("/")) or "postgres",
        urllib.parse.unquote(parts.hostname or ""),
        parts.port or 5432,
        urllib.parse.unquote(parts.username or ""),
        urllib.parse.unquote(parts.password or ""),
    )


@contextmanager
def new_database(vendor: str, server_url: str | None = None) -> Iterator[Database]:
    """A new, empty database, dropped (or deleted) when the block ends.

    ``server_url``: the PostgreSQL server to create it on, as a URL whose database is one to
    connect to meanwhile (``postgres://postgres@127.0.0.1:5432/postgres``).
    """
    if vendor == "sqlite":
        directory = tempfile.mkdtemp(prefix="tenancy-served-")
        database = Database("sqlite", os.path.join(directory, "served.sqlite3"))
        try:
            yield database
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(database.name + suffix):
                    os.unlink(database.name + suffix)
            os.rmdir(directory)
        return
    if vendor != "postgresql":
        raise ValueError(f"The served project runs on SQLite or PostgreSQL, not {vendor!r}.")
    maintenance = server(server_url)
    database = replace(maintenance, name=f"tenancy_served_{os.getpid()}_{uuid.uuid4().hex[:8]}")
    maintenance.query(f'CREATE DATABASE "{database.name}"')
    try:
        yield database
    finally:
        # FORCE: connections a killed server left behind must not keep the database alive.
        maintenance.query(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
