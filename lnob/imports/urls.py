from django.urls import path

from lnob.imports import fund_views, views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("template.csv", views.import_template, name="import_template"),
    path("welfare-list/", views.welfare_list, name="import_welfare_list"),
    path("welfare-list/<int:pk>/", views.welfare_list_detail, name="import_welfare_list_detail"),
    path("welfare-list/<int:pk>/record/", views.welfare_list_commit,
         name="import_welfare_list_commit"),
    path("welfare-list/<int:pk>/cancel/", views.welfare_list_cancel,
         name="import_welfare_list_cancel"),
    path("welfare-list/<int:pk>/retry/", views.welfare_list_retry,
         name="import_welfare_list_retry"),
    path("welfare-list/<int:pk>/report.csv", views.welfare_list_report,
         name="import_welfare_list_report"),
    path("fund-members/<int:pk>/", fund_views.fund_members, name="import_fund_members"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/retry/", views.import_retry, name="import_retry"),
]
