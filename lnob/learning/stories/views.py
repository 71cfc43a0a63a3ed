"""Good story pages: the stories of the user's areas (every status), writing
and changing one, its photos and its steps; and the public site — published
stories, searchable, by province, with feeds — and the photo view that checks
who may see a photo before sending it."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import covers, grants_of, public, requires_roles
from lnob.core.models import AuditAction, User
from lnob.geo.choice import province_for_new, provinces_where
from lnob.geo.models import Province
from lnob.geo.selectors import area_by_code
from lnob.learning.access import (
    STORY_READERS,
    STORY_WRITERS,
    may_review_story,
    may_see_photo_of,
    may_write_story,
    story_for,
)
from lnob.learning.models import Story, StoryPhoto, StoryStatus
from lnob.learning.redact import redact
from lnob.learning.stories import selectors, services, workflow
from lnob.learning.stories.forms import PhotoForm, PublicFilterForm, StoryForm, story_initial


def _provinces(provinces: Any) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in provinces]


@requires_roles(*STORY_READERS)
def story_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in StoryStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.story_list(request.user, status=status, q=q), 25).get_page(
        request.GET.get("page"))
    return render(request, "learning/story_list.html", {
        "page": page, "status": status, "q": q, "statuses": StoryStatus.choices,
        "writes": bool(grants_of(request.user, STORY_WRITERS))})


@requires_roles(*STORY_WRITERS)
def story_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, STORY_WRITERS)
    if province is None:
        return render(request, "learning/province_picker.html", {
            "provinces": _provinces(provinces_where(user, STORY_WRITERS)), "next": "story_new"})
    form = StoryForm(request.POST or None, user=user, province_code=province)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_create(actor=user, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("story_detail", pk=story.pk)
    return render(request, "learning/story_form.html", {"form": form, "story": None},
                  status=400 if form.errors else 200)


@requires_roles(*STORY_WRITERS)
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    story = story_for(user, pk)
    if not may_write_story(user, story.area_code):
        raise PermissionDenied
    if story.status not in workflow.EDITABLE:
        return redirect("story_detail", pk=story.pk)
    form = StoryForm(request.POST or None, initial=story_initial(story), user=user,
                     province_code=story.province_code)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.story_update(actor=user, story=story, data=form.to_data(),
                                  expected_version=form.cleaned_data.get("version"),
                                  request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        except services.StoryChanged:
            form.add_error(None, _changed())
            status = 409
        else:
            return redirect("story_detail", pk=story.pk)
    return render(request, "learning/story_form.html", {"form": form, "story": story},
                  status=status if status != 200 else (400 if form.errors else 200))


def _changed() -> str:
    from django.utils.translation import gettext as _

    return _("Someone changed this story after you opened it, so nothing was saved. Reload "
             "the page to see it as it is now.")


def _detail(request: HttpRequest, story: Story, *, errors: dict[str, list[str]] | None = None,
            photo_form: PhotoForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    writer = may_write_story(user, story.area_code)
    reviewer = may_review_story(user, story)
    linked = selectors.linked_persons(story)
    named = selectors.named_not_linked(story)
    problems = services.consent_problems(story)
    if linked or named:
        audit.record(AuditAction.VIEW, request=request, obj=story, area_code=story.area_code,
                     detail={"persons": [p.pk for p in linked], "named": [p.pk for p in named]})
    return render(request, "learning/story_detail.html", {
        "story": story, "area": area_by_code(story.area_code),
        "writer": writer, "reviewer": reviewer,
        "editable": writer and story.status in workflow.EDITABLE,
        "steps": workflow.actions_from(story.status, writer=writer, reviewer=reviewer),
        "linked": linked, "named": named, "problems": problems,
        "photos": list(story.photos.all()), "errors": errors or {},
        "photo_form": photo_form or PhotoForm(),
        "tags": list(story.tags.all()), "networks": list(story.networks.all()),
    }, status=status)


@requires_roles(*STORY_READERS)
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, story_for(request.user, pk))


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@requires_roles(*STORY_READERS)
@require_POST
def story_step(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    story = story_for(user, pk)
    try:
        services.story_step(actor=user, story=story, action=request.POST.get("action", ""),
                            note=request.POST.get("note", ""),
                            expected_version=_version(request), request=request)
    except ValidationError as err:
        return _detail(request, story, errors=err.message_dict, status=400)
    except services.StoryChanged:
        return _detail(request, story_for(user, pk), errors={"action": [_changed()]},
                       status=409)
    return redirect("story_detail", pk=story.pk)


@requires_roles(*STORY_WRITERS)
@require_POST
def story_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    story = story_for(user, pk)
    form = PhotoForm(request.POST, request.FILES)
    form.is_valid()
    try:
        services.photo_add(actor=user, story=story, upload=request.FILES.get("photo"),
                           caption=form.cleaned_data.get("caption", ""), request=request)
    except ValidationError as err:
        for key, messages in err.message_dict.items():
            for message in messages:
                form.add_error(key if key in form.fields else None, message)
        return _detail(request, story, photo_form=form, status=400)
    return redirect("story_detail", pk=story.pk)


@requires_roles(*STORY_WRITERS)
@require_POST
def story_photo_remove(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    user = cast(User, request.user)
    story = story_for(user, pk)
    photo = story.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    try:
        services.photo_remove(actor=user, photo=photo, request=request)
    except ValidationError as err:
        return _detail(request, story, errors=err.message_dict, status=400)
    return redirect("story_detail", pk=story.pk)


# The public site

@public
def public_story_list(request: HttpRequest) -> HttpResponse:
    provinces = _provinces(Province.objects.order_by("code"))
    form = PublicFilterForm(request.GET or None, provinces=provinces)
    filters = selectors.PublicFilters()
    if form.is_valid():
        c = form.cleaned_data
        filters = selectors.PublicFilters(q=c["q"].strip(), province=c["province"],
                                          tag=c["tag"].strip())
    page = Paginator(selectors.public_list(filters), 12).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "learning/public_list.html", {
        "form": form, "page": page, "stories": selectors.shown_publicly(list(page.object_list)),
        "query": query.urlencode(), "province": filters.province})


@public
def public_story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = selectors.public_story(pk)
    if story is None:
        raise Http404
    return render(request, "learning/public_detail.html", {
        "story": story, "area": area_by_code(story.area_code),
        "province": Province.objects.filter(code=story.province_code).first(),
        "photos": _captions_redacted(list(story.photos.all())),
        "tags": list(story.tags.all()), "networks": list(story.networks.all())})


def _captions_redacted(photos: list[StoryPhoto]) -> list[StoryPhoto]:
    for photo in photos:
        photo.caption = redact(photo.caption)
    return photos


@public
def story_photo(request: HttpRequest, pk: int) -> Any:
    """A story's photo: anyone for a published story (while it is shown), the
    story's readers otherwise; 404 for everyone else."""
    photo = StoryPhoto.objects.select_related("story").filter(pk=pk).first()
    if photo is None or not may_see_photo_of(request.user, photo.story):
        raise Http404
    story = photo.story
    is_public = story.status == StoryStatus.PUBLISHED
    if is_public and not selectors.shown_publicly([story]) and not covers(
            request.user, story.area_code, STORY_READERS):
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    if is_public:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
