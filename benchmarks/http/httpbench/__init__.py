"""The Django project ``benchmarks/bench_http.py`` serves with gunicorn: plain Django and tenancy.

``benchmarks/http`` is put on ``sys.path`` (it has no ``__init__.py``, so that it never hides the
standard library's ``http`` package from scripts run from ``benchmarks/``); this package is the
project: its settings pick the variant from ``BENCH_HTTP_VARIANT``.
"""
