from django.urls import path

from lnob.privacy import views

urlpatterns = [
    path("", views.request_list, name="privacy_requests"),
    path("new/", views.request_new, name="privacy_request_new"),
    path("<int:pk>/", views.request_detail, name="privacy_request"),
    path("<int:pk>/file/", views.request_file, name="privacy_request_file"),
]
