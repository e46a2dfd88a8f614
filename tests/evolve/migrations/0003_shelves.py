"""Renames, then a data migration run for each tenant (Django's RunPython, in a tenant migration)."""

from django.db import migrations


def fill_slugs(apps, schema_editor):
    assert apps.tenant is schema_editor.tenant
    Shelf = apps.get_model("evolve", "Shelf")
    Book = apps.get_model("evolve", "Book")
    if Shelf.objects.filter(code="explode").exists():
        raise RuntimeError(f"a shelf called 'explode' in {schema_editor.tenant.db_schema}")
    for book in Book.objects.all():
        book.slug = f"{schema_editor.tenant.db_schema}-{book.pk}"
        book.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("evolve", "0002_publisher_and_fields")]

    operations = [
        migrations.RenameModel(old_name="Rack", new_name="Shelf"),
        migrations.AlterModelTable(name="shelf", table="evolve_shelves"),
        migrations.RenameField(model_name="shelf", old_name="label", new_name="code"),
        migrations.AlterModelOptions(name="shelf", options={"ordering": ["code"]}),
        migrations.AlterUniqueTogether(name="shelf", unique_together={("code", "floor")}),
        migrations.RenameIndex(model_name="book", new_name="evolve_book_title_idx", old_name="evolve_book_t_idx"),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
    ]
