"""Test data for care capacity. Factories write rows directly; tests of the
rules go through the services. Call ``XFactory.create(...)`` (typed)."""

from __future__ import annotations

from typing import Any, TypeVar

import factory
from factory.django import DjangoModelFactory

from lnob.networks.models import (
    Committee,
    CommitteeLevel,
    CommitteeMember,
    CommitteeRole,
    Fund,
    FundKind,
    Network,
    PartnerType,
    Volunteer,
)

KO_TAO, BAN_TAI, KRABI_TOWN = "840503", "840502", "810101"
T = TypeVar("T", Network, Volunteer)


class _CoverageFactory(DjangoModelFactory[T]):
    """``subdistricts=["840503"]`` (codes) and ``needs=[need]`` after the row is saved."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def subdistricts(self, create: bool, codes: list[str] | None, **kwargs: Any) -> None:
        if create and codes:
            self.subdistricts.set(codes)

    @factory.post_generation
    def needs(self, create: bool, needs: list[Any] | None, **kwargs: Any) -> None:
        if create and needs:
            self.needs.set(needs)


class NetworkFactory(_CoverageFactory[Network]):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"เครือข่ายที่ {n}")
    partner_type = PartnerType.COMMUNITY
    province_code = "84"
    leader_name = "สมหมาย รักดี"
    capacity = 20


class VolunteerFactory(_CoverageFactory[Volunteer]):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"อาสา{n}")
    last_name = "ใจงาม"
    phone = factory.Sequence(lambda n: f"08{n:08d}")
    province_code = "84"


class FundFactory(DjangoModelFactory[Fund]):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"กองทุนสวัสดิการชุมชน {n}")
    kind = FundKind.COMMUNITY_WELFARE
    area_code = KO_TAO
    province_code = factory.LazyAttribute(lambda f: f.area_code[:2])


class CommitteeFactory(DjangoModelFactory[Committee]):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"คณะกรรมการตำบล {n}")
    level = CommitteeLevel.SUBDISTRICT
    area_code = KO_TAO
    province_code = factory.LazyAttribute(lambda c: c.area_code[:2])


class CommitteeMemberFactory(DjangoModelFactory[CommitteeMember]):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"กรรมการ {n}")
    role = CommitteeRole.MEMBER
    partner_type = PartnerType.COMMUNITY
