from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from projects.admin_views import dashboard_view

from . import views

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE
admin.site.index_title = "工作台"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("members.urls")),
    path("", include("projects.urls")),
    # Each project app's own pages live under /p/<app>/.
    path("p/skill-awards/", include("projects.skill_awards.urls")),
    path("p/worker-school/", include("projects.worker_school.urls")),
    path("p/legal/", include("projects.legal.urls")),
    path("p/flexible-workers/", include("projects.flexible_workers.urls")),
    path("p/sanitation/", include("projects.sanitation.urls")),
    path("p/sanatorium/", include("projects.sanatorium.urls")),
    path("p/counselling/", include("projects.counselling.urls")),
    path("p/health-points/", include("projects.health_points.urls")),
    path("p/reading-rooms/", include("projects.reading_rooms.urls")),
    path("p/culture/", include("projects.culture.urls")),
    path("p/flower-expo/", include("projects.flower_expo.urls")),
    path("p/member-card/", include("projects.member_card.urls")),
    path("p/womens-care/", include("projects.womens_care.urls")),
    path("p/singles/", include("projects.singles.urls")),
    path("p/micro-wishes/", include("projects.micro_wishes.urls")),
    path("p/outdoor-care/", include("projects.outdoor_care.urls")),
    path("p/caravan/", include("projects.caravan.urls")),

    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/dashboard/", admin.site.admin_view(dashboard_view), name="admin_dashboard"),
    path("admin/", admin.site.urls),
]
