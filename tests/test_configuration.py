"""Relations tenancy cannot serve are refused when Django starts, with a message saying why."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "tenancy", "tests.shop", {app!r}],
    DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
    TENANCY_TENANT_MODEL="shop.Customer",
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()
print("started")
"""


def start_django_with(app):
    return subprocess.run(
        [sys.executable, "-c", SETUP.format(app=app)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_the_test_project_starts():
    result = start_django_with("django.contrib.sessions")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("tests.broken.global_fk", "global_fk.Review.product points at shop.Product, a tenant model"),
        ("tests.broken.global_m2m", "global_m2m.Board.tags points at shop.Tag, a tenant model"),
        ("tests.broken.related_name", "related_name.Ticket.owner points at the global model auth.User"),
        ("tests.broken.missing_target", "missing_target.Shipment.carrier points at 'shop.Carrier', which is neither"),
    ],
)
def test_refused_at_start_up(app, message):
    result = start_django_with(app)
    assert result.returncode != 0
    assert "TenancyConfigurationError" in result.stderr
    assert message in result.stderr
    assert "ImproperlyConfigured" not in result.stdout


def test_configuration_error_is_improperly_configured():
    from django.core.exceptions import ImproperlyConfigured

    from tenancy.exceptions import TenancyConfigurationError

    assert issubclass(TenancyConfigurationError, ImproperlyConfigured)
