"""The tracker's REST API (Django REST framework), at each organization's address: /api/.

Written once against the declared models; every request works on its organization's classes
(tenancy.contrib.rest_framework). A member signs in with the session of the pages or with HTTP
Basic authentication (TenantBackend checks the password among the organization's members):

    curl -u alice:demo-password http://acme.localhost:8000/api/tickets/?status=open
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers
from rest_framework.routers import DefaultRouter

from tenancy.contrib.rest_framework import (
    IsTenantMember,
    TenantModelSerializer,
    TenantModelViewSet,
    TenantReadOnlyModelViewSet,
    TenantSlugRelatedField,
)

from .models import Label, Project, Ticket


class ProjectSerializer(TenantModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "description"]


class TicketSerializer(TenantModelSerializer):
    labels = TenantSlugRelatedField(model=Label, slug_field="name", many=True, required=False)
    reporter = serializers.SlugRelatedField(read_only=True, slug_field="username")  # who created it

    class Meta:
        model = Ticket
        fields = ["id", "project", "title", "description", "status", "priority", "assignee", "reporter", "labels"]

    def create(self, validated_data):
        return super().create({**validated_data, "reporter": self.context["request"].user})


class ProjectViewSet(TenantReadOnlyModelViewSet):
    model = Project
    serializer_class = ProjectSerializer
    permission_classes = [IsTenantMember]


class TicketViewSet(TenantModelViewSet):
    model = Ticket
    serializer_class = TicketSerializer
    permission_classes = [IsTenantMember]
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_fields = ["status", "project", "assignee"]  # the organization's projects and members
    search_fields = ["title", "description"]


router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register("tickets", TicketViewSet, basename="api-ticket")
