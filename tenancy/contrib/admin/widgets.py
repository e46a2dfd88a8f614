"""The admin's widgets for relations between a tenant's classes: their links use the declared
model's names (``admin:shop_product_change``), as the tenant's admin URLs do."""

from __future__ import annotations

from django.contrib.admin import widgets
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def _declared_label(app_label: str) -> str:
    return app_label.rpartition(":")[2]  # tenant_acme:shop -> shop


class TenantRelatedFieldWidgetWrapper(widgets.RelatedFieldWidgetWrapper):
    def get_related_url(self, info, action, *args):
        return super().get_related_url((_declared_label(info[0]), info[1]), action, *args)


class _RawIdLinks:
    """The lookup and change links of the raw id widgets, by the declared model's names."""

    def get_context(self, name, value, attrs):
        site, self.admin_site = self.admin_site, _Unregistered(self.admin_site)
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.admin_site = site
        if site.is_registered(self.rel.model):
            url = self._url("changelist")
            params = self.url_parameters()
            context["related_url"] = url + ("?" + urlencode(params) if params else "")
            context["link_title"] = _("Lookup")
            context["widget"]["attrs"].setdefault("class", self.css_class)
        return context

    def label_and_url_for_value(self, value):
        label, url = super().label_and_url_for_value(value)
        if label and not url:
            key = self.rel.get_related_field().name
            obj = self.rel.model._default_manager.using(self.db).filter(**{key: value}).first()
            if obj is not None:
                url = self._url("change", quote(obj.pk))
        return label, url

    def _url(self, action, *args) -> str:
        opts = self.rel.model._meta
        try:
            return reverse(
                f"{self.admin_site.name}:{_declared_label(opts.app_label)}_{opts.model_name}_{action}",
                args=args,
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return ""


class _Unregistered:
    """An admin site that claims no model, so that Django's raw id widgets build no links themselves."""

    def __init__(self, site):
        self.name = site.name

    def is_registered(self, model) -> bool:
        return False


class TenantForeignKeyRawIdWidget(_RawIdLinks, widgets.ForeignKeyRawIdWidget):
    css_class = "vForeignKeyRawIdAdminField"


class TenantManyToManyRawIdWidget(_RawIdLinks, widgets.ManyToManyRawIdWidget):
    css_class = "vManyToManyRawIdAdminField"


TENANT_WIDGETS = {
    widgets.RelatedFieldWidgetWrapper: TenantRelatedFieldWidgetWrapper,
    widgets.ForeignKeyRawIdWidget: TenantForeignKeyRawIdWidget,
    widgets.ManyToManyRawIdWidget: TenantManyToManyRawIdWidget,
}
