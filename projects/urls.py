from importlib.util import find_spec

from django.apps import apps
from django.urls import include, path

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("apply/<slug:rule_id>/<int:year>/", views.apply, name="apply"),
    path("calculators/", views.calculator_index, name="calculators"),
    path("info/", views.info_index, name="info_index"),
    path("info/<slug:slug>/", views.info_page, name="info_page"),
    path("calculators/<slug:rule_id>/<int:year>/", views.calculator, name="calculator"),
    path("my/", views.my_entitlements, name="my_entitlements"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("my/applications/<str:reference>/", views.my_application, name="my_application"),
    path("my/applications/<str:reference>/edit/", views.my_application_edit, name="my_application_edit"),
    path("my/applications/<str:reference>/attach/", views.my_application_attach, name="my_application_attach"),
    path("my/applications/<str:reference>/<slug:action>/", views.my_application_action, name="my_application_action"),
    path("my/coverage/", views.my_coverage, name="my_coverage"),
    path("my/queue/<int:pool_id>/", views.queue_ticket, name="queue_ticket"),
    path("my/queue/<int:pool_id>/status/", views.queue_status, name="queue_status"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("organisation/applications/", views.organisation_applications, name="organisation_applications"),
]


def project_app_urls() -> list:
    """/p/<app>/ for every installed project app that has a urls module (namespace: its label)."""
    from .app_config import ProjectAppConfig

    return [
        path(f"p/{config.url_prefix}/", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if isinstance(config, ProjectAppConfig) and find_spec(f"{config.name}.urls") is not None
    ]
