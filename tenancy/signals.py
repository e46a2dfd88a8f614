"""Signals sent around a tenant's provisioning and removal.

Every signal is sent with ``sender`` = the tenant model class and the keyword arguments
``tenant`` (the tenant instance) and ``using`` (the database alias). They are sent inside the
transaction that creates or deletes the tenant: a receiver that raises rolls the whole
operation back.
"""

from django.dispatch import Signal

pre_schema_creation = Signal()
post_schema_creation = Signal()
pre_models_creation = Signal()
post_models_creation = Signal()
pre_schema_deletion = Signal()
post_schema_deletion = Signal()


def connect_tenant_model_receiver(signal: Signal, receiver, sender, dispatch_uid=None) -> None:
    """Connect ``receiver`` to a model signal for the classes of every tenant of ``sender``.

    Django sends model signals (``pre_save``, ``post_save``, ``post_delete``…) with the concrete
    class as ``sender``, which for a tenant model is each tenant's own class; a receiver connected
    with ``sender=Order`` (the declared model) would never hear from them. Connect it with this
    instead: it is called with ``sender`` set to the tenant's class, and the tenant is
    ``sender._tenancy_tenant``.

    As with Django's ``sender=``, the classes of subclasses and proxies are other senders. The
    receiver is connected for every sender and filters on the declared model: connecting to
    ``pre_delete`` or ``post_delete`` this way turns off Django's fast deletes for all models.
    """

    def dispatch(sender, **kwargs):
        if getattr(sender, "_tenancy_declared", None) is declared:
            return receiver(sender=sender, **kwargs)
        return None

    declared = sender
    signal.connect(dispatch, weak=False, dispatch_uid=_uid(receiver, sender, dispatch_uid))


def disconnect_tenant_model_receiver(signal: Signal, receiver, sender, dispatch_uid=None) -> bool:
    """Undo :func:`connect_tenant_model_receiver`."""
    return signal.disconnect(dispatch_uid=_uid(receiver, sender, dispatch_uid))


def _uid(receiver, sender, dispatch_uid) -> tuple:
    return ("tenancy", sender._meta.label, dispatch_uid or id(receiver))
