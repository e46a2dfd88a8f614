import django.db.models.deletion
from django.db import migrations, models

TENANT = {"required_db_features": ["tenancy.tenant_model"]}


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Rack",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("label", models.CharField(max_length=20)),
            ],
            options=TENANT,
        ),
        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=100)),
                ("rack", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="evolve.rack")),
            ],
            options=TENANT,
        ),
        migrations.CreateModel(
            name="Obsolete",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("note", models.CharField(max_length=10)),
            ],
            options=TENANT,
        ),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["title"], name="evolve_book_t_idx"),
        ),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(condition=models.Q(title__gt=""), name="evolve_book_title_nonempty"),
        ),
    ]
