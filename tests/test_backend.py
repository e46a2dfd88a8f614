"""The run tests the database and driver it says it does."""

import os

import pytest
from django.db import connection


def test_backend_under_test():
    assert (
        connection.vendor
        == {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}[
            os.environ.get("TENANCY_TEST_BACKEND", "sqlite")
        ]
    )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_driver():
    expected = os.environ.get("TENANCY_TEST_PG_DRIVER", "psycopg")
    assert connection.Database.__name__ == expected
