#!/usr/bin/env python3
"""Run the example SaaS project (example/), or take the scripted tour of tenancy.

Usage::

    python demo.py                  # the example project at http://localhost:8000/, until Ctrl-C
    python demo.py --port 8001      # on another port
    python demo.py --noreload       # without the development server's autoreloader
    python demo.py --no-serve       # migrate, seed and print the logins, then stop
    python demo.py tour             # the scripted tour: two shops, their classes, tables and SQL
    python demo.py makemigrations   # regenerate the migrations of the tour's app (demo/)

The example is an issue tracker whose organizations are tenants: ``http://acme.localhost:8000/``
is the organization acme (browsers and curl resolve ``*.localhost`` to 127.0.0.1), with users of
its own; ``http://localhost:8000/`` lists the organizations, signs new ones up and has the admin.
The demo migrates a new database, seeds it (``manage.py seed_demo``) and runs Django's
development server (``manage.py runserver``) on 127.0.0.1. See docs/example.rst.

Databases: SQLite in a temporary directory by default. With DATABASE_URL (a ``postgres://``
URL, read with dj-database-url) the demo connects to that server and creates a database of its
own (``tenancy_demo_<random>``). Either is deleted when the demo ends: it never reads or writes
an existing database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "example"
sys.path.insert(0, str(HERE))  # the tour's app, and tenancy itself when it is not installed


def say(text: str = "") -> None:
    print(text, flush=True)  # in order with the output of the commands run meanwhile


# --- The demo's own database ----------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str  # for EXAMPLE_DATABASE_URL (dj-database-url)
    settings: dict  # for DATABASES["default"]
    where: str  # for people


def dj_database_url():
    try:
        import dj_database_url
    except ImportError:
        sys.exit('demo.py needs dj-database-url: pip install -e ".[test]"')
    return dj_database_url


@contextlib.contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="tenancy-demo-") as directory:
        path = os.path.join(directory, "db.sqlite3")
        settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
        try:
            yield Database(f"sqlite:///{path}", settings, f"SQLite, in the temporary file {path}")
        finally:
            say(f"(deleting the demo database {path})")


def server_connection(url: str):
    """A connection in autocommit mode to the PostgreSQL server (and database) of ``url``."""
    conninfo = urlunsplit(urlsplit(url)._replace(scheme="postgresql"))  # libpq's spelling
    try:
        import psycopg
    except ImportError:
        try:
            import psycopg2
        except ImportError:
            sys.exit('DATABASE_URL names PostgreSQL, which needs psycopg: pip install -e ".[test]"')
        connection = psycopg2.connect(conninfo)
        connection.autocommit = True
        return connection
    return psycopg.connect(conninfo, autocommit=True)


def run_on_server(url: str, *statements: str) -> None:
    connection = server_connection(url)
    try:
        cursor = connection.cursor()
        for statement in statements:
            cursor.execute(statement)
    finally:
        connection.close()


@contextlib.contextmanager
def postgresql_database(url: str) -> Iterator[Database]:
    """A new database on the server of ``url``, created now and dropped at the end."""
    server = dj_database_url().parse(url)
    if server["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(f"demo.py runs on SQLite or PostgreSQL; DATABASE_URL names {server['ENGINE']}. Unset it for SQLite.")
    name = f"tenancy_demo_{secrets.token_hex(4)}"
    run_on_server(url, f'CREATE DATABASE "{name}"')
    try:
        own = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        where = f"PostgreSQL at {server['HOST'] or 'localhost'}:{server['PORT'] or 5432}, in the new database {name}"
        yield Database(own, {**server, "NAME": name}, where)
    finally:
        # FORCE (PostgreSQL 13+): a connection a killed server left behind must not keep it alive.
        run_on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        say(f"(dropped the demo database {name})")


def demo_database() -> contextlib.AbstractContextManager[Database]:
    url = os.environ.get("DATABASE_URL")
    return postgresql_database(url) if url else sqlite_database()


# --- The example project ------------------------------------------------------------------------


class Stop(Exception):
    """SIGTERM or SIGHUP: the demo stops as for Ctrl-C, and deletes its database."""


def raise_stop(signum, frame):
    raise Stop


def example(port: int, serve: bool, reload: bool) -> int:
    dj_database_url()  # the example's settings read EXAMPLE_DATABASE_URL with it
    manage = [sys.executable, str(EXAMPLE / "manage.py")]
    # Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop the demo, which stops the server and deletes
    # the database; also when it was started with SIGINT ignored (in the background by a shell): its
    # children then get the default handlers, and stop on SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, raise_stop)
    signal.signal(signal.SIGHUP, raise_stop)
    try:
        with demo_database() as database:
            env = {**os.environ, "EXAMPLE_DATABASE_URL": database.url, "DJANGO_SETTINGS_MODULE": "trackersite.settings"}
            say("tenancy's example project: an issue tracker whose organizations are tenants.")
            say(f"Database: {database.where} (deleted when the demo ends)\n")
            say("manage.py migrate, then manage.py seed_demo:")
            for command in (["migrate", "--verbosity", "0"], ["seed_demo", "--port", str(port)]):
                completed = subprocess.run(manage + command, env=env, cwd=EXAMPLE, stdin=subprocess.DEVNULL)
                if completed.returncode:
                    say(f"\nmanage.py {command[0]} failed (exit status {completed.returncode}).")
                    return completed.returncode
            if not serve:
                say("\n--no-serve: the server is not started.")
                return 0
            say(
                f"\nOpen http://localhost:{port}/ (the public site) or http://acme.localhost:{port}/ (acme)."
                "\nStarting Django's development server; Ctrl-C stops it and deletes the database.\n"
            )
            command = ["runserver", f"127.0.0.1:{port}"] + ([] if reload else ["--noreload"])
            return serve_until_stopped(manage + command, env)
    except (KeyboardInterrupt, Stop):
        say("\nInterrupted.")
        return 130


def serve_until_stopped(argv: list[str], env: dict[str, str]) -> int:
    """Run the server until it exits, or until Ctrl-C or SIGTERM, which stop it. It runs in a process
    group of its own, signalled as one: the autoreloader's child stops with it."""
    server = subprocess.Popen(argv, env=env, cwd=EXAMPLE, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        return server.wait()
    except (KeyboardInterrupt, Stop):
        # Another Ctrl-C must not interrupt the clean-up (and leave the database behind).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_group(server)
        say("\nServer stopped.")
        return 0


def stop_group(leader: subprocess.Popen) -> None:
    """Stop ``leader`` (SIGINT, then SIGTERM, then SIGKILL) with its group, and then what it left behind."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader.pid, sig)
        try:
            leader.wait(5)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(leader.pid, signal.SIGKILL)  # the autoreloader's child, should it have outlived its parent


# --- The tour -----------------------------------------------------------------------------------


def run_tour() -> int:
    from demo import tour

    with demo_database() as database:
        tour.configure({"default": database.settings})
        try:
            tour.tour(database.where)
        finally:
            from django.db import connections

            connections.close_all()
    return 0


def run_makemigrations() -> int:
    from demo import tour

    tour.makemigrations()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="demo.py",
        description="Run tenancy's example project (an issue tracker), or its scripted tour.",
        epilog="With DATABASE_URL=postgres://..., on a new database of that server. See docs/example.rst.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=["example", "tour", "makemigrations"],
        default="example",
        help="example (the default): the example project; tour: the scripted tour of the API; "
        "makemigrations: regenerate the tour app's migrations",
    )
    parser.add_argument("--port", type=int, default=8000, help="the development server's port (8000)")
    parser.add_argument("--noreload", action="store_true", help="without the development server's autoreloader")
    parser.add_argument("--no-serve", action="store_true", help="migrate, seed and print the logins, then stop")
    args = parser.parse_args(argv)
    if args.command == "tour":
        return run_tour()
    if args.command == "makemigrations":
        return run_makemigrations()
    return example(args.port, serve=not args.no_serve, reload=not args.noreload)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
