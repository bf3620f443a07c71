from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("v1/rubric/", views.RubricView.as_view(), name="rubric"),
]
