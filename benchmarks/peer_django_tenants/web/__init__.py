"""The peer's served project for the HTTP benchmark (``run.py serve``): django-tenants and plain Django.

Its settings pick the variant from ``PEER_HTTP_VARIANT``. Nothing here imports tenancy.
"""
