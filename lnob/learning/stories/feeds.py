"""Feeds of the published good stories (RSS 2.0 and Atom), for the whole
country or one province (``?province=84``), so that community media and the
ministry's sites can carry them."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from lnob.geo.models import Province
from lnob.learning.models import Story
from lnob.learning.stories import selectors

ITEMS = 30


class StoryFeed(Feed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Province | None:
        code = request.GET.get("province", "")
        return Province.objects.filter(code=code).first() if code else None

    def title(self, obj: Province | None) -> str:
        if obj is None:
            return _("Good stories — Leave no one behind")
        return _("Good stories of %(province)s — Leave no one behind") % {"province": obj.name}

    def link(self, obj: Province | None) -> str:
        url = reverse("public_stories")
        return f"{url}?province={obj.code}" if obj else url

    def description(self, obj: Province | None) -> str:
        return _("Good practice shared by the networks that care for people left behind.")

    def items(self, obj: Province | None) -> list[Story]:
        filters = selectors.PublicFilters(province=obj.code if obj else "")
        return selectors.shown_publicly(list(selectors.public_list(filters)[:ITEMS]))

    def item_title(self, item: Story) -> str:
        return item.title

    def item_description(self, item: Story) -> str:
        # Plain text: the feed generator escapes it, so markup in a story stays text.
        return item.summary or item.body[:500]

    def item_link(self, item: Story) -> str:
        return reverse("public_story", args=[item.pk])

    def item_pubdate(self, item: Story) -> datetime.datetime | None:
        return item.published_at

    def item_categories(self, item: Story) -> list[str]:
        return [t.name for t in item.tags.all()]


class StoryAtomFeed(StoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Province | None) -> str:
        return self.description(obj)
