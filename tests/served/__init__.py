"""A small Django project served by real servers in tests/test_servers.py (gunicorn, uvicorn, pgbouncer).

Its settings read the database from the environment (see :mod:`tests.served.settings`); its
views serve tests/shop's tenant models, sync and async, and report in JSON which tenant they
served and which rows they read.
"""
