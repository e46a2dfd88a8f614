"""Settings of the served variants: the benchmark project's settings plus a middleware stack and URLs.

``BENCH_HTTP_VARIANT`` picks the variant (``VARIANTS``); everything else is the same in all, down
to ``INSTALLED_APPS``, so that they differ only in what tenancy adds to a request:

``"plain"``
    No middleware; the URLconf ``httpbench.plain_urls`` serves the view over ``plaincrm.Contact``.
``"plain per tenant"``
    No middleware; ``httpbench.per_tenant_urls`` serves the view over a copy of ``plaincrm.Contact``
    per tenant, each on a table of its own (``plaincrm_contact_t00042``), made with plain Django:
    what a class and a table per tenant cost without tenancy.
``"tenancy"``
    ``TenantMiddleware`` routing by subdomain of ``bench.test`` (``t00042.bench.test`` is the
    tenant named ``t00042``), the documented way: ``TENANCY_URLCONF`` for tenant requests, the
    view over ``Contact.for_tenant(request.tenant)``.
``"middleware only"``
    ``TenantMiddleware`` as in ``"tenancy"``, in front of plain's view (``TENANCY_URLCONF`` is
    ``httpbench.plain_urls``): what the routing alone costs. ``bench_http.py`` times it in process.
``"middleware + plain per tenant"``
    ``TenantMiddleware`` in front of the view of ``"plain per tenant"``: tenancy's routing with
    plain Django's class per tenant, which ``bench_http_instructions.py --variants`` can count to
    tell what tenancy's classes cost from what its routing does.

The database is ``benchmarks.settings``' (``DATABASE_URL``, ``BENCH_DB_NAME``), with persistent
connections (``CONN_MAX_AGE = None``), as a production deployment keeps them.
"""

import os

from benchmarks.settings import *  # noqa: F403

BASE_DOMAIN = "bench.test"

DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405
ALLOWED_HOSTS = [f".{BASE_DOMAIN}", "127.0.0.1", "localhost"]
TENANCY_BASE_DOMAIN = BASE_DOMAIN
TENANCY_ROUTING = "subdomain"

VARIANTS = {
    "plain": {
        "MIDDLEWARE": [],
        "ROOT_URLCONF": "httpbench.plain_urls",
        "TENANCY_URLCONF": None,
    },
    "plain per tenant": {
        "MIDDLEWARE": [],
        "ROOT_URLCONF": "httpbench.per_tenant_urls",
        "TENANCY_URLCONF": None,
    },
    "tenancy": {
        "MIDDLEWARE": ["tenancy.middleware.TenantMiddleware"],
        "ROOT_URLCONF": "httpbench.public_urls",
        "TENANCY_URLCONF": "httpbench.tenant_urls",
    },
    # Timed in process only, to break the difference down: tenancy's routing in front of plain's view.
    "middleware only": {
        "MIDDLEWARE": ["tenancy.middleware.TenantMiddleware"],
        "ROOT_URLCONF": "httpbench.public_urls",
        "TENANCY_URLCONF": "httpbench.plain_urls",
    },
    # Counted only (bench_http_instructions.py --variants): tenancy's routing in front of the view
    # of "plain per tenant", to tell the routing's cost from that of tenancy's classes.
    "middleware + plain per tenant": {
        "MIDDLEWARE": ["tenancy.middleware.TenantMiddleware"],
        "ROOT_URLCONF": "httpbench.public_urls",
        "TENANCY_URLCONF": "httpbench.per_tenant_urls",
    },
}

VARIANT = os.environ.get("BENCH_HTTP_VARIANT", "tenancy")
if VARIANT not in VARIANTS:
    raise ValueError(f"BENCH_HTTP_VARIANT must be one of {', '.join(map(repr, VARIANTS))}, not {VARIANT!r}.")
globals().update(VARIANTS[VARIANT])
