"""Telling every process that a tenant changed, so that none routes a request by what it was.

A process remembers which tenant a key or host is (:mod:`tenancy.lookup`). When a tenant is
saved (renamed, say) or deleted, or one of its domains changes, the process that does it forgets
at once, and again when the transaction commits. The others learn it this way on PostgreSQL:

* the change sends ``NOTIFY tenancy_routing`` with the tenant's primary key in its own
  transaction, which PostgreSQL delivers when that transaction commits, and never if it rolls back;
* each process that routes requests listens on a connection of its own, in a daemon thread
  started with its first lookup, and forgets what the notice names. A listener that loses its
  connection forgets everything it remembered of that database and listens again.

So no request asks the database whether its tenant changed. Elsewhere (SQLite, MySQL), and where
listening is off (``TENANCY_ROUTING_LISTEN = False``), other processes trust what they remember
for ``TENANCY_ROUTING_TIMEOUT`` seconds at most.

Behind a pooler in transaction mode (pgbouncer), ``LISTEN`` does not work through the pooler:
set ``TENANCY_ROUTING_LISTEN`` to the alias of a database entry that connects to PostgreSQL
directly. No listener starts while Django's test environment is set up (test databases must be
droppable when the tests end); :func:`listen` with ``force=True`` starts one there.
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import connections, transaction
from django.test import utils as test_utils

from .conf import settings
from .lookup import lookup

CHANNEL = "tenancy_routing"
EVERYTHING = "*"

logger = logging.getLogger(__name__)


def changed(using: str, pk=None) -> None:
    """A tenant (``pk``; None: possibly any tenant) changed in database ``using``: tell every process."""
    lookup.forget(pk, using)
    # Again after the commit: a request may have looked the old answer up meanwhile.
    transaction.on_commit(lambda: lookup.forget(pk, using), using=using)
    connection = connections[using]
    if connection.vendor == "postgresql" and settings.TENANCY_ROUTING_LISTEN is not False:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, EVERYTHING if pk is None else str(pk)])


class Listener(threading.Thread):
    """Listens for changes of the tenants of database ``using``, through database ``through``."""

    def __init__(self, using: str, through: str):
        super().__init__(name=f"tenancy-listener-{using}", daemon=True)
        self.using, self.through = using, through
        self.listening = threading.Event()
        self.stopped = threading.Event()
        self.connection = None

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.listen()
            except Exception:
                if self.stopped.is_set():
                    break
                logger.warning("tenancy: lost the connection listening for tenant changes", exc_info=True)
            self.listening.clear()
            lookup.forget(using=self.using)  # changes may have gone unheard meanwhile
            self.stopped.wait(1)

    def listen(self) -> None:
        wrapper = connections[self.through]
        self.connection = wrapper.Database.connect(**wrapper.get_connection_params())
        try:
            self.connection.autocommit = True
            with self.connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
            lookup.forget(using=self.using)  # what was looked up before listening may be stale
            self.listening.set()
            for payload in self.notices():
                lookup.forget(None if payload == EVERYTHING else payload, self.using)
        finally:
            self.connection.close()

    def notices(self):
        """Each notice's payload, as it arrives (psycopg 3 or psycopg2)."""
        if callable(self.connection.notifies):  # psycopg 3 (3.2+: a timeout, to look at self.stopped)
            while not self.stopped.is_set():
                for notice in self.connection.notifies(timeout=5):
                    yield notice.payload
            return
        import select

        while not self.stopped.is_set():
            select.select([self.connection], [], [], 5)
            self.connection.poll()
            while self.connection.notifies:
                yield self.connection.notifies.pop(0).payload

    def stop(self) -> None:
        self.stopped.set()
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closed already
                pass
        self.join(5)


_listeners: dict[tuple[int, str], Listener] = {}
_lock = threading.Lock()


def listen(using: str, force: bool = False) -> Listener | None:
    """The listener of this process for database ``using``, started if it was not (PostgreSQL only)."""
    key = (os.getpid(), using)  # a forked process starts its own
    if key in _listeners:
        return _listeners[key]
    through = settings.TENANCY_ROUTING_LISTEN
    if through is False or connections[using].vendor != "postgresql":
        return None
    if not force and hasattr(test_utils._TestState, "saved_data"):
        return None  # in Django's test environment: see the module's docstring
    with _lock:
        if key not in _listeners:
            _listeners[key] = Listener(using, using if through is True else through)
            _listeners[key].start()
    return _listeners[key]


def stop_listening() -> None:
    """Stop this process's listeners (tests, before their database is dropped)."""
    with _lock:
        listeners = [_listeners.pop(key) for key in list(_listeners) if key[0] == os.getpid()]
    for listener in listeners:
        listener.stop()


def _tenant_changed(sender, instance, using, **kwargs):
    changed(using, instance.pk)


def _domain_changed(sender, instance, using, **kwargs):
    changed(using)  # a host may have moved from one tenant to another: forget every tenant's


def connect(model) -> None:
    """Wire the save and delete signals of the tenant model, or of the domain model, to :func:`changed`."""
    from django.db.models.signals import post_delete, post_save

    receiver = _tenant_changed if model._meta.label_lower != "tenancy_domains.domain" else _domain_changed
    post_save.connect(receiver, sender=model, dispatch_uid="tenancy.invalidation")
    post_delete.connect(receiver, sender=model, dispatch_uid="tenancy.invalidation")
