"""Who may sign in where.

Two kinds of users sign in to the project: the staff of the whole service (Django's
``auth.User``), in the admin of the public site, and each organization's members
(``tracker.Member``), at the organization's own address. ``TenantBackend`` already refuses to
authenticate anybody on the public site, which has no tenant; this backend is Django's
``ModelBackend`` with the converse rule, so that the service's staff cannot sign in on an
organization's login page as well.
"""

from django.contrib.auth.backends import ModelBackend


class PublicSiteModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if getattr(request, "tenant", None) is not None:
            return None
        return super().authenticate(request, username, password, **kwargs)
