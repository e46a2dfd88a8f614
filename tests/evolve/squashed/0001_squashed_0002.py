from importlib import import_module

from django.conf import settings
from django.db import migrations

first = import_module("tests.evolve.migrations.0001_initial").Migration
second = import_module("tests.evolve.migrations.0002_publisher_and_fields").Migration


class Migration(migrations.Migration):
    replaces = [("evolve", "0001_initial"), ("evolve", "0002_publisher_and_fields")]
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [*first.operations, *second.operations]
