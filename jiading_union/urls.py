from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from projects.admin_views import dashboard_view, district_report_view
from projects.urls import project_app_urls

from . import views

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE
admin.site.index_title = "工作台"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("members.urls")),
    path("", include("projects.urls")),
    path("reminders/", include("outreach.urls")),
    # Each project app's own pages live under /p/<app>/ (projects.apps.ProjectAppConfig).
    *project_app_urls(),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/dashboard/", admin.site.admin_view(dashboard_view), name="admin_dashboard"),
    path("admin/reports/district.xlsx", admin.site.admin_view(district_report_view), name="admin_district_report"),
    path("admin/", admin.site.urls),
]
