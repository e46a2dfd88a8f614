"""The Celery app of the Celery tests: its worker runs in a process of its own (tests/test_celery.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from celery import Celery  # noqa: E402

from tenancy.context import current_tenant  # noqa: E402
from tests.shop.models import Product  # noqa: E402

app = Celery(
    "tenancy_tests",
    broker=os.environ.get("TENANCY_CELERY_BROKER", "redis://127.0.0.1:6379/15"),
    backend=os.environ.get("TENANCY_CELERY_BROKER", "redis://127.0.0.1:6379/15"),
    task_cls="tenancy.contrib.celery:TenantTask",
)
app.conf.task_default_queue = os.environ.get("TENANCY_CELERY_QUEUE", "tenancy-tests")
app.conf.broker_connection_retry_on_startup = True


@app.task
def add_product(name):
    """Writes a product in the tenant the task was sent for; says which tenant that was, and its products."""
    tenant = current_tenant()
    if tenant is None:
        return "no tenant"
    Product.for_tenant(tenant).objects.create(name=name)
    return f"{tenant.name}: {sorted(Product.for_tenant(tenant).objects.values_list('name', flat=True))}"


@app.task(bind=True)
def whose(self):
    return str(self.tenant)
