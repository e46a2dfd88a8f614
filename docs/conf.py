"""Sphinx configuration of tenancy's documentation.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# autodoc imports tenancy, whose models need a configured Django.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS))
os.environ["DJANGO_SETTINGS_MODULE"] = "_settings"

import django  # noqa: E402

django.setup()

import tenancy  # noqa: E402

project = "django-tenancy-classes"
author = "the django-tenancy-classes authors"
copyright = "the django-tenancy-classes authors"
release = tenancy.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Model classes would show Django's (*args, **kwargs): document constructors only where asked.
autodoc_class_signature = "separated"
autodoc_inherit_docstrings = False

html_theme = "alabaster"
html_title = f"tenancy {release}"
html_theme_options = {
    "description": "Per-tenant model classes for Django",
    "fixed_sidebar": True,
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
