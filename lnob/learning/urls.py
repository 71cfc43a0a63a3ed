"""Pages of the learning app under /learning/: after action reviews and their
follow-up actions, good stories (every status, for the people who write and
review them) and official reports."""

from django.urls import path

from lnob.learning.aar import views as aar
from lnob.learning.reports import views as reports
from lnob.learning.stories import views as stories

urlpatterns = [
    path("aars/", aar.aar_list, name="aar_list"),
    path("aars/new/", aar.aar_new, name="aar_new"),
    path("aars/<int:pk>/", aar.aar_detail, name="aar_detail"),
    path("aars/<int:pk>/edit/", aar.aar_edit, name="aar_edit"),
    path("aars/<int:pk>/lessons/", aar.aar_lesson_add, name="aar_lesson_add"),
    path("aars/<int:pk>/actions/", aar.aar_action_add, name="aar_action_add"),
    path("actions/", aar.my_actions, name="my_actions"),
    path("actions/<int:pk>/close/", aar.action_close, name="action_close"),
    path("provinces/<str:code>/", aar.province_learning, name="province_learning"),
    path("stories/", stories.story_list, name="story_list"),
    path("stories/new/", stories.story_new, name="story_new"),
    path("stories/<int:pk>/", stories.story_detail, name="story_detail"),
    path("stories/<int:pk>/edit/", stories.story_edit, name="story_edit"),
    path("stories/<int:pk>/step/", stories.story_step, name="story_step"),
    path("stories/<int:pk>/photos/", stories.story_photo_add, name="story_photo_add"),
    path("stories/<int:pk>/photos/<int:photo_id>/remove/", stories.story_photo_remove,
         name="story_photo_remove"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
]
