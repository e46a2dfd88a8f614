"""pgbouncer in transaction pooling mode, in front of a test database: its configuration and command.

The pooler listens on a free port of 127.0.0.1 and offers the database under two names: its own,
with a pool of :data:`POOL_SIZE` server connections shared by all clients, and ``<name>_single``,
with one server connection only, on which any session state one client sets is seen by the next.
Clients log in without a password (``auth_type = trust``, the user listed in the auth file);
pgbouncer logs in to PostgreSQL as the database's user. pgbouncer refuses to run as root: as root,
it is told to switch to the ``postgres`` user (or ``nobody``) with ``-u``.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from .databases import Database

POOL_SIZE = 4


def executable() -> str | None:
    """pgbouncer's path, or None when it is not installed (Debian: /usr/sbin, often not on PATH)."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/local/sbin")


def run_as() -> str | None:
    """The user pgbouncer must switch to: None unless running as root."""
    if os.geteuid() != 0:
        return None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return user
    return None


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_config(directory: Path, port: int, database: Database) -> Path:
    """Write pgbouncer.ini and its auth file into ``directory``; return the ini's path."""
    target = (
        f"host={_quote(database.host or '127.0.0.1')} port={database.port} dbname={_quote(database.name)} "
        f"user={_quote(database.user)}"
    )
    if database.password:
        target += f" password={_quote(database.password)}"
    auth_file = directory / "users.txt"
    auth_file.write_text(f'"{database.user}" ""\n')
    ini = directory / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"{database.name} = {target} pool_size={POOL_SIZE}\n"
        f"{database.name}_single = {target} pool_size=1\n"
        "\n[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {auth_file}\n"
        "pool_mode = transaction\n"
        "max_client_conn = 500\n"
        f"default_pool_size = {POOL_SIZE}\n"
        "ignore_startup_parameters = extra_float_digits\n"
        "log_connections = 0\n"
        "log_disconnections = 0\n"
    )
    # Readable by the user pgbouncer switches to.
    directory.chmod(0o755)
    for path in (auth_file, ini):
        path.chmod(0o644)
    return ini


def command(ini: Path) -> list[str]:
    """The command that runs pgbouncer in the foreground with ``ini``."""
    user = run_as()
    return [executable() or "pgbouncer", *(["-u", user] if user else []), str(ini)]
