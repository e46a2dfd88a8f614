"""The pages of an organization, at its own address (included by trackersite.tenant_urls)."""

from django.urls import include, path

from . import api, views

urlpatterns = [
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("projects/", views.ProjectList.as_view(), name="project-list"),
    path("projects/new/", views.ProjectCreate.as_view(), name="project-create"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdate.as_view(), name="project-update"),
    path("tickets/", views.TicketList.as_view(), name="ticket-list"),
    path("tickets/new/", views.TicketCreate.as_view(), name="ticket-create"),
    path("tickets/<int:pk>/", views.TicketDetail.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/edit/", views.TicketUpdate.as_view(), name="ticket-update"),
    path("tickets/<int:ticket>/comment/", views.CommentCreate.as_view(), name="comment-create"),
    path("comments/", views.CommentList.as_view(), name="comment-list"),
    path("comments/<int:pk>/", views.CommentDetail.as_view(), name="comment-detail"),
    path("comments/<int:pk>/edit/", views.CommentUpdate.as_view(), name="comment-update"),
    path("labels/", views.LabelList.as_view(), name="label-list"),
    path("labels/new/", views.LabelCreate.as_view(), name="label-create"),
    path("labels/<int:pk>/", views.LabelDetail.as_view(), name="label-detail"),
    path("labels/<int:pk>/edit/", views.LabelUpdate.as_view(), name="label-update"),
    path("members/", views.MemberList.as_view(), name="member-list"),
    path("members/new/", views.MemberCreate.as_view(), name="member-create"),
    path("members/<int:pk>/", views.MemberDetail.as_view(), name="member-detail"),
    path("members/<int:pk>/edit/", views.MemberUpdate.as_view(), name="member-update"),
    path("api/", include(api.router.urls)),  # the REST API (tracker/api.py)
]
