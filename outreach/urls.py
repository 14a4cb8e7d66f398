from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.my_reminders, name="mine"),
    path("settings/", views.preferences, name="preferences"),
    path("<int:pk>/", views.open_reminder, name="open"),
]
