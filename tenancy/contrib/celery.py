"""Celery tasks that carry their tenant from the code that sends them to the worker that runs them.

::

    # proj/celery.py
    app = Celery("proj", task_cls="tenancy.contrib.celery:TenantTask")

    # anywhere
    @app.task
    def send_invoice(order_id):
        Order = current_tenant().models[Order]        # the tenant the task was sent for
        ...

    send_invoice.delay(order.pk)                         # during acme's request: runs for acme
    with using_tenant(globex):
        send_invoice.delay(other.pk)                     # runs for globex
    send_invoice.apply_async((pk,), headers=tenant_headers(initech))   # or say it explicitly

A task sent while a tenant is current (:func:`tenancy.context.current_tenant`: during a request
with ``TENANCY_CURRENT_TENANT = True``, or inside ``using_tenant()``) carries the tenant's model,
database and primary key in a message header. :class:`TenantTask` loads that tenant in the worker
and runs the task inside ``using_tenant(tenant)``; ``self.tenant`` is it too. A task sent with no
tenant runs with none. A tenant deleted before its task runs makes the task fail with
:class:`TenantGone`, rather than run for nobody.
"""

from __future__ import annotations

from celery import Task
from celery.signals import before_task_publish
from django.apps import apps

from tenancy.context import current_tenant, using_tenant

HEADER = "tenancy_tenant"


class TenantGone(LookupError):
    """The tenant a task was sent for no longer exists."""


def tenant_headers(tenant) -> dict:
    """Message headers that send a task for ``tenant`` (``apply_async(..., headers=...)``)."""
    return {HEADER: {"model": tenant._meta.label, "db": tenant._state.db or "default", "pk": tenant.pk}}


def _add_current_tenant(sender=None, headers=None, **kwargs) -> None:
    tenant = current_tenant()
    if headers is not None and tenant is not None and HEADER not in headers:
        headers.update(tenant_headers(tenant))


before_task_publish.connect(_add_current_tenant, dispatch_uid="tenancy.contrib.celery")


def tenant_of(request):
    """The tenant a task's ``request`` names in its headers, loaded from its database; or None."""
    sent = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if not sent:
        return None
    model = apps.get_model(sent["model"])
    try:
        return model._base_manager.using(sent["db"]).get(pk=sent["pk"])
    except model.DoesNotExist:
        raise TenantGone(f"The tenant {sent['model']} #{sent['pk']} this task was sent for no longer exists.") from None


class TenantTask(Task):
    """A Celery task that runs for the tenant it was sent for (see the module's docs)."""

    @property
    def tenant(self):
        return current_tenant()

    def __call__(self, *args, **kwargs):
        tenant = tenant_of(self.request)
        if tenant is None:
            return super().__call__(*args, **kwargs)
        with using_tenant(tenant):
            return super().__call__(*args, **kwargs)
