"""The record of processing activities (PDPA s.39), generated from the models:
for every model that holds personal data, what it holds (its fields' names),
why, on which lawful basis, who reads it, and how long it is kept.

A model holds personal data when one of its fields is in PERSONAL_FIELDS; a
test fails when such a model has no entry in ACTIVITIES, so a new table of
personal data cannot be left out of the record."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

PERSONAL_FIELDS = {"first_name", "last_name", "citizen_id", "phone", "birth_date",
                   "reporter_name", "reporter_phone", "contact_phone", "leader_name",
                   "person", "actor", "user", "requester", "done", "summary", "ip",
                   "house_number", "address_text", "name", "giver_name", "giver_phone",
                   "giver_email"}
# Models whose "name" or "user" is not a person's data (organisations, areas).
NOT_PERSONAL = {"geo.province", "geo.district", "geo.subdistrict", "geo.village",
                "registry.targetgroup", "registry.need", "networks.network", "networks.fund",
                "networks.committee", "learning.tag", "auth.group", "auth.permission",
                "contenttypes.contenttype", "sessions.session", "admin.logentry",
                "django_tasks_database.dbtaskresult", "axes.accessattempt",
                "axes.accesslog", "axes.accessfailurelog", "otp_totp.totpdevice",
                "otp_static.staticdevice", "otp_static.statictoken", "core.apitoken",
                "core.rolegrant", "core.ratecounter", "learning.storytag"}


@dataclass(frozen=True)
class Activity:
    purpose: str
    basis: str
    readers: str
    retention: str
    sensitive: bool = False


_CARE = "PDPA s.24(4) public task; s.26(5)(b) social protection; consent where recorded"
ACTIVITIES: dict[str, Activity] = {
    "registry.person": Activity(
        "Finding, verifying and caring for people left behind", _CARE,
        "provincial officers, network coordinators of the area; volunteers for people "
        "assigned to them", "anonymised 10 years after the last case closed, or on erasure",
        sensitive=True),
    "registry.household": Activity("Care of households", _CARE, "as persons",
                                   "as persons"),
    "registry.personneed": Activity("Needs and severity (health, disability)", _CARE,
                                    "as persons", "as persons", sensitive=True),
    "registry.consent": Activity("Consent and lawful basis of each person", "PDPA s.19, s.24",
                                 "as persons", "as persons"),
    "registry.personchange": Activity("History of each record (accountability)", _CARE,
                                      "as persons", "emptied on erasure"),
    "cases.case": Activity("Case management from report to closing", _CARE, "as persons",
                           "free text removed on erasure", sensitive=True),
    "cases.receivedreport": Activity(
        "Public reports kept at the door until the worker files them (seconds)", _CARE,
        "the worker; administrators (lnob received_reports)",
        "deleted when filed, 1-2 s after it was sent", sensitive=True),
    "cases.caseevent": Activity("Steps of each case", _CARE, "as persons", "as cases"),
    "cases.visit": Activity("Home visits", _CARE, "carers and officers of the area",
                            "as cases", sensitive=True),
    "cases.visitneed": Activity("Needs seen at visits", _CARE, "as visits", "as cases",
                                sensitive=True),
    "cases.transfer": Activity("Transfers between provinces and networks", _CARE,
                               "both sides' officers", "as cases"),
    "cases.agendaitem": Activity("Community forum decisions", _CARE, "officers, coordinators",
                                 "as cases"),
    "cases.forumattendance": Activity("Forum attendance counts", "PDPA s.24(4)",
                                      "officers, coordinators", "kept"),
    "networks.volunteer": Activity("Volunteers and their capacity", "PDPA s.24(3) contract; "
                                   "consent of the volunteer", "officers, coordinators",
                                   "while active, then 2 years"),
    "networks.committeemember": Activity("Committee membership", "PDPA s.24(4)",
                                         "officers", "while a member"),
    "core.user": Activity("Accounts of staff and volunteers", "PDPA s.24(3) contract",
                          "administrators", "while active"),
    "core.auditevent": Activity("Who saw or changed personal data (Computer Crime Act)",
                                "PDPA s.24(6) legal obligation", "provincial officers, "
                                "administrators", "2 years (at least 90 days)"),
    "learning.story": Activity("Good stories (with the consent of the people in them)",
                               "PDPA s.19 consent", "officers; public once published",
                               "until unpublished or consent withdrawn"),
    "learning.storyperson": Activity("People linked to stories", "PDPA s.19 consent",
                                     "officers", "removed on erasure"),
    "learning.storyphoto": Activity("Photos of stories (location data stripped)",
                                    "PDPA s.19 consent", "officers; public once published",
                                    "as stories"),
    "learning.afteractionreview": Activity("After action reviews", "PDPA s.24(4)",
                                           "officers, committee (redacted)", "kept"),
    "learning.followupaction": Activity("Follow-up actions of reviews", "PDPA s.24(4)",
                                        "their owners, officers", "kept"),
    "learning.lesson": Activity("Lessons of reviews", "PDPA s.24(4)",
                                "officers, committee (redacted)", "kept"),
    "imports.importjob": Activity("Spreadsheet imports", _CARE, "the importing officer",
                                  "files deleted 30 days after import, at once if "
                                  "failed or cancelled"),
    "dedup.personfeatures": Activity("Duplicate detection features", _CARE, "the system",
                                     "as persons"),
    "dedup.blockingkey": Activity("Hashed look-up keys of duplicate detection", _CARE,
                                  "the system", "as persons"),
    "dedup.candidatepair": Activity("Possible duplicates for review", _CARE, "officers",
                                    "as persons"),
    "dedup.merge": Activity("Merges of duplicate records (undo log)", _CARE, "officers",
                            "as persons"),
    "matching.matchingrun": Activity("Matching runs", _CARE, "officers", "kept"),
    "matching.proposalrow": Activity("Proposed carers", _CARE, "officers", "kept"),
    "privacy.subjectrequest": Activity("Requests of data subjects", "PDPA s.24(6)",
                                       "provincial officers", "5 years"),
    "giving.offer": Activity("Offers of help and the givers' contact details",
                             "PDPA s.19 consent (the giver ticks it on /give/)",
                             "the lead network's coordinators, provincial officers",
                             "contact details forgotten 24 months after the giver's last "
                             "offer was used or declined (lnob retention, "
                             "LNOB_GIVER_RETENTION_MONTHS); the giver may ask for access or "
                             "erasure like a person (docs/security.md)"),
    "giving.allocation": Activity("Goods and services given to people's needs", _CARE,
                                  "as persons", "as cases", sensitive=True),
    "welfare.welfarefacts": Activity("What welfare rules need (disability card, income band)",
                                     _CARE, "officers, coordinators of the area",
                                     "as persons", sensitive=True),
    "welfare.benefit": Activity("Benefits each person receives", _CARE,
                                "officers, coordinators of the area", "as persons"),
    "welfare.benefitchange": Activity("History of benefits (accountability)", _CARE,
                                      "officers", "as persons"),
    "welfare.eligibility": Activity("Stored eligibility for welfare schemes", _CARE,
                                    "officers, coordinators of the area", "as persons",
                                    sensitive=True),
    "welfare.referral": Activity("Referrals to welfare providers", _CARE,
                                 "officers, coordinators of the area", "as cases",
                                 sensitive=True),
    "welfare.fundmember": Activity("Members of community welfare funds (name, ID, household)",
                                   "PDPA s.24(3) contract (membership); s.24(4) public task",
                                   "officers, coordinators of the area; the fund's committee",
                                   "while a member, then as persons"),
    "welfare.fundcontribution": Activity("Members' contributions to community welfare funds",
                                         "PDPA s.24(3) contract (membership)",
                                         "officers, coordinators of the area",
                                         "as fund members"),
    "welfare.fundbenefit": Activity("Benefits paid by community welfare funds (birth, "
                                    "sickness, death…)", _CARE,
                                    "officers, coordinators of the area", "as persons",
                                    sensitive=True),
}


def personal_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_PERSONAL:
            continue
        names = {f.name for f in model._meta.get_fields() if not f.auto_created}
        if names & PERSONAL_FIELDS:
            found.append(model)
    return found


def record_markdown() -> str:
    lines = ["# Record of processing activities (PDPA s.39)", "",
             "Generated from the models by `lnob processing_record`.", ""]
    for model in sorted(personal_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        activity = ACTIVITIES.get(label)
        lines.append(f"## {model._meta.verbose_name} (`{label}`)")
        if activity is None:
            lines += ["", "**Not described yet.**", ""]
            continue
        fields = ", ".join(str(f.verbose_name) for f in model._meta.get_fields()
                           if isinstance(f, models.Field) and not f.auto_created
                           and f.name != "id")
        lines += ["", f"- Purpose: {activity.purpose}",
                  f"- Lawful basis: {activity.basis}",
                  f"- Sensitive data (s.26): {'yes' if activity.sensitive else 'no'}",
                  f"- Who reads it: {activity.readers}",
                  f"- Kept: {activity.retention}", f"- Data: {fields}", ""]
    return "\n".join(lines)
