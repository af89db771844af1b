"""The helpers the LRS builds on: normalisation, actor keys, equivalence, canonical format, time."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from tests.validators.xapi.support import full_statement, mutated
from validators.xapi import (
    agent_key,
    canonical_format,
    is_iri,
    is_language_tag,
    is_uuid,
    normalize_statement,
    parse_timestamp,
    statements_equivalent,
    validate_activity_id,
    validate_agent,
    validate_iri,
    validate_language_tag,
)


def test_normalize_turns_context_activities_into_arrays_without_mutating() -> None:
    statement = full_statement()
    original = copy.deepcopy(statement)
    normalized = normalize_statement(statement, "1.0.3")
    assert normalized["context"]["contextActivities"]["grouping"] == [{"id": "https://formation.exemple.gouv.fr"}]
    assert normalized["timestamp"] == statement["timestamp"]  # 1.0.3 keeps the sender's offset
    assert statement == original


def test_normalize_2_0_converts_the_timestamp_to_utc() -> None:
    normalized = normalize_statement(full_statement(), "2.0.0")
    assert normalized["timestamp"] == "2026-03-12T08:14:26.123Z"
    sub = {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.fr"}, "verb": {"id": "http://v.fr"},
           "object": {"id": "http://a.fr"}, "context": {"contextActivities": {"parent": {"id": "http://p.fr"}}}}
    nested = normalize_statement(mutated(full_statement(), "$.object", sub), "2.0.0")
    assert nested["object"]["context"]["contextActivities"]["parent"] == [{"id": "http://p.fr"}]


@pytest.mark.parametrize(
    "agent,key",
    [
        ({"mbox": "mailto:a@b.fr", "name": "A"}, "mbox:mailto:a@b.fr"),
        ({"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"}, "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9"),
        ({"openid": "http://o.fr/a"}, "openid:http://o.fr/a"),
        ({"account": {"homePage": "https://mentor.gouv.fr", "name": "42"}}, "account:https://mentor.gouv.fr 42"),
        ({"objectType": "Group", "mbox": "mailto:g@b.fr", "member": []}, "mbox:mailto:g@b.fr"),
    ],
)
def test_agent_key(agent: dict, key: str) -> None:
    assert agent_key(agent) == key


def test_agent_key_refuses_anonymous_groups() -> None:
    with pytest.raises(ValueError):
        agent_key({"objectType": "Group", "member": [{"mbox": "mailto:a@b.fr"}]})


def test_equivalence_ignores_what_the_spec_lists() -> None:
    a = full_statement()
    b = copy.deepcopy(a)
    b["id"] = a["id"].upper()
    del b["stored"], b["authority"], b["version"], b["attachments"]
    b["timestamp"] = "2026-03-12T08:14:26.123Z"  # the same instant in UTC
    b["verb"]["display"] = {"en-GB": "answered"}
    b["object"]["definition"] = {"name": {"en": "Question one"}}
    b["context"]["contextActivities"]["grouping"] = [a["context"]["contextActivities"]["grouping"]]
    b["context"]["registration"] = a["context"]["registration"].upper()
    b["context"]["team"]["member"] = list(reversed(b["context"]["team"]["member"]))
    b["actor"]["mbox"] = "mailto:lea.moreau@EXEMPLE.GOUV.FR"
    b = dict(reversed(list(b.items())))
    assert statements_equivalent(a, b)


@pytest.mark.parametrize(
    "path,value",
    [
        ("$.result.duration", "PT90.5S"),  # the same time, another string: a difference
        ("$.result.duration", "PT1M30.51S"),
        ("$.result.score.raw", 11),
        ("$.actor.mbox", "mailto:LEA.moreau@exemple.gouv.fr"),
        ("$.timestamp", "2026-03-12T09:14:26.123Z"),
        ("$.context.contextActivities.parent", [{"id": "https://formation.exemple.gouv.fr/cours/2"}]),
        ("$.verb.id", "http://adlnet.gov/expapi/verbs/attempted"),
    ],
)
def test_equivalence_sees_real_differences(path: str, value: object) -> None:
    assert not statements_equivalent(full_statement(), mutated(full_statement(), path, value))


def test_canonical_format_keeps_one_language_per_map() -> None:
    statement = mutated(full_statement(), "$.object.definition.name", {"en-US": "Question one", "fr-FR": "Question 1"})
    result = canonical_format(statement, ["fr"])
    assert result["verb"]["display"] == {"fr-FR": "a répondu"}
    assert result["object"]["definition"]["name"] == {"fr-FR": "Question 1"}
    assert canonical_format(statement, ["en-US", "fr"])["verb"]["display"] == {"en-US": "answered"}
    assert canonical_format(statement, ["de"])["verb"]["display"] == {"fr-FR": "a répondu"}  # first entry
    assert statement["verb"]["display"] == {"fr-FR": "a répondu", "en-US": "answered"}


def test_parse_timestamp_gives_aware_utc() -> None:
    moment = parse_timestamp("2026-03-12T09:14:26.123456+01:00")
    assert moment == datetime(2026, 3, 12, 8, 14, 26, 123456, tzinfo=timezone.utc)
    assert parse_timestamp("2026-03-12T09:14:26").tzinfo == timezone.utc
    with pytest.raises(ValueError):
        parse_timestamp("2026-03-12T09:14:26-00:00")
    with pytest.raises(ValueError):
        parse_timestamp("hier")


def test_small_validators() -> None:
    assert is_iri("urn:isbn:978-2-07-036822-8") and not is_iri("exemple.fr") and not is_iri("http://a b")
    assert is_uuid("EC531277-B57B-4C15-8D91-D292C5B2B8F7") and not is_uuid("ec531277-b57b-4c15-8d91")
    assert is_language_tag("fr-CA") and is_language_tag("es-419") and not is_language_tag("fr-")
    assert validate_iri("http://a.fr") == [] and validate_iri("a")[0].code == "xapi.iri.invalid"
    assert validate_activity_id(3, "activityId")[0].path == "activityId"
    assert validate_language_tag("en_US")[0].code == "xapi.language.invalid"
    assert validate_agent({"mbox": "mailto:a@b.fr"}) == []
    (finding,) = validate_agent({"objectType": "Group"}, path="agent")
    assert (finding.path, finding.code) == ("agent.member", "xapi.group.anonymous_members")


def test_equivalence_leaves_out_duration_digits_beyond_a_hundredth() -> None:
    a = mutated(full_statement(), "$.result.duration", "P1DT12H36M0.12S")
    b = mutated(full_statement(), "$.result.duration", "P1DT12H36M0.1237S")
    assert statements_equivalent(a, b)


def test_duration_seconds() -> None:
    from validators.xapi.syntax import duration_seconds

    assert duration_seconds("PT1M30.5S") == 90.5
    assert duration_seconds("P1DT2H") == 93_600
    assert duration_seconds("P2W") == 1_209_600
    with pytest.raises(ValueError):
        duration_seconds("90 s")


@pytest.mark.parametrize(
    "value,problem",
    [
        ("2024-02-29T00:00:00Z", None),
        ("2023-02-29T00:00:00Z", "timestamp.out_of_range"),
        ("2026-04-31T00:00:00Z", "timestamp.out_of_range"),
        ("2026-12-31T23:59:60Z", None),  # a leap second
        ("2026-01-01T24:00:00Z", "timestamp.out_of_range"),
        ("2026-01-01T00:00:00+24:00", "timestamp.out_of_range"),
        ("9999-12-31T23:00:00-05:00", "timestamp.out_of_range"),  # year 10000 in UTC
        ("0001-01-01T00:00:00Z", None),
    ],
)
def test_timestamp_ranges(value: str, problem: str | None) -> None:
    from validators.xapi.syntax import timestamp_problem

    assert timestamp_problem(value, True) == problem
    if problem is None:
        assert parse_timestamp(value).tzinfo == timezone.utc
    else:
        with pytest.raises(ValueError):
            parse_timestamp(value)


def test_statement_agents_and_activities_name_every_role_in_order() -> None:
    from validators.xapi.vocabulary import statement_activities, statement_agents

    member = {"mbox": "mailto:membre@exemple.fr"}
    group = {"objectType": "Group", "mbox": "mailto:equipe@exemple.fr", "member": [member, "pas un agent"]}
    statement = {
        "actor": {"mbox": "mailto:a@exemple.fr"},
        "object": {
            "objectType": "SubStatement",
            "actor": group,
            "object": {"id": "https://exemple.fr/sous"},
            "context": {"instructor": {"mbox": "mailto:i@exemple.fr"},
                        "contextActivities": {"parent": {"id": "https://exemple.fr/parent"}}},
        },
        "context": {
            "team": group,
            "contextAgents": [{"agent": {"mbox": "mailto:c@exemple.fr"}}],
            "contextActivities": {"grouping": [{"id": "https://exemple.fr/g"}, {"id": 3}],
                                  "other": [{"id": "https://exemple.fr/o"}]},
        },
        "authority": {"mbox": "mailto:autorite@exemple.fr"},
    }
    assert [role for role, _agent in statement_agents(statement)] == [
        "actor", "object.actor", "object.actor.member", "object.context.instructor",
        "context.team", "context.team.member", "context.contextAgents", "authority",
    ]
    assert [(role, activity["id"]) for role, activity in statement_activities(statement)] == [
        ("object.object", "https://exemple.fr/sous"), ("object.context.parent", "https://exemple.fr/parent"),
        ("context.grouping", "https://exemple.fr/g"), ("context.other", "https://exemple.fr/o"),
    ]
    assert [role for role, _agent in statement_agents({"actor": {"mbox": "mailto:a@exemple.fr"}, "object": group})] == [
        "actor", "object", "object.member"]
