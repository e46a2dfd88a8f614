"""A global model and tenant changes in one migration; its RunPython runs once, globally."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def create_house_publisher(apps, schema_editor):
    apps.get_model("evolve", "Publisher").objects.get_or_create(name="House")


class Migration(migrations.Migration):
    dependencies = [
        ("evolve", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Publisher",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True)),
            ],
        ),
        migrations.RunPython(create_house_publisher, migrations.RunPython.noop),
        migrations.AddField(model_name="rack", name="floor", field=models.IntegerField(default=0)),
        migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=200)),
        migrations.AddField(
            model_name="book", name="isbn", field=models.CharField(blank=True, default="", max_length=13)
        ),
        migrations.AddField(model_name="book", name="slug", field=models.SlugField(default="")),
        migrations.AddField(model_name="book", name="legacy", field=models.IntegerField(null=True)),
        migrations.AddField(
            model_name="book",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(model_name="book", index=models.Index(fields=["isbn"], name="evolve_book_tmp_idx")),
    ]
