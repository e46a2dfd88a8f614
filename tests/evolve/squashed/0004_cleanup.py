from importlib import import_module

Migration = import_module("tests.evolve.migrations.0004_cleanup").Migration
