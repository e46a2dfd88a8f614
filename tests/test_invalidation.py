"""Other processes hear at once of a tenant changed elsewhere (PostgreSQL's LISTEN/NOTIFY)."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from tenancy import invalidation
from tenancy.lookup import lookup
from tenancy.routing import Route
from tests.shop.models import Customer

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

ACME = Route("acme")


@pytest.fixture
def listener(delete_tenants):
    lookup.clear()
    started = invalidation.listen("default", force=True)
    assert started.listening.wait(10), "the listener did not start"
    yield started
    invalidation.stop_listening()
    assert not started.is_alive()
    lookup.clear()


def in_another_process(code: str) -> None:
    """Run ``code`` with the test database in a new Python process (as another server would)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "TENANCY_TEST_BACKEND": "postgresql",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    script = f"import django\ndjango.setup()\nfrom tests.shop.models import Customer\n{code}"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def forgotten(route: Route, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while lookup.cached("default", route) is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def all_notices_heard(name: str) -> None:
    """Return once the listener has heard every notice committed so far.

    PostgreSQL delivers notices in the order their transactions committed. This makes a tenant
    (``name``) and sends a second notice naming it, and a tenant's notice forgets only its own
    entry and unknown keys: once that tenant is forgotten, the listener has heard one of the two,
    and so every earlier notice.
    """
    other = Customer.objects.create(name=name)
    lookup.get("default", Route(name))
    with connection.cursor() as cursor:  # the second, in case the first came before the lookup
        cursor.execute("SELECT pg_notify(%s, %s)", [invalidation.CHANNEL, str(other.pk)])
    assert forgotten(Route(name)), "the listener did not hear the notices"


def test_a_tenant_deleted_and_made_again_by_another_process_is_seen_at_once(listener):
    old = Customer.objects.create(name="acme")
    assert lookup.get("default", ACME).tenant.pk == old.pk
    in_another_process("Customer.objects.get(name='acme').delete(); Customer.objects.create(name='acme')")
    assert forgotten(ACME)
    assert lookup.get("default", ACME).tenant.pk not in (None, old.pk)


def test_a_tenant_created_elsewhere_replaces_a_remembered_miss(listener):
    assert lookup.get("default", ACME).tenant is None  # remembered as nobody's
    in_another_process("Customer.objects.create(name='acme')")
    assert forgotten(ACME)
    assert lookup.get("default", ACME).tenant.name == "acme"


@pytest.fixture
def heard(monkeypatch) -> list:
    """What the listener was told to forget (a tenant's key, or None for everything), in order."""
    told = []
    forget = lookup.forget

    def forget_and_note(pk=None, using=None):
        if threading.current_thread().name.startswith("tenancy-listener"):
            told.append(pk)
        forget(pk, using)

    monkeypatch.setattr(lookup, "forget", forget_and_note)
    return told


def test_a_rolled_back_change_tells_nobody(listener, heard):
    globex = Customer.objects.create(name="globex")
    all_notices_heard("initech")  # the creation's own notice, which would make it forget what follows
    remembered = lookup.get("default", Route("globex"))
    with pytest.raises(RuntimeError), transaction.atomic():
        Customer.objects.get(name="globex").save()  # notifies, in this transaction
        lookup.get("default", Route("globex"))  # looked up again meanwhile, before the rollback
        raise RuntimeError
    all_notices_heard("umbrella")  # so a notice sent at the save or at the rollback was heard
    assert heard.count(str(globex.pk)) == 1  # the creation's; none of the save's
    assert lookup.cached("default", Route("globex")) is not None
    assert lookup.cached("default", Route("globex")).tenant.pk == remembered.tenant.pk


def test_a_lost_connection_forgets_everything_and_listens_again(listener):
    Customer.objects.create(name="acme")
    lookup.get("default", ACME)
    with connection.cursor() as cursor:  # the server drops the listener's connection
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s AND datname = current_database()",
            [f"LISTEN {invalidation.CHANNEL}"],
        )
        assert cursor.fetchone() == (True,)
    assert forgotten(ACME)
    deadline = time.monotonic() + 10
    while not listener.listening.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.listening.is_set()
    lookup.get("default", ACME)
    in_another_process("Customer.objects.get(name='acme').delete()")
    assert forgotten(ACME)


def test_no_listener_starts_in_the_test_environment_unless_forced():
    assert invalidation.listen("default") is None
