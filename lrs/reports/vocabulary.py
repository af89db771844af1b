"""How the learner-activity model reads verbs and activity types: which start an attempt,
close a session, are administration, which types are a course, structure or an item.
The IRIs used elsewhere too are defined in `validators.xapi.vocabulary`.

Sources: the ADL vocabulary (SCORM-derived verbs), cmi5 (section 9), and the verbs
that Moodle's xAPI log store emits (activitystrea.ms, tincanapi, TLA, EDLM LMS).
"""

from __future__ import annotations

from validators.xapi import vocabulary as xapi
# Read as v.* by the reports; an answer to a question and a page seen feed the question
# analysis and the drop-off.
from validators.xapi.vocabulary import (  # noqa: F401
    ANSWERED,
    CMI5_CATEGORY,
    CMI5_MOVEON,
    CMI5_SESSION,
    EXPERIENCED,
    VOIDED,
)

COMPLETED = {xapi.COMPLETED}
PASSED = {xapi.PASSED}
FAILED = {xapi.FAILED}
SATISFIED = {xapi.SATISFIED}
UNCOMPLETED = {"https://xapi.edlm/profiles/edlm-lms/concepts/verbs/uncompleted"}

# A new attempt (SCORM: initialized or attempted; cmi5: the LMS's launched; Moodle:
# quiz and lesson "start", lesson "restarted", SCO "launched").
ATTEMPT_START = {
    xapi.LAUNCHED,
    xapi.INITIALIZED,
    xapi.ATTEMPTED,
    "http://activitystrea.ms/start",
    "http://activitystrea.ms/schema/1.0/start",
    "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/restarted",
}
# A new session of an attempt already under way.
SESSION_START = ATTEMPT_START | {xapi.RESUMED}
# Closing a session: its result.duration is the session time.
SESSION_END = {
    xapi.TERMINATED,
    xapi.SUSPENDED,
    xapi.EXITED,
    xapi.ADL_VERBS + "abandoned",
    "https://w3id.org/xapi/adl/verbs/abandoned",
    "https://w3id.org/xapi/adl/verbs/waived",
    "https://w3id.org/xapi/tla/verbs/suspended",
}
# Administration, not learning: these make a learner known to a course (enrolled)
# without counting as having started it.
ADMINISTRATIVE = {
    xapi.REGISTERED,
    "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled",
    "http://id.tincanapi.com/verb/unregistered",
    "http://activitystrea.ms/schema/1.0/assign",
    "http://activitystrea.ms/leave",
    "http://activitystrea.ms/schema/1.0/leave",
    "https://w3id.org/xapi/tla/verbs/suspended",
    "https://w3id.org/xapi/tla/verbs/resumed",
    "http://activitystrea.ms/create",
    "http://activitystrea.ms/schema/1.0/create",
    "http://activitystrea.ms/delete",
    "https://w3id.org/xapi/acrossx/verbs/edited",
    "http://activitystrea.ms/update",
    "https://w3id.org/xapi/dod-isd/verbs/deleted",
    xapi.ADL_VERBS + "imported",
}

COURSE_TYPES = {
    xapi.CMI5_COURSE_TYPE,
    xapi.COURSE_TYPE,
    "http://id.tincanapi.com/activitytype/lms/course",  # Moodle's log store before it used cmi5's type
}
# Structure without learning content of its own: skipped when looking for the module.
STRUCTURE_TYPES = {
    "http://id.tincanapi.com/activitytype/section",
    xapi.CMI5_BLOCK_TYPE,
    "http://id.tincanapi.com/activitytype/lms",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/course-category",
}
# Things of the platform around a course, not course content (Moodle's badges,
# calendar, messages, notes...): their statements count for the course as a whole.
PLATFORM_TYPES = {
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/badge",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/calendar-event",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/calendar-subscription",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/group",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/course-completion-criteria",
    "http://id.tincanapi.com/activitytype/chat-message",
    "http://id.tincanapi.com/activitytype/user-profile",
    "http://activitystrea.ms/note",
    "https://w3id.org/xapi/acrossx/activities/webpage",
}
# An attempt or session of a module, as its own activity (Moodle): one attempt each.
ATTEMPT_TYPES = {
    xapi.ATTEMPT_TYPE,
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/lesson-session",
}
# Items inside a module: they count as activity but never carry the module's outcome.
ITEM_TYPES = {
    xapi.INTERACTION_TYPE,
    xapi.ADL_ACTIVITIES + "question",
    xapi.ADL_ACTIVITIES + "interaction",
}

MOVE_ON_VALUES = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")

# Statements further apart than this, without a session marker, belong to two sessions.
IDLE_SECONDS = 30 * 60
