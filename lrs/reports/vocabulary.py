"""The verbs, activity types and cmi5 identifiers the learner-activity model understands.

Sources: the ADL vocabulary (SCORM-derived verbs), cmi5 (section 9), and the verbs
that Moodle's xAPI log store emits (activitystrea.ms, tincanapi, TLA, EDLM LMS).
"""

from __future__ import annotations

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CMI5_MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"

COMPLETED = {ADL + "completed"}
PASSED = {ADL + "passed"}
FAILED = {ADL + "failed"}
SATISFIED = {CMI5_SATISFIED}
UNCOMPLETED = {"https://xapi.edlm/profiles/edlm-lms/concepts/verbs/uncompleted"}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# An answer to a question; a page (or any content) seen: the question analysis and the drop-off.
ANSWERED = ADL + "answered"
EXPERIENCED = ADL + "experienced"

# A new attempt (SCORM: initialized or attempted; cmi5: the LMS's launched; Moodle:
# quiz and lesson "start", lesson "restarted", SCO "launched").
ATTEMPT_START = {
    ADL + "launched",
    ADL + "initialized",
    ADL + "attempted",
    "http://activitystrea.ms/start",
    "http://activitystrea.ms/schema/1.0/start",
    "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/restarted",
}
# A new session of an attempt already under way.
SESSION_START = ATTEMPT_START | {ADL + "resumed"}
# Closing a session: its result.duration is the session time.
SESSION_END = {
    ADL + "terminated",
    ADL + "suspended",
    ADL + "exited",
    "http://adlnet.gov/expapi/verbs/abandoned",
    "https://w3id.org/xapi/adl/verbs/abandoned",
    "https://w3id.org/xapi/adl/verbs/waived",
    "https://w3id.org/xapi/tla/verbs/suspended",
}
# Administration, not learning: these make a learner known to a course (enrolled)
# without counting as having started it.
ADMINISTRATIVE = {
    ADL + "registered",
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
    "http://adlnet.gov/expapi/verbs/imported",
}

COURSE_TYPES = {
    "https://w3id.org/xapi/cmi5/activitytype/course",
    "http://adlnet.gov/expapi/activities/course",
    "http://id.tincanapi.com/activitytype/lms/course",  # Moodle's log store before it used cmi5's type
}
# Structure without learning content of its own: skipped when looking for the module.
STRUCTURE_TYPES = {
    "http://id.tincanapi.com/activitytype/section",
    "https://w3id.org/xapi/cmi5/activitytype/block",
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
    "http://adlnet.gov/expapi/activities/attempt",
    "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/lesson-session",
}
# Items inside a module: they count as activity but never carry the module's outcome.
ITEM_TYPES = {
    "http://adlnet.gov/expapi/activities/cmi.interaction",
    "http://adlnet.gov/expapi/activities/question",
    "http://adlnet.gov/expapi/activities/interaction",
}

MOVE_ON_VALUES = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")

# Statements further apart than this, without a session marker, belong to two sessions.
IDLE_SECONDS = 30 * 60
