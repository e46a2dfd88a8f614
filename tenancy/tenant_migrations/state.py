"""The migration state of tenant models, and its rendering for one tenant.

In the state, a tenant model is an ordinary model of its declared app, with unqualified table,
index and constraint names (as in no tenant), and ``TENANT_FEATURE`` in its
``required_db_features``: that is what ``makemigrations`` writes and what Django's own ``migrate``
skips. :class:`TenantProjectState` renders the same states for one tenant: the historical
``shop.Order`` then has the tenant's ``db_table`` (``"tenant_acme"."shop_order"`` or
``tenant_acme_shop_order``), so Django's operations run on that tenant's tables unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.migrations.state import ModelState, ProjectState, StateApps
from django.utils.functional import cached_property

from .. import naming
from ..factory import renamed

# Named in required_db_features of every tenant model's state. No connection has this feature, so
# Django's migrate never creates or alters a tenant model's table in the global pass.
TENANT_FEATURE = "tenancy.tenant_model"


def is_tenant_state(model_state: ModelState) -> bool:
    return TENANT_FEATURE in model_state.options.get("required_db_features", ())


def tenant_model_states() -> dict[tuple[str, str], ModelState]:
    """The states of the declared tenant models as they are now, keyed like ProjectState.models."""
    from ..factory import neutral_models

    states = {}
    for model in neutral_models().values():
        state = ModelState.from_model(model)
        features = list(state.options.get("required_db_features", ()))
        state.options["required_db_features"] = [*features, TENANT_FEATURE]
        if not state.options.get("proxy", True):
            del state.options["proxy"]  # set by TenantModelBase on every declared model
        if any(isinstance(base, str) for base in state.bases):
            # A child of a tenant model: its declared bases flatten to models.Model besides the parent.
            state.bases = tuple(base for base in state.bases if isinstance(base, str))
        states[state.app_label, state.name_lower] = state
    return states


def with_tenant_models(state: ProjectState) -> ProjectState:
    """``state`` (the global models, from ProjectState.from_apps) with the tenant models added."""
    state.models.update(tenant_model_states())
    return state


@dataclass(frozen=True)
class Binding:
    """Where the tenant models of a state are rendered: one tenant's schema on one connection."""

    connection: Any
    schema: str
    tenant: Any = None

    def bind(self, state: ModelState) -> ModelState:
        """The state of ``state``'s model in this tenant; other models' states are returned as they are."""
        if not is_tenant_state(state):
            return state
        options = dict(state.options)
        options["required_db_features"] = [f for f in options["required_db_features"] if f != TENANT_FEATURE]
        if not options.get("proxy"):
            max_length = self.connection.ops.max_name_length()
            table = options.get("db_table") or naming.default_table(state.app_label, state.name_lower, max_length)
            options["db_table"] = naming.table_name(self.connection, self.schema, table)
            options["indexes"] = [renamed(i, self.connection, self.schema) for i in options["indexes"]]
            options["constraints"] = [renamed(c, self.connection, self.schema) for c in options["constraints"]]
        fields = {}
        for name, field in state.fields.items():
            if field.many_to_many and field.remote_field.through is None:
                own = naming.m2m_table(table, name, field.db_table, max_length)
                field = field.clone()
                field.db_table = naming.table_name(self.connection, self.schema, own)
            fields[name] = field
        return BoundModelState(state.app_label, state.name, fields, options, state.bases, state.managers, binding=self)


class BoundModelState(ModelState):
    """A tenant model's state rendered for one tenant; its class knows that tenant's binding."""

    def __init__(self, *args, binding: Binding, **kwargs):
        super().__init__(*args, **kwargs)
        self.binding = binding

    def render(self, apps):
        model = super().render(apps)
        model._tenancy_binding = self.binding
        return model


class TenantStateApps(StateApps):
    """Historical models in which tenant models are bound to one tenant (``apps.tenant``)."""

    def __init__(self, real_apps, models, binding: Binding, ignore_swappable=False):
        self.binding = binding
        self.tenant = binding.tenant
        super().__init__(real_apps, models, ignore_swappable=ignore_swappable)

    def render_multiple(self, model_states):
        super().render_multiple([self.binding.bind(state) for state in model_states])

    def clone(self):
        clone = super().clone()
        clone.__class__ = TenantStateApps
        clone.binding, clone.tenant = self.binding, self.tenant
        return clone


class TenantProjectState(ProjectState):
    """A project state whose rendered apps (:class:`TenantStateApps`) belong to one tenant."""

    def __init__(self, models=None, real_apps=None, *, binding: Binding):
        super().__init__(models, real_apps)
        self.binding = binding

    @classmethod
    def of(cls, state: ProjectState, binding: Binding) -> TenantProjectState:
        bound = cls({key: model.clone() for key, model in state.models.items()}, state.real_apps, binding=binding)
        bound.is_delayed = state.is_delayed
        return bound

    def clone(self):
        new_state = TenantProjectState.of(self, self.binding)
        if "apps" in self.__dict__:
            new_state.apps = self.apps.clone()
        return new_state

    @cached_property
    def apps(self):
        return TenantStateApps(self.real_apps, self.models, self.binding)
