"""After action reviews, good stories and official reports over the API: the
same services, scoping and audit as the pages (lnob.learning). Outside the
caller's areas: 404; bad input: 422 naming the field; a story step on an
older version: 409. Published stories are public (no token)."""

import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import CursorPagination, paginate

from lnob.core.access import grants_of
from lnob.core.models import User
from lnob.core.schema_types import IsoDate
from lnob.learning.aar import selectors as aar_selectors
from lnob.learning.aar import services as aar_services
from lnob.learning.access import (
    AAR_READERS,
    AAR_WRITERS,
    REPORT_READERS,
    STORY_READERS,
    STORY_WRITERS,
    aar_for,
    action_for,
    report_for,
    reports_visible_to,
    story_for,
)
from lnob.learning.models import (
    AfterActionReview,
    FollowUpAction,
    Report,
    Story,
    StoryPerson,
)
from lnob.learning.reports import services as report_services
from lnob.learning.stories import selectors as story_selectors
from lnob.learning.stories import services as story_services
from lnob.learning.tasks import generate_report

router = Router(tags=["learning"])


def _user(request: HttpRequest, roles: Any, message: str) -> User:
    if not grants_of(request.user, roles):
        raise HttpError(403, message)
    return cast(User, request.user)


# ------------------------------------------------------------ reviews

class RoadmapIndicatorOut(Schema):
    code: str
    name_th: str
    name_en: str
    unit: str
    direction: str
    value: float | None


class AarOut(Schema):
    id: int
    title: str
    activity: str
    area_code: str
    province_code: str
    held_on: IsoDate
    forum_id: int | None
    case_id: int | None
    milestone_month: int | None
    activity_note: str


class LessonOut(Schema):
    id: int
    text: str
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ActionOut(Schema):
    id: int
    aar_id: int
    lesson_id: int | None
    text: str
    owner_id: int
    due_on: IsoDate
    status: str
    overdue: bool


class AarDetailOut(AarOut):
    expected: str
    happened: str
    difference: str
    next_steps: str
    participation: dict[str, int] = Field(..., description="people by partner type")
    indicators: list[RoadmapIndicatorOut] = Field(..., description="as the roll-ups gave them on "
                                                            "the day of the review")
    indicators_on: IsoDate | None
    lessons: list[LessonOut]
    actions: list[ActionOut]

    @staticmethod
    def resolve_participation(obj: AfterActionReview) -> dict[str, int]:
        return {k: n for k, _label, n in aar_selectors.participation_of(obj) if n}

    @staticmethod
    def resolve_lessons(obj: AfterActionReview) -> list[Any]:
        return getattr(obj, "shown_lessons", None) or aar_selectors.lessons_of(obj)

    @staticmethod
    def resolve_actions(obj: AfterActionReview) -> list[FollowUpAction]:
        return getattr(obj, "shown_actions", None) or list(aar_selectors.actions_of(obj))


class AarIn(Schema):
    title: str = Field("", max_length=aar_services.MAX_TITLE)
    area_code: str = Field("", description="province, district or subdistrict code (a forum "
                                           "or a case brings its own)")
    held_on: IsoDate | None = None
    activity: str = Field("area", description="area, forum, search_round, d_day, "
                                              "milestone, case")
    forum_id: int | None = None
    case_id: int | None = None
    milestone_month: int | None = Field(None, description="3, 6, 9 or 12")
    activity_note: str = Field("", max_length=aar_services.MAX_NOTE)
    expected: str = Field("", max_length=aar_services.MAX_ANSWER)
    happened: str = Field("", max_length=aar_services.MAX_ANSWER)
    difference: str = Field("", max_length=aar_services.MAX_ANSWER)
    next_steps: str = Field("", max_length=aar_services.MAX_ANSWER)
    participation: dict[str, int] = Field(default_factory=dict,
                                          description="partner type → people")


class AarFiltersIn(Schema):
    q: str = ""
    area: str = Field("", description="a province, district or subdistrict code")
    activity: str = ""
    tag: str = ""
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class LessonIn(Schema):
    text: str = Field("", max_length=aar_services.MAX_LESSON)
    tags: list[str] = Field(default_factory=list)


class ActionIn(Schema):
    text: str = Field("", max_length=aar_services.MAX_ACTION)
    owner_id: int | None = None
    due_on: IsoDate | None = None
    lesson_id: int | None = None


class ActionCloseIn(Schema):
    status: str = Field(..., description="done, dropped or open")
    note: str = Field("", max_length=aar_services.MAX_ACTION)


def _no_write() -> str:
    return _("Your role cannot write after action reviews here.")


@router.get("/aars", response=list[AarOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def aars(request: HttpRequest, filters: Query[AarFiltersIn]) -> Any:
    user = _user(request, AAR_READERS, _("Your role does not read after action reviews."))
    return aar_selectors.aar_list(user, aar_selectors.AarFilters(
        q=filters.q, area=filters.area, activity=filters.activity, tag=filters.tag,
        date_from=filters.date_from, date_to=filters.date_to))


@router.post("/aars", response={201: AarDetailOut})
def aar_create(request: HttpRequest, payload: AarIn) -> Status:
    user = _user(request, AAR_WRITERS, _no_write())
    aar = aar_services.aar_create(actor=user, data=aar_services.AarData(**payload.dict()),
                                  request=request)
    return Status(201, aar_for(user, aar.pk))


@router.get("/aars/{aar_id}", response=AarDetailOut)
def aar(request: HttpRequest, aar_id: int) -> AfterActionReview:
    user = _user(request, AAR_READERS, _("Your role does not read after action reviews."))
    return aar_selectors.shown_to(user, aar_for(user, aar_id))


@router.put("/aars/{aar_id}", response=AarDetailOut)
def aar_update(request: HttpRequest, aar_id: int, payload: AarIn) -> AfterActionReview:
    user = _user(request, AAR_WRITERS, _no_write())
    found = aar_for(user, aar_id)
    aar_services.aar_update(actor=user, aar=found, data=aar_services.AarData(
        **payload.dict()), request=request)
    return aar_for(user, aar_id)


@router.post("/aars/{aar_id}/lessons", response={201: LessonOut})
def lesson_add(request: HttpRequest, aar_id: int, payload: LessonIn) -> Status:
    user = _user(request, AAR_WRITERS, _no_write())
    lesson = aar_services.lesson_add(actor=user, aar=aar_for(user, aar_id),
                                     text=payload.text, tags=payload.tags, request=request)
    return Status(201, lesson)


@router.post("/aars/{aar_id}/actions", response={201: ActionOut})
def action_add(request: HttpRequest, aar_id: int, payload: ActionIn) -> Status:
    user = _user(request, AAR_WRITERS, _no_write())
    action = aar_services.action_add(actor=user, aar=aar_for(user, aar_id),
                                     data=aar_services.ActionData(**payload.dict()),
                                     request=request)
    return Status(201, action)


@router.get("/actions", response=list[ActionOut])
def my_actions(request: HttpRequest) -> list[FollowUpAction]:
    """The caller's open follow-up actions, soonest due first."""
    return list(aar_selectors.followups_of(request.user))


@router.post("/actions/{action_id}/close", response=ActionOut)
def action_close(request: HttpRequest, action_id: int, payload: ActionCloseIn
                 ) -> FollowUpAction:
    user = cast(User, request.user)
    return aar_services.action_close(actor=user, action=action_for(user, action_id),
                                     status=payload.status, note=payload.note,
                                     request=request)


# ------------------------------------------------------------ stories

class StoryOut(Schema):
    id: int
    title: str
    summary: str
    area_code: str
    province_code: str
    status: str
    version: int
    published_at: datetime.datetime | None
    tags: list[str]

    @staticmethod
    def resolve_tags(obj: Story) -> list[str]:
        return [t.name for t in obj.tags.all()]


class PhotoOut(Schema):
    id: int
    url: str
    width: int
    height: int
    caption: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("story_photo", args=[obj.pk])


class ConsentProblemOut(Schema):
    person_id: int
    linked: bool
    message: str


class StoryDetailOut(StoryOut):
    body: str
    network_ids: list[int]
    person_ids: list[int]
    named_person_ids: list[int] = Field(..., description="registry people the text names")
    consent_problems: list[ConsentProblemOut] = Field(
        ..., description="people without a recorded consent for publication; publishing "
                         "is refused while there are any")
    photos: list[PhotoOut]
    review_note: str

    @staticmethod
    def resolve_network_ids(obj: Story) -> list[int]:
        return list(obj.networks.values_list("pk", flat=True))

    @staticmethod
    def resolve_person_ids(obj: Story) -> list[int]:
        return list(StoryPerson.objects.filter(story=obj).values_list("person_id", flat=True))

    @staticmethod
    def resolve_consent_problems(obj: Story) -> list[dict[str, Any]]:
        return [{"person_id": p.person.pk, "linked": p.linked, "message": p.message}
                for p in story_services.consent_problems(obj)]

    @staticmethod
    def resolve_photos(obj: Story) -> list[Any]:
        return list(obj.photos.all())


class PublicStoryOut(Schema):
    id: int
    title: str
    summary: str
    body: str
    province_code: str
    area_code: str
    published_at: datetime.datetime | None
    tags: list[str]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_tags(obj: Story) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_photos(obj: Story) -> list[Any]:
        return list(obj.photos.all())


class StoryIn(Schema):
    title: str = Field("", max_length=story_services.MAX_TITLE)
    summary: str = Field("", max_length=story_services.MAX_SUMMARY)
    body: str = Field("", max_length=story_services.MAX_BODY)
    area_code: str = ""
    network_ids: list[int] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    person_ids: list[int] = Field(default_factory=list,
                                  description="registry people the story is about")


class StoryUpdateIn(StoryIn):
    version: int | None = Field(None, description="the version you read; older → 409")


class StoryStepIn(Schema):
    action: str = Field(..., description="submit, review, return, publish, unpublish")
    note: str = Field("", max_length=story_services.MAX_NOTE)
    version: int | None = Field(None, description="the version you read; older → 409")


class StoryFiltersIn(Schema):
    status: str = ""
    q: str = ""


class PublicFiltersIn(Schema):
    q: str = ""
    province: str = ""
    tag: str = ""


def _story_data(payload: StoryIn) -> story_services.StoryData:
    return story_services.StoryData(
        title=payload.title, summary=payload.summary, body=payload.body,
        area_code=payload.area_code, network_ids=payload.network_ids, tags=payload.tags,
        person_ids=payload.person_ids)


@router.get("/stories", response=list[StoryOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def stories(request: HttpRequest, filters: Query[StoryFiltersIn]) -> Any:
    user = _user(request, STORY_READERS, _("Your role does not work with good stories."))
    return story_selectors.story_list(user, status=filters.status, q=filters.q)


@router.post("/stories", response={201: StoryDetailOut})
def story_create(request: HttpRequest, payload: StoryIn) -> Status:
    user = _user(request, STORY_WRITERS, _("Your role does not write good stories."))
    story = story_services.story_create(actor=user, data=_story_data(payload), request=request)
    return Status(201, story)


@router.get("/stories/{story_id}", response=StoryDetailOut)
def story(request: HttpRequest, story_id: int) -> Story:
    user = _user(request, STORY_READERS, _("Your role does not work with good stories."))
    return story_for(user, story_id)


@router.put("/stories/{story_id}", response={200: StoryDetailOut, 409: dict})
def story_update(request: HttpRequest, story_id: int, payload: StoryUpdateIn) -> Any:
    user = _user(request, STORY_WRITERS, _("Your role does not write good stories."))
    found = story_for(user, story_id)
    story_services.story_update(actor=user, story=found, data=_story_data(payload),
                                expected_version=payload.version, request=request)
    return story_for(user, story_id)


@router.post("/stories/{story_id}/steps", response={200: StoryDetailOut, 409: dict})
def story_step(request: HttpRequest, story_id: int, payload: StoryStepIn) -> Any:
    user = _user(request, STORY_READERS, _("Your role does not work with good stories."))
    found = story_for(user, story_id)
    story_services.story_step(actor=user, story=found, action=payload.action,
                              note=payload.note, expected_version=payload.version,
                              request=request)
    return story_for(user, story_id)


@router.post("/stories/{story_id}/photos", response={201: PhotoOut})
def story_photo_add(request: HttpRequest, story_id: int, photo: File[UploadedFile],
                    caption: Form[str] = "") -> Status:
    user = _user(request, STORY_WRITERS, _("Your role does not write good stories."))
    row = story_services.photo_add(actor=user, story=story_for(user, story_id),
                                   upload=photo, caption=caption, request=request)
    return Status(201, row)


@router.get("/public/stories", response=list[PublicStoryOut], auth=None)
@paginate(CursorPagination, ordering=("-id",), page_size=20)
def public_stories(request: HttpRequest, filters: Query[PublicFiltersIn]) -> Any:
    """Published good stories, newest first (no token needed)."""
    stories = story_selectors.public_list(story_selectors.PublicFilters(
        q=filters.q, province=filters.province, tag=filters.tag))
    hidden = story_selectors.consent.withdrawn(list(stories))
    return stories.exclude(pk__in=hidden)


@router.get("/public/stories/{story_id}", response=PublicStoryOut, auth=None)
def public_story(request: HttpRequest, story_id: int) -> Story:
    found = story_selectors.public_story(story_id)
    if found is None:
        raise HttpError(404, _("Not found."))
    return found


# ------------------------------------------------------------ reports

class OfficialReportOut(Schema):
    id: int
    kind: str
    area_code: str
    period_start: IsoDate
    period_end: IsoDate
    thai_digits: bool
    language: str
    status: str
    pages: int
    size: int
    requested_at: datetime.datetime
    finished_at: datetime.datetime | None
    pdf_url: str | None

    @staticmethod
    def resolve_pdf_url(obj: Report) -> str | None:
        return reverse("report_pdf", args=[obj.pk]) if obj.status == "done" else None


class OfficialReportIn(Schema):
    kind: str = Field(..., description="province, national or cabinet")
    area_code: str = Field("", description="the province code of a provincial report")
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    thai_digits: bool = False
    language: str = Field("th", description="th or en")
    story_ids: list[int] = Field(default_factory=list)


@router.get("/reports", response=list[OfficialReportOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def reports(request: HttpRequest) -> Any:
    user = _user(request, REPORT_READERS, _("Your role does not read reports."))
    return reports_visible_to(user)


@router.post("/reports", response={202: OfficialReportOut})
def report_create(request: HttpRequest, payload: OfficialReportIn) -> Status:
    """Asks for a report; it is made in the background (poll its status)."""
    user = _user(request, REPORT_READERS, _("Your role does not read reports."))
    report = report_services.report_request(
        actor=user, data=report_services.ReportData(**payload.dict()), request=request)
    generate_report.enqueue(report.pk)
    return Status(202, report_for(user, report.pk))


@router.get("/reports/{report_id}", response=OfficialReportOut)
def report(request: HttpRequest, report_id: int) -> Report:
    user = _user(request, REPORT_READERS, _("Your role does not read reports."))
    return report_for(user, report_id)
