"""tenancy.contrib.celery with a real broker (Redis) and a real worker process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tenancy.context import using_tenant
from tenancy.contrib.celery import tenant_headers
from tests.shop.models import Customer, Product
from tests.test_cache import redis_is_up

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379, the broker"),
    pytest.mark.skipif(connection.vendor == "mysql", reason="the worker is tested on SQLite and PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(monkeypatch, delete_tenants):
    """A Celery worker process on this test's database and a queue of its own."""
    queue = f"tenancy-tests-{uuid.uuid4().hex}"
    monkeypatch.setenv("TENANCY_CELERY_QUEUE", queue)
    env = {**os.environ, "TENANCY_TEST_DB_NAME": connection.settings_dict["NAME"], "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.celery_app", "worker", "--pool", "solo", "-Q", queue,
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from tests import celery_app

    celery_app.app.conf.task_default_queue = queue
    try:
        yield celery_app
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stdout.close()


def test_tasks_run_for_the_tenant_they_were_sent_for(worker):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    results = []
    for i in range(5):  # interleaved: acme, globex, acme, ...
        for tenant in (acme, globex):
            with using_tenant(tenant):
                results.append((tenant, worker.add_product.delay(f"{tenant.name}-{i}")))
    answers = [(tenant, result.get(timeout=60)) for tenant, result in results]
    for tenant, answer in answers:
        assert answer.startswith(f"{tenant.name}: ")
    for tenant in (acme, globex):
        names = sorted(Product.for_tenant(tenant).objects.values_list("name", flat=True))
        assert names == [f"{tenant.name}-{i}" for i in range(5)]


def test_explicit_headers_no_tenant_and_a_deleted_tenant(worker):
    initech = Customer.objects.create(name="initech")
    assert worker.whose.apply_async(headers=tenant_headers(initech)).get(timeout=60) == "initech"
    assert worker.add_product.delay("nobody's").get(timeout=60) == "no tenant"
    with using_tenant(initech):
        pending = worker.whose.apply_async(countdown=1)
    initech.delete()
    deadline = time.monotonic() + 60
    with pytest.raises(Exception, match="no longer exists"):
        pending.get(timeout=max(1.0, deadline - time.monotonic()))
