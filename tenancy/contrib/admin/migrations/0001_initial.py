import django.db.models.deletion
import django.utils.timezone
from django.conf import settings as django_settings
from django.db import migrations, models

from tenancy.conf import settings


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(django_settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.TENANCY_TENANT_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TenantLogEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action_time",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="action time"),
                ),
                (
                    "tenant_user_id",
                    models.CharField(
                        blank=True,
                        help_text="The primary key of the tenant's own user who acted, if one did.",
                        max_length=255,
                    ),
                ),
                ("user_repr", models.CharField(help_text="Who acted, as shown then.", max_length=200)),
                (
                    "model",
                    models.CharField(help_text='The declared model\'s label, such as "shop.order".', max_length=200),
                ),
                ("object_id", models.CharField(max_length=255)),
                ("object_repr", models.CharField(max_length=200)),
                (
                    "action_flag",
                    models.PositiveSmallIntegerField(
                        choices=[(1, "Addition"), (2, "Change"), (3, "Deletion")], verbose_name="action flag"
                    ),
                ),
                ("change_message", models.TextField(blank=True, verbose_name="change message")),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.TENANCY_TENANT_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="The global user who acted (None for a tenant's own user).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=django_settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "tenant log entry",
                "verbose_name_plural": "tenant log entries",
                "ordering": ["-action_time"],
                "indexes": [
                    models.Index(fields=["tenant", "model", "object_id"], name="tenancy_admin_log_object"),
                    models.Index(fields=["user", "-action_time"], name="tenancy_admin_log_user"),
                ],
            },
        ),
    ]
