"""The autodetector of ``makemigrations`` (and of ``migrate``'s check for unmigrated changes)."""

from __future__ import annotations

from django.db.migrations.autodetector import MigrationAutodetector

from .state import with_tenant_models


class TenantAutodetector(MigrationAutodetector):
    """Django's autodetector, with the tenant models in the state the models are compared to."""

    def __init__(self, from_state, to_state, questioner=None):
        super().__init__(from_state, with_tenant_models(to_state), questioner)
