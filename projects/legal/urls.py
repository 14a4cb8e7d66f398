from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("centres/", views.centres, name="centres"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
]
