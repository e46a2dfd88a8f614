import django.db.models.deletion
from django.db import migrations, models

from tenancy.conf import settings


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.TENANCY_TENANT_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Domain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "domain",
                    models.CharField(help_text="A host name, such as shop.example.com.", max_length=253, unique=True),
                ),
                ("is_primary", models.BooleanField(default=False)),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="domains",
                        to=settings.TENANCY_TENANT_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["domain"],
                "indexes": [models.Index(fields=["tenant", "is_primary"], name="tenancy_domain_primary")],
            },
        ),
    ]
