"""The servers of ``bench_http.py`` and the load on them: gunicorn, the django-tenants peer, wrk.

:class:`Servers` starts this side's gunicorn servers (``httpbench.wsgi``, one per variant) and
the peer's serve process (``peer_django_tenants/run.py serve``, which starts its own two), and
stops them all when the benchmark exits. :func:`load` runs wrk against one server with the
host-rotating script ``rotate_hosts.lua`` and returns its summary.
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

HTTP = Path(__file__).resolve().parent.parent  # benchmarks/http
ROOT = HTTP.parent.parent
LUA = HTTP / "rotate_hosts.lua"
PEER_RUN = ROOT / "benchmarks" / "peer_django_tenants" / "run.py"


def workers_of(master: int) -> list[int]:
    """The processes whose parent is ``master`` (a gunicorn arbiter's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # gone meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
    return children


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes ``pids`` have used so far, from /proc."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, workers: int, app: str) -> list[str]:
    """The gunicorn command line of a variant; the peer's serve mode uses the same options."""
    return [
        *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        *("--worker-class", "sync", "--log-level", "warning", app),
    ]


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not start in {timeout:.0f} s")


class Servers:
    """This side's gunicorn servers and the peer's serve process, all stopped at exit."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []
        self.peer: subprocess.Popen | None = None
        atexit.register(self.stop)

    def start_gunicorn(self, variant: str, workers: int, db_name: str) -> tuple[int, int, str]:
        """Serve ``variant`` on a free port: the port, the arbiter's pid and the command line (to print)."""
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "httpbench.settings",
            "BENCH_HTTP_VARIANT": variant,
            "BENCH_DB_NAME": db_name,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(HTTP)]),
        }
        command = gunicorn_command(port, workers, "httpbench.wsgi:application")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sys.stderr)
        self.processes.append(process)
        wait_until_listening(port, process)
        return port, process.pid, shlex.join(["python", *command[1:]])

    def start_peer(self, tenants: int, rows: int, workers: int, database_url: str) -> None:
        """Start the peer's serve mode; it sets itself up while this side does (see peer_ready)."""
        command = [sys.executable, str(PEER_RUN), "serve", "--tenants", str(tenants), "--rows", str(rows)]
        command += ["--workers", str(workers), "--database-url", database_url]
        self.peer = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def peer_ready(self) -> dict:
        """The peer's ready line (its ports, statement counts, versions)."""
        for line in self.peer.stdout:
            if line.startswith('{"ready": true'):
                return json.loads(line)
        raise SystemExit(f"the django-tenants peer exited with status {self.peer.wait()} before serving")

    def stop(self) -> None:
        if self.peer is not None and self.peer.poll() is None:
            self.peer.stdin.close()  # the peer stops its servers and drops its database
            try:
                self.peer.wait(60)
            except subprocess.TimeoutExpired:
                self.peer.terminate()
                self.peer.wait()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def http_get(port: int, host: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wrk_command(port: int, seconds: float, threads: int, connections: int, path: str, hosts: int, pattern: str):
    return [
        *("wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "-s", str(LUA)),
        *(f"http://127.0.0.1:{port}", "--", path, str(hosts), pattern),
    ]


def wrk_version() -> str:
    """wrk's first line of ``wrk -v`` (which exits with status 1), e.g. ``wrk debian/4.1.0-3+b2 [epoll]``."""
    output = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return output.split(" Copyright")[0].strip() or "wrk (version unknown)"


def load(command: list[str], master: int) -> dict:
    """Run wrk against the server of the gunicorn arbiter ``master``: the summary ``rotate_hosts.lua``
    prints, with ``rps``, ``error_count`` and ``cpu_s`` (the CPU time its workers used meanwhile)."""
    workers = workers_of(master)
    cpu = cpu_seconds(workers)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = cpu_seconds(workers) - cpu
    line = next((line for line in output.splitlines() if line.startswith("wrk-json ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{output}")
    result = json.loads(line.removeprefix("wrk-json "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["error_count"] = sum(result["errors"].values())
    result["cpu_s"] = cpu
    return result
