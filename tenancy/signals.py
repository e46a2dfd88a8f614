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
