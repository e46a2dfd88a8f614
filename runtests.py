#!/usr/bin/env python3
"""Run tenancy's test suite on every database backend.

Each backend runs as its own ``python -m pytest`` subprocess with ``TENANCY_TEST_BACKEND`` set
(``sqlite``, ``postgresql`` or ``mysql``) and, for the server backends, ``DATABASE_URL``
(``tests/settings.py`` reads both). The backends run at the same time (each test run has a
database of its own), the two PostgreSQL drivers one after the other; each run's output is shown
in one block when it ends. ``--serial`` runs them one after the other, streaming the output live.
A summary table and a final ``N passed, N failed[, N skipped]`` line are printed at the end.

Usage::

    python runtests.py                          # sqlite + postgresql (+ mysql when reachable)
    python runtests.py --backend sqlite -x      # unknown options go to pytest
    python runtests.py -k isolation -- -vv      # so does everything after "--"
    python runtests.py --require-postgresql     # fail when PostgreSQL could not run (implied by $CI)
    python runtests.py --throwaway-postgresql   # always use a private, temporary PostgreSQL cluster

Where the PostgreSQL server comes from:

* ``--throwaway-postgresql`` (or ``TENANCY_THROWAWAY_POSTGRESQL=1``): a temporary cluster is
  created with ``initdb``/``pg_ctl`` on a free port and deleted afterwards; DATABASE_URL is ignored.
* ``DATABASE_URL`` set: that server (must be ``postgres://`` or ``postgresql://``). If it does not
  answer, PostgreSQL is reported as "not run" with the error. We deliberately do *not* fall back to
  a throwaway cluster then: an explicit URL means "test against this server", and silently testing
  something else would hide a misconfiguration.
* otherwise ``postgres://postgres@127.0.0.1:5432/postgres``; when nothing answers there and the
  PostgreSQL server binaries are installed, a throwaway cluster is used instead.

MySQL/MariaDB uses ``DATABASE_URL_MYSQL`` or ``mysql://root@127.0.0.1:3306/test``; it runs by
default only when the server answers, and a missing MySQL never makes the run fail.

Exit status: 0 when every run passed; 1 when a run failed (pytest's exit code 5, "no tests
collected", counts as a failure) or PostgreSQL was selected, required and did not run; 130 when
interrupted.
"""

import argparse
import glob
import importlib.metadata
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BACKENDS = ("sqlite", "postgresql", "postgresql-psycopg2", "mysql")
# Django picks psycopg (3) when it can import it: this folder hides it, so that psycopg2 is tested too.
HIDE_PSYCOPG = Path(__file__).resolve().parent / "tests" / "hide_psycopg"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/test"
CONNECT_TIMEOUT = 5

PYTEST_EXIT_CODES = {
    1: "tests failed",
    2: "interrupted",
    3: "pytest internal error",
    4: "pytest usage error",
    5: "no tests collected",
}


def say(message: str = "") -> None:
    print(f"runtests: {message}" if message else "", flush=True)


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def redact(url: str) -> str:
    """The URL with its password (if any) replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{hostinfo}"))


class NotAvailable(Exception):
    """A database backend cannot be used; ``str(exc)`` says why."""


@dataclass
class Outcome:
    backend: str
    result: str = "not run"  # passed | failed | not run | interrupted
    counts: dict[str, int] = field(default_factory=dict)
    summary: str = ""  # pytest's final line, without the duration
    duration: float | None = None
    database: str = ""
    note: str = ""


# --------------------------------------------------------------------------------------------------
# Reachability checks


def tcp_check(host: str, port: int) -> None:
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        raise NotAvailable(f"TCP connection to {host}:{port} failed: {exc}") from None


def split_url(url: str, schemes: tuple[str, ...], default_port: int) -> tuple[urllib.parse.SplitResult, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in schemes:
        wanted = " or ".join(f"{scheme}://" for scheme in schemes)
        raise NotAvailable(f"{redact(url)!r} is not a {wanted} URL")
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise NotAvailable(f"{redact(url)!r} is not a valid URL: {exc}") from None
    return parts, port


def pg_check(url: str) -> None:
    """Raise NotAvailable unless ``SELECT 1`` works on the PostgreSQL server at ``url``."""
    parts, port = split_url(url, ("postgres", "postgresql"), 5432)
    host = urllib.parse.unquote(parts.hostname or "")
    if host and not host.startswith("/"):  # an empty host or a path means a unix socket
        tcp_check(host, port)
    try:
        import psycopg2 as driver
    except ImportError:
        try:
            import psycopg as driver
        except ImportError:
            raise NotAvailable(
                f"neither psycopg2 nor psycopg is importable by {sys.executable} "
                "(install the test extras: pip install -e '.[test]')"
            ) from None
    # libpq understands postgres:// and postgresql:// URIs; keep any query (sslmode=...) as is.
    try:
        conn = driver.connect("postgresql://" + url.split("://", 1)[1], connect_timeout=CONNECT_TIMEOUT)
        try:
            cursor = conn.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
        finally:
            conn.close()
    except driver.Error as exc:
        message = " ".join(str(exc).split())
        raise NotAvailable(f"{driver.__name__} could not run SELECT 1: {message}") from None


def mysql_check(url: str) -> None:
    """Raise NotAvailable unless a MySQL/MariaDB server answers at ``url``."""
    parts, port = split_url(url, ("mysql", "mysql2", "mysqlgis", "mysql-connector"), 3306)
    host = urllib.parse.unquote(parts.hostname or "localhost")
    tcp_check(host, port)
    try:
        import pymysql
    except ImportError:
        raise NotAvailable(f"PyMySQL is not importable by {sys.executable} (pip install PyMySQL)") from None
    try:
        conn = pymysql.connect(
            host=host,
            port=port,
            user=urllib.parse.unquote(parts.username or "root"),
            password=urllib.parse.unquote(parts.password or ""),
            connect_timeout=CONNECT_TIMEOUT,
        )
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            conn.close()
    except pymysql.MySQLError as exc:
        raise NotAvailable(f"PyMySQL could not run SELECT 1: {exc}") from None


# --------------------------------------------------------------------------------------------------
# Throwaway PostgreSQL cluster


def find_pg_bindir() -> Path | None:
    """A directory holding both ``initdb`` and ``pg_ctl``: PATH first, then /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    found = shutil.which("initdb")
    if found:
        # /usr/local/bin/initdb may be a symlink into /usr/lib/postgresql/NN/bin: use the real
        # directory so that pg_ctl and postgres come from the same installation.
        candidates += [Path(os.path.realpath(found)).parent, Path(found).parent]

    def version_key(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(n) for n in re.findall(r"\d+", name)) or (0,)

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)]
    for directory in candidates:
        if all(os.access(directory / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            return directory
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A temporary PostgreSQL cluster on 127.0.0.1, trust auth, user ``postgres``.

    initdb refuses to run as root, so when we are root the cluster's commands run as the
    ``postgres`` system user (via subprocess's ``user=``/``group=``, i.e. setuid in the child) and
    the temporary directory is chowned to it.
    """

    def __init__(self) -> None:
        self.tmpdir: Path | None = None
        self.bindir: Path | None = None
        self.started = False
        self.url = ""
        self._ids: tuple[int, int] | None = None

    def _run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", HOME=str(self.tmpdir))
        kwargs: dict = {}
        if self._ids:
            kwargs = {"user": self._ids[0], "group": self._ids[1], "extra_groups": []}
        return subprocess.run(
            args,
            cwd=self.tmpdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            start_new_session=True,  # keep the server out of the terminal's Ctrl-C; we stop it ourselves
            **kwargs,
        )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = (self.tmpdir / "postgres.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def start(self) -> str:
        self.bindir = find_pg_bindir()
        if self.bindir is None:
            raise NotAvailable(
                "PostgreSQL's server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin"
            )
        if os.geteuid() == 0:
            import pwd

            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise NotAvailable(
                    "initdb refuses to run as root and there is no 'postgres' user to run it as "
                    "(create one, e.g. `useradd --system postgres`, or run runtests.py as a non-root user)"
                ) from None
            self._ids = (entry.pw_uid, entry.pw_gid)
        self.tmpdir = Path(tempfile.mkdtemp(prefix="tenancy-pg-"))
        if self._ids:
            os.chown(self.tmpdir, *self._ids)
        data = self.tmpdir / "data"
        say(f"creating a throwaway PostgreSQL cluster in {self.tmpdir} with {self.bindir}")
        initdb = [str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        result = self._run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
        if result.returncode:
            output = (result.stdout + result.stderr).strip()
            raise NotAvailable(f"initdb failed (exit {result.returncode}): {output[-1500:]}")
        socket_dir = str(self.tmpdir).replace("'", "''")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# throwaway test cluster (runtests.py)\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{socket_dir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        pg_ctl = str(self.bindir / "pg_ctl")
        for _attempt in range(3):
            port = free_port()
            log = str(self.tmpdir / "postgres.log")
            result = self._run([pg_ctl, "-D", str(data), "-l", log, "-w", "-t", "60", "-o", f"-p {port}", "start"])
            if result.returncode == 0:
                self.started = True
                break
            if "already in use" not in self._log_tail():  # lost a race for the port: try another
                output = (result.stdout + result.stderr).strip()
                raise NotAvailable(
                    f"pg_ctl start failed (exit {result.returncode}): {output[-800:]}\n{self._log_tail()}"
                )
        else:
            raise NotAvailable(f"pg_ctl start failed 3 times: {self._log_tail()}")
        self.url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        pg_check(self.url)
        return self.url

    def stop(self) -> None:
        if self.tmpdir is None:
            return
        data = self.tmpdir / "data"
        if self.started:
            try:
                result = self._run(
                    [
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(data),
                        "-m",
                        "immediate",
                        "-w",
                        "-t",
                        "30",
                        "stop",
                    ],
                    timeout=60,
                )
                stopped = result.returncode == 0
            except subprocess.TimeoutExpired:
                stopped = False
            if not stopped:  # last resort: SIGQUIT (immediate shutdown) to the postmaster
                try:
                    pid = int((data / "postmaster.pid").read_text().split()[0])
                    os.kill(pid, signal.SIGQUIT)
                    time.sleep(1)
                except (OSError, ValueError, IndexError):
                    pass
            self.started = False
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        say(f"throwaway PostgreSQL cluster stopped and {self.tmpdir} removed")
        self.tmpdir = None


# --------------------------------------------------------------------------------------------------
# Running pytest

ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
FINAL_LINE_RE = re.compile(
    r"^=*\s*(?P<body>(?:\d+ [a-z]+|no tests ran)(?:, \d+ [a-z]+)*)"
    r"\s+in\s+[\d.]+s(?:\s+\([\d:.]+\))?\s*=*$"
)
COUNT_RE = re.compile(r"(\d+) ([a-z]+)")
COUNT_ALIASES = {"error": "errors", "warning": "warnings"}


def parse_final_line(output: str) -> tuple[str, dict[str, int]]:
    for line in reversed(ANSI_RE.sub("", output).splitlines()):
        match = FINAL_LINE_RE.match(line.strip())
        if match:
            body = match["body"]
            counts = {COUNT_ALIASES.get(word, word): int(n) for n, word in COUNT_RE.findall(body)}
            return body, counts
    return "", {}


def wants_option(args: list[str], *prefixes: str) -> bool:
    return any(arg == p or arg.startswith(p) for arg in args for p in prefixes)


def stop_child(proc: subprocess.Popen) -> int:
    """After Ctrl-C/SIGTERM: let pytest finish its interrupted run (and Django drop the test
    database), escalating to SIGINT, SIGTERM and SIGKILL when it does not exit."""
    for sig, grace in ((None, 3), (signal.SIGINT, 20), (signal.SIGTERM, 5), (signal.SIGKILL, None)):
        if sig is not None and proc.poll() is None:
            proc.send_signal(sig)
        try:
            return proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            continue
    return proc.wait()


# Whether the backends run at the same time (see --serial); their blocks of output are written one at a time.
PARALLEL = False
OUTPUT_LOCK = threading.Lock()


def run_pytest(outcome: Outcome, env_extra: dict[str, str], pytest_args: list[str]) -> bool:
    """Run the suite for one backend, filling in ``outcome``. Returns False when interrupted."""
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    if not wants_option(pytest_args, "-q", "-v", "--quiet", "--verbose", "--verbosity"):
        cmd.append("-q")
    if not wants_option(pytest_args, "--color") and sys.stdout.isatty() and "NO_COLOR" not in os.environ:
        cmd.append("--color=yes")  # pytest writes to a pipe (ours), so it would not colour by itself
    cmd += pytest_args
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env.update(env_extra, PYTHONUNBUFFERED="1")
    shown_env = " ".join(f"{k}={shlex.quote(redact(v))}" for k, v in env_extra.items())
    opening = (
        f"\n{'=' * 30} {outcome.backend} {'=' * (68 - len(outcome.backend))}\nruntests: {shown_env} {shlex.join(cmd)}\n"
    )
    block = bytearray()  # with backends running at the same time: the output, shown when the run ends
    if PARALLEL:
        say(f"{outcome.backend}: started; its output follows when it ends")
        block.extend(opening.encode())
    else:
        print(opening, end="", flush=True)

    tail = bytearray()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def pump() -> None:  # stream pytest's output as it comes (or keep it), keeping the end for parsing
        out = sys.stdout.buffer
        while chunk := os.read(proc.stdout.fileno(), 65536):
            if PARALLEL:
                block.extend(chunk)
            else:
                try:
                    out.write(chunk)
                    out.flush()
                except OSError:  # our stdout went away (e.g. `| head`): keep draining the pipe
                    pass
            tail.extend(chunk)
            del tail[:-65536]

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    interrupted = False
    try:
        returncode = proc.wait()
    except KeyboardInterrupt:
        interrupted = True
        returncode = stop_child(proc)
    pumper.join(timeout=10)
    proc.stdout.close()
    if PARALLEL:
        with OUTPUT_LOCK:
            try:
                sys.stdout.buffer.write(bytes(block))
                sys.stdout.buffer.flush()
            except OSError:
                pass

    outcome.duration = time.monotonic() - start
    outcome.summary, outcome.counts = parse_final_line(tail.decode("utf-8", "replace"))
    if interrupted:
        outcome.result = "interrupted"
    elif returncode == 0:
        outcome.result = "passed"
    else:
        outcome.result = "failed"
        outcome.note = f"pytest exit {returncode}: {PYTEST_EXIT_CODES.get(returncode, 'error')}"
        if not outcome.summary:
            outcome.note += " (no summary line: see the output above)"
    return not interrupted


# --------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    passthrough: list[str] = []
    if "--" in argv:
        index = argv.index("--")
        argv, passthrough = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(
        description="Run tenancy's test suite on SQLite, PostgreSQL and (when reachable) MySQL.",
        epilog="Unknown options and everything after '--' are passed to pytest.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--backend",
        action="append",
        metavar="NAME",
        help="backend to run: sqlite, postgresql, postgresql-psycopg2 or mysql; repeatable or comma-separated "
        "(default: sqlite, postgresql with psycopg 3 and with psycopg2, plus mysql when a server answers)",
    )
    parser.add_argument(
        "--require-postgresql",
        action="store_true",
        default=truthy(os.environ.get("CI")),
        help="fail when the PostgreSQL run could not happen (default when $CI is set)",
    )
    parser.add_argument(
        "--throwaway-postgresql",
        action="store_true",
        default=truthy(os.environ.get("TENANCY_THROWAWAY_POSTGRESQL")),
        help="run PostgreSQL tests on a temporary cluster started with initdb/pg_ctl, ignoring "
        "DATABASE_URL (default when $TENANCY_THROWAWAY_POSTGRESQL is set)",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="run the backends one after the other, streaming pytest's output live (default: at the same time, "
        "each backend's output shown in one block when it ends; the two PostgreSQL drivers run one after the other)",
    )
    args, unknown = parser.parse_known_args(argv)
    backends: list[str] = []
    for value in args.backend or []:
        for name in filter(None, (part.strip().lower() for part in value.split(","))):
            name = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql"}.get(name, name)
            if name not in BACKENDS:
                parser.error(f"unknown backend {name!r} (choose from {', '.join(BACKENDS)})")
            if name not in backends:
                backends.append(name)
    args.backends = backends
    return args, unknown + passthrough


def run_postgresql(
    outcome: Outcome, args: argparse.Namespace, pytest_args: list[str], cluster, driver: str = "psycopg"
) -> bool:
    explicit_url = os.environ.get("DATABASE_URL", "").strip()
    hint = (
        "To fix: set DATABASE_URL=postgres://USER[:PASSWORD]@HOST:PORT/DBNAME to a running server "
        "whose user may create databases, or install PostgreSQL (initdb and pg_ctl, e.g. "
        "`apt-get install postgresql`) so that a throwaway cluster can be started."
    )
    if args.throwaway_postgresql:
        say("PostgreSQL: using a throwaway cluster (--throwaway-postgresql)")
        tried = "a throwaway cluster"
        url = None
    else:
        url = explicit_url or DEFAULT_PG_URL
        tried = f"{redact(url)} ({'from DATABASE_URL' if explicit_url else 'default URL'})"
        try:
            pg_check(url)
        except NotAvailable as exc:
            if explicit_url:
                # An explicit DATABASE_URL means "test against this server": no silent fallback.
                outcome.note = f"DATABASE_URL unusable: {exc}"
                say(f"PostgreSQL NOT RUN: tried {tried}: {exc}")
                say(
                    "Not falling back to a throwaway cluster because DATABASE_URL was set explicitly; "
                    "start that server, fix or unset DATABASE_URL, or pass --throwaway-postgresql."
                )
                return True
            say(f"PostgreSQL: nothing usable at {tried}: {exc}")
            say("PostgreSQL: falling back to a throwaway cluster")
            url = None
    if url is None:
        try:
            url = cluster.start()
        except (NotAvailable, OSError, subprocess.SubprocessError) as exc:
            outcome.note = f"no server and no throwaway cluster: {str(exc).splitlines()[0]}"
            tried = "" if args.throwaway_postgresql else f"tried {tried}; "
            say(f"PostgreSQL NOT RUN: {tried}a throwaway cluster is not possible: {exc}")
            say(hint)
            cluster.stop()
            return True
        say(f"PostgreSQL: throwaway cluster running at {url}")
    outcome.database = redact(url)
    env = {"TENANCY_TEST_BACKEND": "postgresql", "DATABASE_URL": url, "TENANCY_TEST_PG_DRIVER": driver}
    if driver == "psycopg2":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HIDE_PSYCOPG), os.environ.get("PYTHONPATH")]))
    try:
        return run_pytest(outcome, env, pytest_args)
    finally:
        cluster.stop()


def run_mysql(outcome: Outcome, pytest_args: list[str]) -> bool:
    url = os.environ.get("DATABASE_URL_MYSQL", "").strip() or DEFAULT_MYSQL_URL
    try:
        mysql_check(url)
    except NotAvailable as exc:
        outcome.note = f"not reachable: {exc}"
        say(f"MySQL/MariaDB not run (this never fails the run): {redact(url)}: {exc}")
        say("To run it, start a server or set DATABASE_URL_MYSQL=mysql://USER[:PASSWORD]@HOST:PORT/DBNAME.")
        return True
    outcome.database = redact(url)
    return run_pytest(outcome, {"TENANCY_TEST_BACKEND": "mysql", "DATABASE_URL": url}, pytest_args)


def print_summary(outcomes: list[Outcome]) -> None:
    headers = ("backend", "result", "tests (pytest's final line)", "duration", "database / note")
    rows = []
    for o in outcomes:
        duration = f"{o.duration:.1f}s" if o.duration is not None else "-"
        detail = "; ".join(filter(None, (o.database, o.note)))
        rows.append((o.backend, o.result, o.summary or "-", duration, detail))
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers) - 1)]
    print(f"\n{'=' * 30} runtests summary {'=' * 52}")
    for row in (headers, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


def main(argv: list[str] | None = None) -> int:
    args, pytest_args = parse_args(list(sys.argv[1:] if argv is None else argv))
    explicit = bool(args.backends)
    backends = args.backends or list(BACKENDS)  # mysql only runs by default when it answers
    try:
        django_version = importlib.metadata.version("Django")
    except importlib.metadata.PackageNotFoundError:
        django_version = "not installed"
    say(
        f"Python {sys.version.split()[0]} ({sys.executable}), Django {django_version}; "
        f"backends: {', '.join(backends)}{'' if explicit else ' (mysql when reachable)'}"
        + (
            "; PostgreSQL required"
            if args.require_postgresql and any(b.startswith("postgresql") for b in backends)
            else ""
        )
    )
    # Turn SIGTERM (e.g. a CI timeout) into KeyboardInterrupt so that the cleanup below runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    outcomes = [Outcome(name) for name in backends]
    cluster = ThrowawayPostgres()
    interrupted = False

    def run(outcome: Outcome) -> bool:
        if outcome.backend == "sqlite":
            outcome.database = "sqlite (a temporary file)"
            return run_pytest(outcome, {"TENANCY_TEST_BACKEND": "sqlite"}, pytest_args)
        if outcome.backend == "postgresql":
            return run_postgresql(outcome, args, pytest_args, cluster)
        if outcome.backend == "postgresql-psycopg2":
            return run_postgresql(outcome, args, pytest_args, cluster, driver="psycopg2")
        return run_mysql(outcome, pytest_args)

    def run_group(group: list[Outcome]) -> bool:  # one after the other; False once one was interrupted
        return all(run(outcome) for outcome in group)

    global PARALLEL
    PARALLEL = not args.serial and len(outcomes) > 1
    # The PostgreSQL runs share a server (and maybe the throwaway cluster): they go one after the other.
    postgresql = [o for o in outcomes if o.backend.startswith("postgresql")]
    groups = [[o] for o in outcomes if o not in postgresql] + ([postgresql] if postgresql else [])
    if not PARALLEL:
        groups = [outcomes]
    try:
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            interrupted = not all(pool.map(run_group, groups))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        try:
            cluster.stop()
        except KeyboardInterrupt:  # a second Ctrl-C: still try to remove the cluster
            cluster.stop()
    if interrupted:
        for outcome in outcomes:
            if outcome.result == "not run" and not outcome.note:
                outcome.note = "interrupted"

    print_summary(outcomes)
    pg_runs = [o for o in outcomes if o.backend.startswith("postgresql")]
    failed_runs = [o.backend for o in outcomes if o.result == "failed"]
    missing = [o for o in pg_runs if o.result == "not run"]
    missing_pg = args.require_postgresql and bool(missing) and not interrupted
    if missing_pg:
        for o in missing:
            print(f"\nPostgreSQL is required (--require-postgresql or $CI) but {o.backend} did not run: {o.note}")
    if not any(o.result in ("passed", "failed") for o in outcomes) and not interrupted:
        print("\nWarning: no backend ran.")
    passed = sum(o.counts.get("passed", 0) for o in outcomes)
    failed = sum(o.counts.get("failed", 0) + o.counts.get("errors", 0) for o in outcomes)
    skipped = sum(o.counts.get("skipped", 0) for o in outcomes)
    print()
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""), flush=True)
    if interrupted:
        return 130
    return 1 if failed_runs or missing_pg else 0


if __name__ == "__main__":
    sys.exit(main())
