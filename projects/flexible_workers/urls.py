from django.urls import path

from . import views

app_name = "flexible_workers"
urlpatterns = [
    path("my/", views.my_services, name="my_services"),
    path("my/<str:reference>/", views.my_service, name="my_service"),
]
