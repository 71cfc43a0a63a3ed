from django.urls import path

from lnob.cases.forums import views

urlpatterns = [
    path("", views.forum_list, name="forum_list"),
    path("new/", views.forum_new, name="forum_new"),
    path("<int:pk>/", views.forum_detail, name="forum_detail"),
    path("<int:pk>/edit/", views.forum_edit, name="forum_edit"),
    path("<int:pk>/agenda/", views.forum_agenda, name="forum_agenda"),
    path("<int:pk>/decide/", views.forum_decide, name="forum_decide"),
    path("<int:pk>/sheet/", views.forum_sheet, name="forum_sheet"),
]
