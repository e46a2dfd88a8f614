"""The app of ``demo.py``: a tenant model (``Shop``) and two tenant-specific models."""
