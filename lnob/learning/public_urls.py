"""The public site of good stories under /stories/: no sign-in; published
stories only."""

from django.urls import path

from lnob.core.access import public
from lnob.learning.stories import views
from lnob.learning.stories.feeds import StoryAtomFeed, StoryFeed

urlpatterns = [
    path("", views.public_story_list, name="public_stories"),
    path("<int:pk>/", views.public_story_detail, name="public_story"),
    path("photos/<int:pk>/", views.story_photo, name="story_photo"),
    path("feed/", public(StoryFeed()), name="story_feed"),
    path("feed/atom/", public(StoryAtomFeed()), name="story_feed_atom"),
]
