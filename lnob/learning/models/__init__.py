"""The learning app's tables: after action reviews with their lessons and
follow-up actions, good stories with their photos, and official reports."""

from lnob.learning.models.aar import (
    AarParticipation,
    ActionStatus,
    Activity,
    AfterActionReview,
    FollowUpAction,
    Lesson,
    Tag,
)
from lnob.learning.models.report import Report, ReportKind, ReportStatus
from lnob.learning.models.story import Story, StoryPerson, StoryPhoto, StoryStatus

__all__ = [
    "AarParticipation", "ActionStatus", "Activity", "AfterActionReview", "FollowUpAction",
    "Lesson", "Report", "ReportKind", "ReportStatus", "Story", "StoryPerson", "StoryPhoto",
    "StoryStatus", "Tag",
]
