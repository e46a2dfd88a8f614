# Put first on sys.path by `runtests.py` for the psycopg2 run: Django's PostgreSQL backend uses
# psycopg (3) when it can import it, and falls back to psycopg2 when this import fails.
raise ImportError("psycopg is hidden so that this run tests Django with psycopg2")
