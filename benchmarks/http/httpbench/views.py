"""The one view every variant serves: the first 10 contacts by primary key, as JSON.

The peer project (``benchmarks/peer_django_tenants/web/views.py``) renders its contacts with the
same code, so that every variant does the same work once it has its model.
"""

from django.apps import apps
from django.apps.registry import Apps
from django.db import models
from django.http import JsonResponse

from benchmarks.crm.models import Contact
from benchmarks.plaincrm.models import Account as PlainAccount
from benchmarks.plaincrm.models import Contact as PlainContact

ROWS = 10


def render_contacts(model) -> JsonResponse:
    """The first ``ROWS`` contacts of ``model`` by primary key, loaded as model instances, as JSON."""
    contacts = [
        {"id": c.pk, "first_name": c.first_name, "last_name": c.last_name, "email": c.email}
        for c in model.objects.order_by("pk")[:ROWS]
    ]
    return JsonResponse({"contacts": contacts})


def plain_contacts(request):
    """Plain Django: the one ``plaincrm_contact`` table, whatever the host."""
    return render_contacts(PlainContact)


class _CopyApps(Apps):
    """The registry of one copy of plain's Contact; the models it refers to are the installed ones."""

    def __init__(self):
        super().__init__(installed_apps=())

    def get_registered_model(self, app_label, model_name):
        return self.all_models[app_label].get(model_name.lower()) or apps.get_registered_model(app_label, model_name)


def per_tenant_model(key: str) -> type[models.Model]:
    """A copy of ``plaincrm.Contact`` (the same fields) of its own on the table
    ``plaincrm_contact_<key>``, made with plain Django: a class per tenant without tenancy."""
    meta = type("Meta", (), {"apps": _CopyApps(), "app_label": "plaincrm", "db_table": f"plaincrm_contact_{key}"})
    return type(models.Model)(
        "Contact",
        (models.Model,),
        {
            "__module__": __name__,
            "Meta": meta,
            "account": models.ForeignKey(PlainAccount, on_delete=models.CASCADE, related_name="+"),
            "first_name": models.CharField(max_length=100),
            "last_name": models.CharField(max_length=100),
            "email": models.EmailField(),
            "phone": models.CharField(max_length=32, blank=True),
            "created_at": models.DateTimeField(auto_now_add=True),
        },
    )


_per_tenant_models: dict[str, type[models.Model]] = {}


def per_tenant_contacts(request):
    """Plain Django, a class and a table per tenant: the host's first label names them (unchecked:
    this variant measures what a class and a table per tenant cost, not routing)."""
    key = request.META["HTTP_HOST"].partition(".")[0]
    model = _per_tenant_models.get(key)
    if model is None:
        model = _per_tenant_models[key] = per_tenant_model(key)
    return render_contacts(model)


def tenant_contacts(request):
    """tenancy: the contacts of the request's tenant, in its schema."""
    return render_contacts(Contact.for_tenant(request.tenant))


def public(request):
    """The public site (no tenant), which the benchmark does not load."""
    return JsonResponse({"site": "public"})
