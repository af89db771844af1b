"""Property-based: generated valid statements pass; one field made invalid fails at its path."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.validators.xapi.support import mutated, steps
from validators.xapi import errors_only, validate_statement

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
TEXT = st.text(max_size=30)
HOSTS = st.sampled_from(["exemple.gouv.fr", "mentor.gouv.fr", "lrs.exemple.org", "xn--formation-9za.fr"])
IRIS = st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}", st.sampled_from(["http", "https"]), HOSTS, WORDS) | st.builds(
    lambda word: f"urn:parcours:{word}", WORDS
)
LANGUAGES = st.sampled_from(["fr", "fr-FR", "en", "en-US", "de-CH", "zh-Hant-TW", "es-419", "und"])
LANGUAGE_MAPS = st.dictionaries(LANGUAGES, TEXT, max_size=3)
UUIDS = st.uuids().map(str)
HEX = "0123456789abcdef"

AGENTS = st.one_of(
    st.builds(lambda user, host: {"mbox": f"mailto:{user}@{host}"}, WORDS, HOSTS),
    st.text(alphabet=HEX, min_size=40, max_size=40).map(lambda h: {"mbox_sha1sum": h}),
    IRIS.map(lambda iri: {"openid": iri}),
    st.builds(lambda home, name: {"account": {"homePage": home, "name": name}}, IRIS, TEXT),
).flatmap(lambda agent: st.fixed_dictionaries({}, optional={"name": TEXT, "objectType": st.just("Agent")}).map(lambda extra: {**agent, **extra}))
GROUPS = st.builds(lambda members, name: {"objectType": "Group", "name": name, "member": members}, st.lists(AGENTS, min_size=1, max_size=3), TEXT)
ACTIVITIES = st.builds(
    lambda iri, definition: {"objectType": "Activity", "id": iri, **({"definition": definition} if definition else {})},
    IRIS,
    st.none() | st.fixed_dictionaries({}, optional={"name": LANGUAGE_MAPS, "description": LANGUAGE_MAPS, "type": IRIS, "moreInfo": IRIS}),
)
DURATIONS = st.builds(lambda h, m, s: f"PT{h}H{m}M{s}S", st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))


@st.composite
def scores(draw: st.DrawFn) -> dict:
    low, high = sorted(draw(st.lists(st.integers(-1000, 1000), min_size=2, max_size=2, unique=True)))
    return {"scaled": draw(st.floats(-1, 1)), "raw": draw(st.integers(low, high)), "min": low, "max": high}


RESULTS = st.fixed_dictionaries(
    {}, optional={"score": scores(), "success": st.booleans(), "completion": st.booleans(), "response": TEXT, "duration": DURATIONS}
)
CONTEXTS = st.fixed_dictionaries(
    {},
    optional={
        "registration": UUIDS,
        "instructor": AGENTS,
        "team": GROUPS,
        "contextActivities": st.fixed_dictionaries({}, optional={"parent": st.lists(ACTIVITIES, max_size=2), "grouping": ACTIVITIES}),
        "language": LANGUAGES,
        "extensions": st.dictionaries(IRIS, st.integers() | TEXT, max_size=2),
    },
)
TIMESTAMPS = st.datetimes(timezones=st.just(timezone.utc)).map(lambda moment: moment.isoformat())


@st.composite
def statements(draw: st.DrawFn) -> dict:
    statement: dict[str, Any] = {
        "id": draw(UUIDS),
        "actor": draw(AGENTS | GROUPS),
        "verb": {"id": draw(IRIS), "display": draw(LANGUAGE_MAPS)},
        "object": draw(ACTIVITIES | AGENTS.map(lambda a: {**a, "objectType": "Agent"})),
        "timestamp": draw(TIMESTAMPS),
    }
    if draw(st.booleans()):
        statement["result"] = draw(RESULTS)
    if draw(st.booleans()):
        statement["context"] = draw(CONTEXTS)
    return statement


# (path, invalid value, code[, path of the finding]); applied only when the parent of `path` exists.
MUTATIONS: list[tuple] = [
    ("$.id", "pas-un-uuid", "xapi.uuid.invalid"),
    ("$.actor", {"name": "sans identifiant"}, "xapi.agent.ifi_none"),
    ("$.verb.id", "termine", "xapi.iri.invalid"),
    ("$.verb.display", "texte", "xapi.type.language_map"),
    ("$.verb.extra", 1, "xapi.property.unknown"),
    ("$.object.objectType", "Activite", "xapi.objecttype.invalid"),
    ("$.timestamp", "hier à midi", "xapi.timestamp.iso8601"),
    ("$.timestamp", None, "xapi.null"),
    ("$.result.score", {"scaled": 1.5}, "xapi.score.scaled", "$.result.score.scaled"),
    ("$.result.duration", "1h30", "xapi.duration.invalid"),
    ("$.result.success", "oui", "xapi.type.boolean"),
    ("$.context.registration", "42", "xapi.uuid.invalid"),
    ("$.context.language", "français", "xapi.language.invalid"),
    ("$.context.team", {"mbox": "mailto:a@b.fr"}, "xapi.context.team_group"),
    ("$.unknown", True, "xapi.property.unknown"),
]


def _parent_exists(statement: dict, path: str) -> bool:
    target: Any = statement
    for step in steps(path)[:-1]:
        if type(target) is not dict or step not in target:
            return False
        target = target[step]
    return type(target) is dict


@settings(max_examples=100, deadline=None)
@given(statements())
def test_generated_statements_are_valid(statement: dict) -> None:
    assert errors_only(validate_statement(statement, "1.0.3")) == []
    assert errors_only(validate_statement(statement, "2.0.0")) == []


@settings(max_examples=200, deadline=None)
@given(statements(), st.sampled_from(MUTATIONS))
def test_one_invalid_field_fails_at_its_path(statement: dict, mutation: tuple) -> None:
    path, value, code, *where = mutation
    if not _parent_exists(statement, path):
        return
    broken = mutated(statement, path, value)
    found = {(f.path, f.code) for f in errors_only(validate_statement(broken))}
    expected_path = where[0] if where else path
    assert (expected_path, code) in found
    # Nothing else is reported: the rest of the statement is still valid.
    assert {p for p, _ in found} == {expected_path}


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT, lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner), max_leaves=20))
def test_any_json_gives_findings_never_an_exception(value: Any) -> None:
    findings = validate_statement(value)
    assert findings and all(f.path and f.path.startswith("$") for f in findings)
