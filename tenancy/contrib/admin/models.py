"""``TenantLogEntry``: the admin's history of a tenant's objects.

Django's ``LogEntry`` cannot hold it: its content type names a model, not a tenant, so the link
back to an object would lead to whichever tenant is on screen, and its user must be a global user,
while a tenant's own users (``TENANCY_USER_MODEL``) may use the admin too. An entry here names
its tenant (and goes when the tenant is deleted), the declared model (``shop.order``), and who
acted: a global user, or a tenant user by primary key and name.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenancy.conf import settings

ACTION_FLAG_CHOICES = [(ADDITION, _("Addition")), (CHANGE, _("Change")), (DELETION, _("Deletion"))]


class TenantLogEntry(models.Model):
    action_time = models.DateTimeField(_("action time"), default=timezone.now, editable=False)
    tenant = models.ForeignKey(settings.TENANCY_TENANT_MODEL, models.CASCADE, related_name="+")
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The global user who acted (None for a tenant's own user).",
    )
    tenant_user_id = models.CharField(
        max_length=255, blank=True, help_text="The primary key of the tenant's own user who acted, if one did."
    )
    user_repr = models.CharField(max_length=200, help_text="Who acted, as shown then.")
    model = models.CharField(max_length=200, help_text='The declared model\'s label, such as "shop.order".')
    object_id = models.CharField(max_length=255)
    object_repr = models.CharField(max_length=200)
    action_flag = models.PositiveSmallIntegerField(_("action flag"), choices=ACTION_FLAG_CHOICES)
    change_message = models.TextField(_("change message"), blank=True)

    class Meta:
        verbose_name = _("tenant log entry")
        verbose_name_plural = _("tenant log entries")
        ordering = ["-action_time"]
        indexes = [
            models.Index(fields=["tenant", "model", "object_id"], name="tenancy_admin_log_object"),
            models.Index(fields=["user", "-action_time"], name="tenancy_admin_log_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_flag_display()} of {self.object_repr!r} at {self.tenant} by {self.user_repr}"

    # Django's LogEntry reads these from change_message and action_flag alone: the same code
    # serves both, so the history pages read the same.
    get_change_message = LogEntry.get_change_message
    is_addition = LogEntry.is_addition
    is_change = LogEntry.is_change
    is_deletion = LogEntry.is_deletion

    @property
    def model_verbose_name(self) -> str:
        from tenancy.base import declared_models

        found = next((model for model in declared_models if model._meta.label_lower == self.model), None)
        return str(found._meta.verbose_name) if found is not None else self.model

    def get_admin_url(self, site_name: str = "admin") -> str | None:
        """A link to the object in its tenant: it makes that tenant the admin's, then shows the
        object (or nothing, for a deletion)."""
        if self.is_deletion():
            return None
        return reverse(f"{site_name}:tenancy_admin_log_entry", args=[self.pk], current_app=site_name)
