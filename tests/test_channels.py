"""tenancy.contrib.channels: websockets routed to tenants, with a real client against a real ASGI server (daphne)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.shop.models import Customer, Product

websockets = pytest.importorskip("websockets.sync.client")
pytest.importorskip("daphne")

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(connection.vendor == "mysql", reason="the server is tested on SQLite and PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(request, django_db_setup):
    """daphne on the test database, with the routing the tests' parameter names (one per module and routing)."""
    routing = getattr(request, "param", "header")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ws.settings",
        "TENANCY_TEST_DB_NAME": connection.settings_dict["NAME"],
        "TENANCY_WS_ROUTING": routing,
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "tests.ws.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start: {process.stdout.read().decode()}") from None
            time.sleep(0.1)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
        output = process.stdout.read().decode()
        process.stdout.close()
        if "Traceback" in output:
            print(output)


@pytest.fixture
def shops(db, delete_tenants):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    Product.for_tenant(acme).objects.create(name="anvil")
    Product.for_tenant(globex).objects.create(name="rocket")
    return acme, globex


def talk(url, message, **headers):
    with websockets.connect(url, additional_headers=headers, open_timeout=10) as ws:
        ws.send(message)
        return ws.recv(timeout=10)


@pytest.mark.parametrize("server", ["header"], indirect=True)
def test_each_connection_serves_its_tenant(server, shops):
    assert talk(f"{server}/ws/echo/", "hi", **{"X-Tenant": "acme"}) == "acme /ws/echo/ ['anvil'] current=acme hi"
    assert talk(f"{server}/ws/echo/", "yo", **{"X-Tenant": "globex"}) == "globex /ws/echo/ ['rocket'] current=globex yo"
    assert talk(f"{server}/ws/echo/", "hey") == "public tenant=None hey"


@pytest.mark.parametrize("server", ["header"], indirect=True)
def test_interleaved_connections_never_mix_tenants(server, shops):
    from concurrent.futures import ThreadPoolExecutor

    def session(key):
        with websockets.connect(f"{server}/ws/echo/", additional_headers={"X-Tenant": key}, open_timeout=10) as ws:
            answers = []
            for i in range(5):
                ws.send(str(i))
                answers.append(ws.recv(timeout=10))
            return key, answers

    with ThreadPoolExecutor(max_workers=8) as pool:
        for key, answers in pool.map(session, ["acme", "globex"] * 8):
            expected = "['anvil']" if key == "acme" else "['rocket']"
            assert all(a.startswith(f"{key} /ws/echo/ {expected} current={key} ") for a in answers), answers


@pytest.mark.parametrize("server", ["header"], indirect=True)
def test_an_unknown_tenant_is_refused_at_the_handshake(server, shops):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as info:
        talk(f"{server}/ws/echo/", "hi", **{"X-Tenant": "nobody"})
    assert info.value.response.status_code == 403


@pytest.mark.parametrize("server", ["path"], indirect=True)
def test_path_routing(server, shops):
    answer = talk(f"{server}/t/globex/ws/echo/", "hi")
    assert answer == "globex /t/globex/ws/echo/ ['rocket'] current=globex hi"
    assert talk(f"{server}/ws/echo/", "hi") == "public tenant=None hi"
