"""Welfare over the API: schemes, a person's facts, benefits and referrals,
the referrals to make and the counts. Same scoping, services and audit as the
pages (lnob.welfare.access, selectors, services); domain errors are mapped
by lnob.api.errors."""

from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lnob.api.welfare_funds import router as funds_router
from lnob.core import audit
from lnob.core.access import covers, grants_of
from lnob.core.errors import NotAllowed, NotFound
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate
from lnob.welfare import selectors, services
from lnob.welfare.access import READERS, in_area, welfare_person_for
from lnob.welfare.models import Benefit, BenefitSource, Referral, Scheme

router = Router(tags=["welfare"])


class VersionOut(Schema):
    fiscal_year: int
    effective_from: IsoDate
    rule: Any
    amounts: Any
    amount_baht: int | None
    source: str


class SchemeOut(Schema):
    code: str
    name_th: str
    name_en: str
    provider_kind: str
    benefit_kind: str
    documents: list[str]
    referral_suggested: bool
    decision_days: int
    versions: list[VersionOut]


class VersionIn(Schema):
    fiscal_year: int = Field(..., description="Buddhist Era, e.g. 2570")
    effective_from: IsoDate = Field(..., description="CE date, today or later")
    rule: Any = Field(..., description="the eligibility rule (docs/welfare.md)")
    amounts: list[Any] = []
    amount_baht: int | None = None
    source: str = Field("", max_length=2000)


class FactsIO(Schema):
    disability_registered: str = Field("", description="yes | no | empty (not known)")
    income_band: str = Field("", description="lt30k | 30k_100k | ge100k | empty (not known)")


class BenefitOut(Schema):
    id: int
    scheme: str = Field(..., alias="scheme.code")
    since: IsoDate | None
    until: IsoDate | None
    amount_baht: int | None
    source: str
    source_note: str


class BenefitIn(Schema):
    scheme: str = Field(..., description="scheme code")
    since: IsoDate | None = None
    amount_baht: int | None = Field(None, ge=0)
    source_note: str = Field("", max_length=255)


class EndIn(Schema):
    until: IsoDate
    note: str = Field("", max_length=255)


class EligibilityOut(Schema):
    scheme: str = Field(..., alias="scheme.code")
    result: str = Field(..., description="eligible | cannot_tell | not_eligible")
    missing: list[str]
    amount_baht: int | None
    receiving: bool
    evaluated_on: IsoDate = Field(..., description=(
        "the day this answer was written; a later full evaluation that gives the same "
        "answer keeps it"))

    @staticmethod
    def resolve_missing(obj: Any) -> list[str]:
        return [m for m in obj.missing.split(",") if m]


class ReferralOut(Schema):
    id: int
    person_id: int
    scheme: str = Field(..., alias="scheme.code")
    status: str
    provider_name: str
    provider_address: str
    note: str
    refused_reason: str
    sent_on: IsoDate
    due_on: IsoDate
    decided_on: IsoDate | None
    case_id: int | None
    version: int


class ReferralIn(Schema):
    scheme: str
    provider_name: str = Field("", max_length=200)
    provider_address: str = Field("", max_length=300)
    note: str = Field("", max_length=255)


class ReferralStepIn(Schema):
    status: str = Field(..., description="received | approved | refused")
    reason: str = Field("", max_length=255, description="required to refuse")
    version: int = Field(..., description="the version you read; a newer one → 409")


class PersonWelfareOut(Schema):
    person_id: int
    facts: FactsIO
    eligibility: list[EligibilityOut]
    benefits: list[BenefitOut]
    referrals: list[ReferralOut]


class CountOut(Schema):
    scheme: str
    eligible: int
    receiving: int
    eligible_not_receiving: int
    cannot_tell: int
    referred: int
    approved: int


class ToReferOut(Schema):
    person_id: int
    name: str = Field(..., alias="person.full_name")
    scheme: str = Field(..., alias="scheme.code")
    amount_baht: int | None
    subdistrict_code: str


class AreaIn(Schema):
    area: str = Field("", max_length=6, description="DOPA code; empty: the whole country")


def _reader(request: HttpRequest) -> User:
    if not grants_of(request.user, READERS):
        raise NotAllowed
    return cast(User, request.user)


def _scheme(code: str) -> Scheme:
    scheme = Scheme.objects.filter(code=code).first()
    if scheme is None:
        raise NotFound("unknown_scheme", field="scheme")
    return scheme


def _scheme_out(s: Scheme) -> dict[str, Any]:
    return {"code": s.code, "name_th": s.name_th, "name_en": s.name_en,
            "provider_kind": s.provider_kind, "benefit_kind": s.benefit_kind,
            "documents": [d for d in s.documents.splitlines() if d.strip()],
            "referral_suggested": s.referral_suggested, "decision_days": s.decision_days,
            "versions": list(s.versions.all())}


@router.get("/schemes", response=list[SchemeOut])
def schemes(request: HttpRequest) -> list[dict[str, Any]]:
    """The schemes with every version of their rules (national data)."""
    return [_scheme_out(s) for s in selectors.schemes()]


@router.post("/schemes/{code}/versions", response={201: SchemeOut})
def scheme_version(request: HttpRequest, code: str, payload: VersionIn) -> Any:
    """A new version of a scheme from a date (system administrators)."""
    scheme = _scheme(code)
    services.scheme_version_add(actor=cast(User, request.user), scheme=scheme,
                                request=request, **payload.dict())
    return Status(201, _scheme_out(scheme))


def _person_out(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = welfare_person_for(request.user, person_id)
    welfare = selectors.person_welfare(person)
    audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code,
                 detail={"via": "api", "page": "welfare"})
    facts = welfare.facts
    return {"person_id": person.pk,
            "facts": {"disability_registered": facts.disability_registered if facts else "",
                      "income_band": facts.income_band if facts else ""},
            "eligibility": welfare.eligibility, "benefits": welfare.benefits,
            "referrals": welfare.referrals}


@router.get("/persons/{person_id}", response=PersonWelfareOut)
def person_welfare(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """A person's facts, eligibility (with what is missing), benefits and referrals."""
    _reader(request)
    return _person_out(request, person_id)


@router.put("/persons/{person_id}/facts", response=PersonWelfareOut)
def facts_put(request: HttpRequest, person_id: int, payload: FactsIO) -> dict[str, Any]:
    user = _reader(request)
    person = welfare_person_for(user, person_id)
    services.facts_set(actor=user, person=person, request=request, **payload.dict())
    return _person_out(request, person_id)


@router.post("/persons/{person_id}/benefits", response={201: BenefitOut})
def benefit_post(request: HttpRequest, person_id: int, payload: BenefitIn) -> Any:
    """Records the person's current benefit of a scheme, or updates it (the old
    values are kept in its history)."""
    user = _reader(request)
    person = welfare_person_for(user, person_id)
    benefit = services.benefit_record(
        actor=user, person=person, scheme=_scheme(payload.scheme), since=payload.since,
        amount_baht=payload.amount_baht, source=BenefitSource.API,
        source_note=payload.source_note, request=request)
    return Status(201, benefit)


@router.post("/benefits/{benefit_id}/end", response=BenefitOut)
def benefit_end(request: HttpRequest, benefit_id: int, payload: EndIn) -> Benefit:
    user = _reader(request)
    benefit = Benefit.objects.filter(pk=benefit_id).select_related("person", "scheme").first()
    if benefit is None:
        raise NotFound
    welfare_person_for(user, benefit.person_id)
    return services.benefit_end(actor=user, benefit=benefit, until=payload.until,
                                note=payload.note, request=request)


@router.post("/persons/{person_id}/referrals", response={201: ReferralOut})
def referral_post(request: HttpRequest, person_id: int, payload: ReferralIn) -> Any:
    user = _reader(request)
    person = welfare_person_for(user, person_id)
    referral = services.referral_create(actor=user, person=person,
                                        scheme=_scheme(payload.scheme),
                                        provider_name=payload.provider_name,
                                        provider_address=payload.provider_address,
                                        note=payload.note, request=request)
    return Status(201, referral)


@router.post("/referrals/{referral_id}/step", response=ReferralOut)
def referral_step(request: HttpRequest, referral_id: int, payload: ReferralStepIn) -> Referral:
    """sent → received → approved / refused (with the reason)."""
    user = _reader(request)
    referral = Referral.objects.filter(in_area(user), pk=referral_id).select_related(
        "person", "scheme").first()
    if referral is None:
        raise NotFound
    return services.referral_step(actor=user, referral=referral, status=payload.status,
                                  reason=payload.reason, expected_version=payload.version,
                                  request=request)


@router.get("/to-refer", response=list[ToReferOut])
@paginate(CursorPagination, ordering=("id",), page_size=100)
def to_refer(request: HttpRequest) -> Any:
    """The eligible in your areas receiving nothing, no referral under way."""
    user = _reader(request)
    audit.record(AuditAction.VIEW, request=request, object_type="welfare.to_refer",
                 detail={"via": "api"})
    return selectors.to_refer(user).order_by()


@router.get("/counts", response=list[CountOut])
def counts(request: HttpRequest, filters: Query[AreaIn]) -> list[dict[str, Any]]:
    """Per scheme in an area you hold: eligible, receiving, referred, approved."""
    area = filters.area.strip()
    if area and (len(area) not in (2, 4, 6) or not area.isdigit()):
        raise NotFound
    if not covers(request.user, area):
        raise NotFound
    return [{"scheme": c.scheme.code, "eligible": c.eligible, "receiving": c.receiving,
             "eligible_not_receiving": c.eligible_not_receiving,
             "cannot_tell": c.cannot_tell, "referred": c.referred, "approved": c.approved}
            for c in selectors.counts(area)]


# /api/v1/welfare/funds/…: community welfare funds (lnob.api.welfare_funds).
router.add_router("/funds", funds_router)
