"""``TenantFileSystemStorage``: each tenant's files in a folder of its own, under ``MEDIA_ROOT``.

::

    STORAGES = {"default": {"BACKEND": "tenancy.contrib.files.TenantFileSystemStorage"}, ...}
    TENANCY_CURRENT_TENANT = True

The tenant is the current one (:func:`tenancy.context.current_tenant`, the request's while the
middleware serves it), or the one the storage was made for (``TenantFileSystemStorage(tenant=acme)``).
Its folder's name, the tenant's *identifier*, is, in this order: what the tenant's
``schema_pathname()`` method returns; what the function named by ``TENANCY_FILES_PATHNAME``
returns for the tenant; its schema name. ``avatars/x.png`` is stored as
``MEDIA_ROOT/tenant_acme/avatars/x.png`` and its URL is ``MEDIA_URL`` + ``tenant_acme/avatars/x.png``;
with path routing, where the tenant is in the URL already, it is ``/t/acme`` + ``MEDIA_URL`` +
``avatars/x.png`` instead (see :func:`serve`). A name that would leave the tenant's folder
(``../``, an absolute path, a symbolic link that points outside) is refused with
``SuspiciousFileOperation``, as is any use without a tenant.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from django.utils.module_loading import import_string

from tenancy.conf import settings
from tenancy.context import current_tenant

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def tenant_pathname(tenant) -> str:
    """The name of ``tenant``'s folder: its ``schema_pathname()``, else what TENANCY_FILES_PATHNAME's
    function says, else its schema name."""
    if hasattr(tenant, "schema_pathname"):
        name = tenant.schema_pathname()
    elif settings.TENANCY_FILES_PATHNAME:
        name = import_string(settings.TENANCY_FILES_PATHNAME)(tenant)
    else:
        name = tenant.db_schema
    if not isinstance(name, str) or not IDENTIFIER_RE.match(name) or name in (".", ".."):
        raise ImproperlyConfigured(f"{name!r} cannot name the folder of tenant {tenant}: use letters, digits, _ . -")
    return name


@deconstructible(path="tenancy.contrib.files.TenantFileSystemStorage")
class TenantFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` whose paths and URLs are inside the current tenant's folder."""

    def __init__(self, location=None, base_url=None, file_permissions_mode=None, directory_permissions_mode=None,
                 allow_overwrite=False, tenant=None):  # fmt: skip
        super().__init__(location, base_url, file_permissions_mode, directory_permissions_mode, allow_overwrite)
        self.tenant = tenant

    def current(self):
        tenant = self.tenant if self.tenant is not None else current_tenant()
        if tenant is None:
            raise SuspiciousFileOperation(
                "TenantFileSystemStorage has no tenant: use it during a tenant's request (TENANCY_CURRENT_TENANT = "
                "True), inside using_tenant(tenant), or make it with tenant=."
            )
        return tenant

    @property
    def location(self) -> str:
        """The current tenant's folder (``MEDIA_ROOT``, or ``location``, and the tenant's identifier)."""
        return os.path.join(os.path.abspath(self.base_location), tenant_pathname(self.current()))

    def path(self, name: str) -> str:
        root = self.location
        path = safe_join(root, name)  # refuses ../ and absolute names
        real_root, real = os.path.realpath(root), os.path.realpath(path)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise SuspiciousFileOperation(f"{name!r} leads out of the tenant's folder (a symbolic link).")
        return path

    def url(self, name: str) -> str:
        tenant = self.current()
        self.path(name)  # the same refusals as for the file itself
        name = filepath_to_uri(name).lstrip("/")
        base = self.base_url or "/"
        if settings.TENANCY_ROUTING == "path" and base.startswith("/"):
            from tenancy.links import tenant_path_prefix

            return f"{tenant_path_prefix(tenant)}{base}{name}"
        return f"{base}{tenant_pathname(tenant)}/{name}"


def serve(request, path: str, document_root: str | None = None, show_indexes: bool = False):
    """Serve ``request.tenant``'s file ``path`` from its folder, for development (like
    ``django.views.static.serve``)::

        urlpatterns += [path("media/<path:path>", tenancy.contrib.files.serve)]   # the tenant URLconf
    """
    from django.conf import settings as django_settings
    from django.http import Http404
    from django.views.static import serve as static_serve

    if getattr(request, "tenant", None) is None:
        raise Http404("No tenant, no tenant files.")
    root = os.path.join(document_root or django_settings.MEDIA_ROOT, tenant_pathname(request.tenant))
    try:
        TenantFileSystemStorage(location=document_root, tenant=request.tenant).path(path)
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    return static_serve(request, path, document_root=root, show_indexes=show_indexes)
