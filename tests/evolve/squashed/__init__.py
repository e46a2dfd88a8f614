"""evolve's migrations with 0001 and 0002 squashed (MIGRATION_MODULES, in tests of squashing)."""
