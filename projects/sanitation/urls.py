from django.urls import path

from . import views

app_name = "sanitation"
urlpatterns = [
    path("roster-template.xlsx", views.roster_template, name="roster_template"),
]
