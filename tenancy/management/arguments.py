"""Options several of tenancy's commands share, worded once."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def add_database(parser, role: str) -> None:
    """``--database``: ``role`` says what the database is to the command ("whose tenants to list")."""
    parser.add_argument(
        "--database",
        default=DEFAULT_DB_ALIAS,
        choices=tuple(connections),
        help=f'The database {role} (default: "default").',
    )


def add_noinput(parser, help: str) -> None:
    """``--noinput``/``--no-input``, as Django's commands spell it (``options["interactive"]``)."""
    parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help=help)
