"""Removals, a manager, SQL run for each tenant, and a change to the state only."""

from django.db import migrations, models

import tests.evolve.models


class Migration(migrations.Migration):
    dependencies = [("evolve", "0003_shelves")]

    operations = [
        migrations.DeleteModel(name="Obsolete"),
        migrations.RemoveField(model_name="book", name="legacy"),
        migrations.RemoveIndex(model_name="book", name="evolve_book_tmp_idx"),
        migrations.RemoveConstraint(model_name="book", name="evolve_book_title_nonempty"),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(
                condition=models.Q(("title", ""), _negated=True), name="evolve_book_has_title"
            ),
        ),
        migrations.AlterModelManagers(name="book", managers=[("objects", tests.evolve.models.BookManager())]),
        migrations.RunSQL(
            "UPDATE {tenant_prefix}evolve_book SET isbn = 'unknown' WHERE isbn = ''",
            "UPDATE {tenant_prefix}evolve_book SET isbn = '' WHERE isbn = 'unknown'",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="book",
                    name="isbn",
                    field=models.CharField(blank=True, default="", help_text="ISBN-13", max_length=13),
                ),
            ],
        ),
    ]
