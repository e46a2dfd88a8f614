# Temporary test for runtests.py verification; deleted afterwards.
import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_backend_matches():
    expected = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}[
        os.environ["TENANCY_TEST_BACKEND"]
    ]
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
    print("settings NAME:", connection.settings_dict["NAME"], connection.settings_dict.get("PORT"))


def test_fails_when_asked():
    assert not os.environ.get("RT_FAIL"), "asked to fail"


@pytest.mark.skipif(True, reason="skip check")
def test_skipped():
    pass
