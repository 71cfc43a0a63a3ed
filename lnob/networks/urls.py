"""Care capacity (ผู้ให้) pages, under /capacity/."""

from django.urls import path

from lnob.networks.views import committees, funds, networks, volunteers

urlpatterns = [
    path("", networks.network_list_view, name="network_list"),
    path("networks/", networks.network_list_view),
    path("networks/export.csv", networks.network_export, {"fmt": "csv"},
         name="network_export_csv"),
    path("networks/export.xlsx", networks.network_export, {"fmt": "xlsx"},
         name="network_export_xlsx"),
    path("networks/new/", networks.network_new, name="network_new"),
    path("networks/<int:pk>/", networks.network_detail, name="network_detail"),
    path("networks/<int:pk>/edit/", networks.network_edit, name="network_edit"),
    path("volunteers/", volunteers.volunteer_list_view, name="volunteer_list"),
    path("volunteers/export.csv", volunteers.volunteer_export, {"fmt": "csv"},
         name="volunteer_export_csv"),
    path("volunteers/export.xlsx", volunteers.volunteer_export, {"fmt": "xlsx"},
         name="volunteer_export_xlsx"),
    path("volunteers/new/", volunteers.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", volunteers.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("funds/", funds.fund_list_view, name="fund_list"),
    path("funds/new/", funds.fund_new, name="fund_new"),
    path("funds/<int:pk>/", funds.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/edit/", funds.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/transactions/", funds.fund_transaction_new,
         name="fund_transaction_new"),
    path("committees/", committees.committee_list_view, name="committee_list"),
    path("committees/new/", committees.committee_new, name="committee_new"),
    path("committees/<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", committees.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/members/", committees.committee_member_new,
         name="committee_member_new"),
    path("committees/members/<int:pk>/remove/", committees.committee_member_remove,
         name="committee_member_remove"),
    path("committees/<int:pk>/meetings/", committees.committee_meeting_new,
         name="committee_meeting_new"),
]
