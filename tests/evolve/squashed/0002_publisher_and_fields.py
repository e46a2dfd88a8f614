from importlib import import_module

Migration = import_module("tests.evolve.migrations.0002_publisher_and_fields").Migration
