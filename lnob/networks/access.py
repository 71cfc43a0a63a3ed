"""Who may see and change care capacity. Used by the pages and the API alike.

Networks, funds and committees are not personal data: anyone holding a role on
an area sees those that lie in it. Volunteers are people (names, phones): only
the roles that work with named people see them, and every look is audited by
the caller. Outside the user's areas the answer is 404, as everywhere.

Where a thing lies: a fund or a committee at its area code; a network or a
volunteer in its province as a whole (for province and national grants) and in
each subdistrict or village it covers (for district and subdistrict grants).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lnob.core.access import area_codes, area_q, covers
from lnob.core.roles import Role, allowed
from lnob.geo.choice import province_codes
from lnob.networks.models import Committee, Fund, Network, Volunteer

# Any role sees the networks, funds and committees of its areas.
READERS: tuple[Role, ...] = allowed("networks.read")
# Volunteers' names and phones: the roles that work with named people.
VOLUNTEER_READERS = allowed("volunteers.read")
# Networks and volunteers are also kept up to date by the network coordinators.
NETWORK_EDITORS = allowed("networks.edit")
# Funds and committees: the provincial office (secretariat) and administrators.
EDITORS = allowed("funds.edit")


def _coverage_q(user: Any, roles: Iterable[Role], model: type[Network] | type[Volunteer]) -> Q:
    """Rows of the user's provinces, or covering a subdistrict (or village) in
    the user's districts and subdistricts. Subqueries, not joins: no duplicates."""
    codes = area_codes(user, roles)
    if "" in codes:
        return Q()
    q = Q(pk__in=[])
    owner = model._meta.model_name  # "network" or "volunteer": the through table's FK
    for code in codes:
        if len(code) == 2:
            q |= Q(province_code=code)
            continue
        # Exact matches on indexed columns: a district's code, or the subdistrict's.
        at = {"subdistrict__district_id": code} if len(code) == 4 else {"subdistrict_id": code}
        through = model.subdistricts.through.objects.filter(**at)
        q |= Q(pk__in=through.values(f"{owner}_id"))
        at = ({"village__subdistrict__district_id": code} if len(code) == 4
              else {"village__subdistrict_id": code})
        villages = model.villages.through.objects.filter(**at)
        q |= Q(pk__in=villages.values(f"{owner}_id"))
    return q


def networks_visible_to(user: Any, roles: Iterable[Role] = READERS) -> QuerySet[Network]:
    return Network.objects.filter(_coverage_q(user, roles, Network))


def volunteers_visible_to(user: Any,
                          roles: Iterable[Role] = VOLUNTEER_READERS) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(_coverage_q(user, roles, Volunteer))


def funds_visible_to(user: Any, roles: Iterable[Role] = READERS) -> QuerySet[Fund]:
    return Fund.objects.filter(area_q(user, "area_code", roles))


def committees_visible_to(user: Any, roles: Iterable[Role] = READERS) -> QuerySet[Committee]:
    return Committee.objects.filter(area_q(user, "area_code", roles))


def _one(qs: QuerySet[Any], pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def network_for(user: Any, pk: int, roles: Iterable[Role] = READERS) -> Network:
    """The network if the user may see it; 404 otherwise (not 403)."""
    network: Network = _one(networks_visible_to(user, roles).select_related("lead_network"), pk)
    return network


def volunteer_for(user: Any, pk: int, roles: Iterable[Role] = VOLUNTEER_READERS) -> Volunteer:
    volunteer: Volunteer = _one(volunteers_visible_to(user, roles).select_related("network"), pk)
    return volunteer


def fund_for(user: Any, pk: int, roles: Iterable[Role] = READERS) -> Fund:
    fund: Fund = _one(funds_visible_to(user, roles).select_related("network"), pk)
    return fund


def committee_for(user: Any, pk: int, roles: Iterable[Role] = READERS) -> Committee:
    committee: Committee = _one(committees_visible_to(user, roles), pk)
    return committee


def may_write_coverage(user: Any, province_code: str, codes: Iterable[str],
                       roles: Iterable[Role] = NETWORK_EDITORS) -> bool:
    """A whole-province (or national) editor may write anything in the
    province; a district or subdistrict editor only what lies wholly inside
    their areas, so they cannot change another district's coverage."""
    if covers(user, province_code, roles):
        return True
    codes = list(codes)
    return bool(codes) and all(covers(user, code, roles) for code in codes)


def coverage_codes(obj: Network | Volunteer) -> list[str]:
    return [s.code for s in obj.subdistricts.all()] + [v.code for v in obj.villages.all()]


def can_change_network(user: Any, network: Network) -> bool:
    return may_write_coverage(user, network.province_code, coverage_codes(network))


def can_change_volunteer(user: Any, volunteer: Volunteer) -> bool:
    return may_write_coverage(user, volunteer.province_code, coverage_codes(volunteer))


def can_change_fund(user: Any, fund: Fund) -> bool:
    return covers(user, fund.area_code, EDITORS)


def can_change_committee(user: Any, committee: Committee) -> bool:
    return covers(user, committee.area_code, EDITORS)


def works_in_province(user: Any, province_code: str, roles: Iterable[Role]) -> bool:
    """Holds one of ``roles`` on the province, inside it, or nationally."""
    return any(code.startswith(province_code) or province_code.startswith(code)
               for code in area_codes(user, roles))


def require_province(user: Any, province_code: str, roles: Iterable[Role]) -> None:
    """404 when the user has nothing to write in this province: adding a
    network, fund or committee there is as invisible as reading one. A code
    that is no province code at all is left to the service to explain."""
    looks_real = len(province_code) == 2 and province_code.isdigit()
    if looks_real and not works_in_province(user, province_code, roles):
        raise Http404


def provinces_of(user: Any, roles: Iterable[Role]) -> list[str] | None:
    """The provinces where the user holds these roles; None means all of them."""
    return province_codes(user, roles)
