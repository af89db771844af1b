"""Every statement rule with a passing and a failing case, for 1.0.3 and 2.0."""

from __future__ import annotations

from typing import Any

import pytest

from tests.validators.xapi.support import ADL, DELETE, full_statement, mutated
from validators.xapi import errors_only, validate_statement, validate_statements

VERSIONS = ("1.0.3", "2.0.0")
GROUP = {"objectType": "Group", "name": "G", "member": [{"mbox": "mailto:m@exemple.gouv.fr"}]}
AGENT = {"objectType": "Agent", "mbox": "mailto:x@exemple.gouv.fr"}
REF = {"objectType": "StatementRef", "id": "5e9f0e3c-8a44-4d8c-9b1a-2f7d6c3b4a59"}
SUB = {"objectType": "SubStatement", "actor": AGENT, "verb": {"id": ADL + "planned"}, "object": {"id": "http://exemple.gouv.fr/a"}}


def errors(statement: Any, version: str = "1.0.3") -> list[tuple[str, str]]:
    return [(f.path, f.code) for f in errors_only(validate_statement(statement, version))]


def test_full_statement_is_valid_in_both_versions() -> None:
    for version in VERSIONS:
        assert validate_statement(full_statement(), version) == []


# (property to change, new value): the statement stays valid.
PASSING: list[tuple[str, Any]] = [
    ("$.id", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
    ("$.id", DELETE),
    ("$.actor", {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}),
    ("$.actor", {"openid": "https://openid.exemple.gouv.fr/lea"}),
    ("$.actor", {"account": {"homePage": "https://mentor.gouv.fr", "name": "42"}}),
    ("$.actor", {"objectType": "Group", "member": [{"mbox": "mailto:a@b.fr"}, {"openid": "http://o.fr/b"}]}),
    ("$.actor", {"objectType": "Group", "mbox": "mailto:equipe@b.fr"}),
    ("$.actor", {"objectType": "Group", "mbox": "mailto:equipe@b.fr", "member": []}),
    ("$.verb", {"id": "urn:verbe:termine"}),
    ("$.verb.display", {}),
    ("$.verb.display", {"zh-Hant-TW": "完成", "sr-Latn-RS": "završio", "de-CH-1901": "x", "x-klingon": "y", "i-klingon": "z"}),
    ("$.object", AGENT),
    ("$.object", GROUP),
    ("$.object", SUB),
    ("$.object", {"id": "http://exemple.gouv.fr/sans-type"}),
    ("$.object.id", "http://exemple.gouv.fr/éléments/activité?x=1#ancre"),
    ("$.object.definition", {}),
    ("$.object.definition.interactionType", "sequencing"),
    ("$.result", {}),
    ("$.result.score", {"scaled": -1}),
    ("$.result.score", {"scaled": 1, "raw": 0, "min": 0}),
    ("$.result.score", {"raw": 5.5, "min": 5.5, "max": 6}),
    ("$.result.duration", "P1Y2M3DT4H5M6.78S"),
    ("$.result.duration", "P3W"),
    ("$.result.duration", "PT0S"),
    ("$.result.duration", "P0.5D"),
    ("$.result.response", ""),
    ("$.result.extensions", {"http://x.fr/e": None}),
    ("$.context.contextActivities.parent", {"id": "http://exemple.gouv.fr/p"}),
    ("$.context.contextActivities.parent", []),
    ("$.context.instructor", GROUP),
    ("$.context.statement", REF),
    ("$.context.language", "fr"),
    ("$.timestamp", "2026-03-12T09:14:26Z"),
    ("$.timestamp", "2026-03-12T09:14:26.123456789+05:30"),
    ("$.stored", "2026-03-12T09:14:26-04:00"),
    ("$.version", "1.0.0"),
    ("$.version", "1.0"),
    ("$.authority", {"objectType": "Group", "member": [{"account": {"homePage": "http://a.fr", "name": "app"}}, {"mbox": "mailto:u@a.fr"}]}),
    ("$.attachments", []),
    ("$.attachments[0].contentType", "text/plain; charset=utf-8"),
    ("$.attachments[0].sha2", "b" * 128),
    ("$.attachments[0].fileUrl", DELETE),
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path,value", PASSING)
def test_passing(path: str, value: Any, version: str) -> None:
    statement = mutated(full_statement(), path, value)
    if path.startswith("$.object") and value in (AGENT, GROUP, SUB, REF):
        del statement["context"]["revision"], statement["context"]["platform"]
    assert errors(statement, version) == []


# (property to change, new value, path of the finding, code): exactly that error.
FAILING: list[tuple[str, Any, str, str]] = [
    ("$.id", "fd41c918-b88b-4b20-a0a5-a4c32391aaa", "$.id", "xapi.uuid.invalid"),
    ("$.id", "MA97B177-9383-4934-8543-0F91A7A02836", "$.id", "xapi.uuid.invalid"),
    ("$.id", 12345, "$.id", "xapi.type.string"),
    ("$.actor", DELETE, "$.actor", "xapi.property.missing"),
    ("$.actor", "lea", "$.actor", "xapi.type.object"),
    ("$.actor", {"name": "Léa"}, "$.actor", "xapi.agent.ifi_none"),
    ("$.actor.openid", "http://o.fr/lea", "$.actor", "xapi.agent.ifi_many"),
    ("$.actor.objectType", "agent", "$.actor.objectType", "xapi.objecttype.expected"),
    ("$.actor.mbox", "lea@exemple.gouv.fr", "$.actor.mbox", "xapi.mbox.invalid"),
    ("$.actor.mbox", "mailto:", "$.actor.mbox", "xapi.mbox.invalid"),
    ("$.actor.name", 12, "$.actor.name", "xapi.type.string"),
    ("$.actor", {"mbox_sha1sum": "xyz"}, "$.actor.mbox_sha1sum", "xapi.sha1.invalid"),
    ("$.actor", {"openid": "pas une uri"}, "$.actor.openid", "xapi.iri.invalid"),
    ("$.actor", {"account": {"name": "42"}}, "$.actor.account.homePage", "xapi.property.missing"),
    ("$.actor", {"account": {"homePage": "https://m.fr"}}, "$.actor.account.name", "xapi.property.missing"),
    ("$.actor", {"account": {"homePage": "m.fr", "name": "1"}}, "$.actor.account.homePage", "xapi.iri.invalid"),
    ("$.actor", {"account": {"homePage": "http://m.fr", "name": "1", "id": 2}, }, "$.actor.account.id", "xapi.property.unknown"),
    ("$.actor", {"objectType": "Group"}, "$.actor.member", "xapi.group.anonymous_members"),
    ("$.actor", {"objectType": "Group", "member": []}, "$.actor.member", "xapi.group.anonymous_members"),
    ("$.actor", {"objectType": "Group", "member": [GROUP]}, "$.actor.member[0].objectType", "xapi.group.member_group"),
    ("$.actor", {"objectType": "Group", "member": [{"name": "x"}]}, "$.actor.member[0]", "xapi.agent.ifi_none"),
    ("$.actor", {"objectType": "Group", "member": {"mbox": "mailto:a@b.fr"}}, "$.actor.member", "xapi.type.array"),
    ("$.actor", {"objectType": "Group", "mbox": "mailto:a@b.fr", "openid": "http://a.fr"}, "$.actor", "xapi.agent.ifi_many"),
    ("$.verb", DELETE, "$.verb", "xapi.property.missing"),
    ("$.verb.id", DELETE, "$.verb.id", "xapi.property.missing"),
    ("$.verb.id", "answered", "$.verb.id", "xapi.iri.invalid"),
    ("$.verb.id", "http://exemple.gouv.fr/a b", "$.verb.id", "xapi.iri.invalid"),
    ("$.verb.display", "a répondu", "$.verb.display", "xapi.type.language_map"),
    ("$.verb.display", {"fr-FR": 3}, '$.verb.display["fr-FR"]', "xapi.type.string"),
    ("$.verb.display", {"français": "x"}, '$.verb.display["français"]', "xapi.language.invalid"),
    ("$.verb.display", {"en-US-": "x"}, '$.verb.display["en-US-"]', "xapi.language.invalid"),
    ("$.verb.foo", 1, "$.verb.foo", "xapi.property.unknown"),
    ("$.object", DELETE, "$.object", "xapi.property.missing"),
    ("$.object.objectType", "activity", "$.object.objectType", "xapi.objecttype.invalid"),
    ("$.object.id", DELETE, "$.object.id", "xapi.property.missing"),
    ("$.object.id", "/relatif", "$.object.id", "xapi.iri.invalid"),
    ("$.object.definition.name", {"fr-FR": None}, '$.object.definition.name["fr-FR"]', "xapi.null"),
    ("$.object.definition.type", "cmi.interaction", "$.object.definition.type", "xapi.iri.invalid"),
    ("$.object.definition.moreInfo", "aide.html", "$.object.definition.moreInfo", "xapi.iri.invalid"),
    ("$.object.definition.extensions", {"poids": 2}, "$.object.definition.extensions.poids", "xapi.extension.key"),
    ("$.object.definition.extensions", [], "$.object.definition.extensions", "xapi.type.object"),
    ("$.object.definition.interactionType", "multiple-choice", "$.object.definition.interactionType", "xapi.interaction.type"),
    ("$.object.definition.interactionType", DELETE, "$.object.definition.interactionType", "xapi.interaction.type_missing"),
    ("$.object.definition.interactionType", "fill-in", "$.object.definition.choices", "xapi.interaction.component"),
    ("$.object.definition.choices[1].id", "a", "$.object.definition.choices[1].id", "xapi.component.duplicate"),
    ("$.object.definition.choices[1].id", DELETE, "$.object.definition.choices[1].id", "xapi.property.missing"),
    ("$.object.definition.choices", {"id": "a"}, "$.object.definition.choices", "xapi.type.array"),
    ("$.object.definition.correctResponsesPattern", "a[,]b", "$.object.definition.correctResponsesPattern", "xapi.type.array"),
    ("$.object.definition.correctResponsesPattern", ["a[,][,]b"], "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.empty_item"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "true-false", "correctResponsesPattern": ["vrai"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.true_false"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "numeric", "correctResponsesPattern": ["cinq"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.numeric"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "numeric", "correctResponsesPattern": ["9[:]3"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.numeric"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "likert", "correctResponsesPattern": ["l1[,]l2"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.likert"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "performance", "correctResponsesPattern": ["etape1"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.pair"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "performance", "correctResponsesPattern": ["e[.]5[:]2"]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.numeric"),
    ("$.attachments[0]", {"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en": "Signature"}, "contentType": "application/jose", "length": 10, "sha2": "c" * 64}, "$.attachments[0].contentType", "xapi.attachment.signature_type"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "sequencing", "correctResponsesPattern": [""]}}, "$.object.definition.correctResponsesPattern[0]", "xapi.pattern.empty_item"),
    ("$.object", {"id": "http://q.fr/1", "definition": {"interactionType": "fill-in", "steps": [{"id": "s"}]}}, "$.object.definition.steps", "xapi.interaction.component"),
    ("$.object", {"objectType": "StatementRef"}, "$.object.id", "xapi.property.missing"),
    ("$.object", {"objectType": "StatementRef", "id": "1234"}, "$.object.id", "xapi.uuid.invalid"),
    ("$.object", {"objectType": "StatementRef", "id": REF["id"], "definition": {}}, "$.object.definition", "xapi.property.unknown"),
    ("$.object", {"objectType": "Agent", "name": "x"}, "$.object", "xapi.agent.ifi_none"),
    ("$.object", {"mbox": "mailto:x@exemple.gouv.fr"}, "$.object.objectType", "xapi.object.objecttype_missing"),
    ("$.object", {"name": "G", "member": [AGENT]}, "$.object.objectType", "xapi.object.objecttype_missing"),
    ("$.object", {k: v for k, v in SUB.items() if k != "objectType"}, "$.object.objectType", "xapi.object.objecttype_missing"),
    ("$.object", {**SUB, "object": {"account": {"homePage": "https://m.fr", "name": "42"}}}, "$.object.object.objectType", "xapi.object.objecttype_missing"),
    ("$.object", {**SUB, "object": SUB}, "$.object.object.objectType", "xapi.substatement.nested"),
    ("$.object", {**SUB, "stored": "2026-01-01T00:00:00Z"}, "$.object.stored", "xapi.substatement.forbidden"),
    ("$.object", {**SUB, "version": "1.0.3"}, "$.object.version", "xapi.substatement.forbidden"),
    ("$.object", {**SUB, "authority": AGENT}, "$.object.authority", "xapi.substatement.forbidden"),
    ("$.object", {k: v for k, v in SUB.items() if k != "verb"}, "$.object.verb", "xapi.property.missing"),
    ("$.object", {**SUB, "context": {"platform": "x"}, "object": AGENT}, "$.object.context.platform", "xapi.context.activity_only"),
    ("$.result", [], "$.result", "xapi.type.object"),
    ("$.result.score.scaled", -1.01, "$.result.score.scaled", "xapi.score.scaled"),
    ("$.result.score.scaled", "0.5", "$.result.score.scaled", "xapi.type.number"),
    ("$.result.score.raw", -1, "$.result.score.raw", "xapi.score.raw_min"),
    ("$.result.score.raw", 21, "$.result.score.raw", "xapi.score.raw_max"),
    ("$.result.score", {"min": 5, "max": 5}, "$.result.score.min", "xapi.score.min_max"),
    ("$.result.score.max", True, "$.result.score.max", "xapi.type.number"),
    ("$.result.success", "true", "$.result.success", "xapi.type.boolean"),
    ("$.result.completion", 1, "$.result.completion", "xapi.type.boolean"),
    ("$.result.response", ["a"], "$.result.response", "xapi.type.string"),
    ("$.result.duration", "PT", "$.result.duration", "xapi.duration.invalid"),
    ("$.result.duration", "P", "$.result.duration", "xapi.duration.invalid"),
    ("$.result.duration", "PT1.5M30S", "$.result.duration", "xapi.duration.invalid"),
    ("$.result.duration", "90", "$.result.duration", "xapi.duration.invalid"),
    ("$.result.duration", "PT1H-5M", "$.result.duration", "xapi.duration.invalid"),
    ("$.result.extensions", {"essais": 1}, "$.result.extensions.essais", "xapi.extension.key"),
    ("$.context.registration", "ec531277b57b4c158d91d292c5b2b8f7", "$.context.registration", "xapi.uuid.invalid"),
    ("$.context.instructor", {"name": "x"}, "$.context.instructor", "xapi.agent.ifi_none"),
    ("$.context.team", AGENT, "$.context.team", "xapi.context.team_group"),
    ("$.context.contextActivities", [], "$.context.contextActivities", "xapi.type.object"),
    ("$.context.contextActivities.parent", "http://p.fr", "$.context.contextActivities.parent", "xapi.context.activities_type"),
    ("$.context.contextActivities.parent", [{"id": "p"}], "$.context.contextActivities.parent[0].id", "xapi.iri.invalid"),
    ("$.context.contextActivities.parent", [{"objectType": "Agent", "id": "http://p.fr"}], "$.context.contextActivities.parent[0].objectType", "xapi.objecttype.expected"),
    ("$.context.contextActivities.sibling", [], "$.context.contextActivities.sibling", "xapi.property.unknown"),
    ("$.context.revision", 2, "$.context.revision", "xapi.type.string"),
    ("$.context.platform", False, "$.context.platform", "xapi.type.string"),
    ("$.context.language", "français", "$.context.language", "xapi.language.invalid"),
    ("$.context.statement", {"id": REF["id"]}, "$.context.statement.objectType", "xapi.property.missing"),
    ("$.context.statement", {**REF, "objectType": "Agent"}, "$.context.statement.objectType", "xapi.objecttype.expected"),
    ("$.context.extensions", {"http://x.fr/a b": 1}, '$.context.extensions["http://x.fr/a b"]', "xapi.extension.key"),
    ("$.timestamp", "12/03/2026", "$.timestamp", "xapi.timestamp.iso8601"),
    ("$.timestamp", "2026-02-30T10:00:00Z", "$.timestamp", "xapi.timestamp.out_of_range"),
    ("$.timestamp", "2026-03-12T09:14:26-00", "$.timestamp", "xapi.timestamp.unknown_offset"),
    ("$.timestamp", "2026-03-12T09:14:26-0000", "$.timestamp", "xapi.timestamp.unknown_offset"),
    ("$.stored", "hier", "$.stored", "xapi.timestamp.iso8601"),
    ("$.authority", {"name": "x"}, "$.authority", "xapi.agent.ifi_none"),
    ("$.authority", {"objectType": "Group", "member": [AGENT]}, "$.authority.member", "xapi.authority.group"),
    ("$.authority", {"objectType": "Group", "mbox": "mailto:g@a.fr", "member": [AGENT, {"mbox": "mailto:y@a.fr"}]}, "$.authority", "xapi.authority.group"),
    ("$.version", "2.0.0", "$.version", "xapi.version.invalid"),
    ("$.version", "1.1.0", "$.version", "xapi.version.invalid"),
    ("$.version", 1.0, "$.version", "xapi.type.string"),
    ("$.attachments", {}, "$.attachments", "xapi.type.array"),
    ("$.attachments[0].usageType", "certificat", "$.attachments[0].usageType", "xapi.iri.invalid"),
    ("$.attachments[0].display", DELETE, "$.attachments[0].display", "xapi.property.missing"),
    ("$.attachments[0].contentType", "pdf", "$.attachments[0].contentType", "xapi.attachment.content_type"),
    ("$.attachments[0].length", "48213", "$.attachments[0].length", "xapi.attachment.length"),
    ("$.attachments[0].length", 12.5, "$.attachments[0].length", "xapi.attachment.length"),
    ("$.attachments[0].sha2", "abc", "$.attachments[0].sha2", "xapi.attachment.sha2"),
    ("$.attachments[0].fileUrl", "attestation.pdf", "$.attachments[0].fileUrl", "xapi.iri.invalid"),
    ("$.context.registration", None, "$.context.registration", "xapi.null"),
    ("$.extra", 1, "$.extra", "xapi.property.unknown"),
    ("$.context.contextAgents", [], "$.context.contextAgents", "xapi.property.v2_only"),
]


@pytest.mark.parametrize("path,value,where,code", FAILING)
def test_failing_1_0_3(path: str, value: Any, where: str, code: str) -> None:
    base = full_statement()
    if path == "$.object":  # revision and platform need an Activity object
        del base["context"]["revision"], base["context"]["platform"]
    assert errors(mutated(base, path, value), "1.0.3") == [(where, code)]


def test_voided_statement_needs_a_statement_ref() -> None:
    voiding = {"actor": AGENT, "verb": {"id": ADL + "voided"}, "object": REF}
    assert errors(voiding) == []
    assert errors({**voiding, "object": {"id": "http://a.fr"}}) == [("$.object.objectType", "xapi.voiding.object")]


@pytest.mark.parametrize("kind", [AGENT, GROUP, REF, SUB])
@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_only_with_an_activity(kind: dict, key: str) -> None:
    statement = {"actor": AGENT, "verb": {"id": ADL + "met"}, "object": kind, "context": {key: "x"}}
    assert errors(statement) == [(f"$.context.{key}", "xapi.context.activity_only")]
    assert errors({**statement, "object": {"id": "http://a.fr"}}) == []


def test_all_errors_at_once() -> None:
    statement = mutated(mutated(full_statement(), "$.id", "x"), "$.context.registration", "y")
    statement["verb"]["id"] = "z"
    assert [p for p, _ in errors(statement)] == ["$.id", "$.verb.id", "$.context.registration"]


def test_missing_offset_is_a_warning_in_1_0_3_and_an_error_in_2_0() -> None:
    statement = mutated(full_statement(), "$.timestamp", "2026-03-12T09:14:26")
    findings = validate_statement(statement, "1.0.3")
    assert [(f.path, f.code, f.severity) for f in findings] == [("$.timestamp", "xapi.timestamp.no_offset", "warning")]
    assert errors(statement, "2.0.0") == [("$.timestamp", "xapi.timestamp.rfc3339")]


# 2.0.0 (IEEE 9274.1.1) differences.
CONTEXT_AGENT = {"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["https://exemple.gouv.fr/types/tuteur"]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": GROUP, "relevantTypes": ["https://exemple.gouv.fr/types/classe"]}


@pytest.mark.parametrize(
    "path,value",
    [
        ("$.context.contextAgents", [CONTEXT_AGENT]),
        ("$.context.contextAgents", [{"objectType": "contextAgent", "agent": AGENT}]),
        ("$.context.contextGroups", [CONTEXT_GROUP]),
        ("$.context.contextGroups", [{**CONTEXT_GROUP, "group": {"objectType": "Group", "account": {"homePage": "http://a.fr", "name": "g"}}}]),
        ("$.version", "2.0.0"),
        ("$.version", "1.0.3"),
        ("$.timestamp", "2026-03-12t09:14:26.5z"),
    ],
)
def test_passing_2_0(path: str, value: Any) -> None:
    assert errors(mutated(full_statement(), path, value), "2.0.0") == []


@pytest.mark.parametrize(
    "path,value,where,code",
    [
        ("$.context.contextAgents", CONTEXT_AGENT, "$.context.contextAgents", "xapi.type.array"),
        ("$.context.contextAgents", [{**CONTEXT_AGENT, "objectType": "Agent"}], "$.context.contextAgents[0].objectType", "xapi.objecttype.expected"),
        ("$.context.contextAgents", [{"objectType": "contextAgent"}], "$.context.contextAgents[0].agent", "xapi.property.missing"),
        ("$.context.contextAgents", [{**CONTEXT_AGENT, "agent": GROUP}], "$.context.contextAgents[0].agent.objectType", "xapi.objecttype.expected"),
        ("$.context.contextAgents", [{**CONTEXT_AGENT, "relevantTypes": []}], "$.context.contextAgents[0].relevantTypes", "xapi.array.empty"),
        ("$.context.contextAgents", [{**CONTEXT_AGENT, "relevantTypes": ["abc"]}], "$.context.contextAgents[0].relevantTypes[0]", "xapi.iri.invalid"),
        ("$.context.contextGroups", [{**CONTEXT_GROUP, "group": AGENT}], "$.context.contextGroups[0].group", "xapi.context.team_group"),
        ("$.context.contextGroups", [{**CONTEXT_GROUP, "objectType": "contextAgent"}], "$.context.contextGroups[0].objectType", "xapi.objecttype.expected"),
        ("$.version", "2.1.0", "$.version", "xapi.version.invalid2"),
        ("$.timestamp", "2026-03-12T09:14Z", "$.timestamp", "xapi.timestamp.rfc3339"),
        ("$.timestamp", "20260312T091426Z", "$.timestamp", "xapi.timestamp.rfc3339"),
        ("$.timestamp", "2026-03-12T09:14:26.000-00:00", "$.timestamp", "xapi.timestamp.unknown_offset"),
    ],
)
def test_failing_2_0(path: str, value: Any, where: str, code: str) -> None:
    assert errors(mutated(full_statement(), path, value), "2.0.0") == [(where, code)]


def test_basic_format_timestamp_is_iso8601_for_1_0_3() -> None:
    assert errors(mutated(full_statement(), "$.timestamp", "20260312T091426Z"), "1.0.3") == []


def test_batches_locate_statements_and_reject_duplicate_ids() -> None:
    good = full_statement()
    bad = mutated(mutated(full_statement(), "$.verb.id", "x"), "$.id", "0f41c918-b88b-4b20-a0a5-a4c32391aaa0")
    findings = validate_statements([good, bad, good])
    assert [(f.path, f.code) for f in findings] == [("$[1].verb.id", "xapi.iri.invalid"), ("$[2].id", "xapi.statements.duplicate_id")]
    assert [(f.path, f.code) for f in validate_statements("texte")] == [("$", "xapi.statements.type")]
    assert [(f.path, f.code) for f in validate_statements([None])] == [("$[0]", "xapi.null")]


def test_every_finding_speaks_french_and_english() -> None:
    statement = mutated(full_statement(), "$.result.score.scaled", 3)
    (finding,) = validate_statement(statement)
    assert finding.message("fr") == "scaled doit être compris entre -1 et 1 : 3"
    assert finding.message("en") == "scaled must be between -1 and 1: 3"
    assert finding.spec and finding.spec.startswith("xAPI")


@pytest.mark.parametrize(
    "pattern,kind,code",
    [
        ("{lang=fr_FR}Paris", "fill-in", "xapi.pattern.language"),
        ("{case_matters=true}{case_matters=false}x", "long-fill-in", "xapi.pattern.fill_in_option"),
        ("{order_matters=false}{order_matters=true}s[.]x", "performance", "xapi.pattern.fill_in_option"),
        ("a[,]z", "choice", "xapi.pattern.unknown_id"),
    ],
)
def test_characterstring_parameters_and_unknown_ids_only_warn(pattern: str, kind: str, code: str) -> None:
    """The spec says the LRS does not validate characterstring parameters; ids need not be listed."""
    definition: dict = {"interactionType": kind, "correctResponsesPattern": [pattern]}
    if kind == "choice":
        definition["choices"] = [{"id": "a"}]
    statement = mutated(full_statement(), "$.object", {"id": "http://q.fr/1", "definition": definition})
    findings = validate_statement(statement)
    assert [(f.path, f.code, f.severity) for f in findings] == [("$.object.definition.correctResponsesPattern[0]", code, "warning")]


def test_signed_statement_attachment() -> None:
    signature = {"usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en": "Signature"},
                 "contentType": "application/octet-stream", "length": 4235, "sha2": "6" * 64}
    assert errors(mutated(full_statement(), "$.attachments", [signature])) == []


def test_odd_json_values_give_findings_not_exceptions() -> None:
    statement = mutated(full_statement(), "$.object.objectType", ["Activity"])
    assert errors(statement) == [("$.object.objectType", "xapi.objecttype.invalid")]
    huge = mutated(full_statement(), "$.result.score.scaled", 10**400)
    assert errors(huge) == [("$.result.score.scaled", "xapi.score.scaled")]
    assert errors(mutated(full_statement(), "$.result.score.raw", float("nan"))) == [("$.result.score.raw", "xapi.type.number")]


@pytest.mark.parametrize(("value", "kind"), [
    ({"mbox": "mailto:x@exemple.gouv.fr"}, "Agent"),
    ({"member": [AGENT]}, "Group"),
    ({k: v for k, v in SUB.items() if k != "objectType"}, "SubStatement"),
])
def test_missing_object_type_names_objecttype_and_the_kind(value: dict, kind: str) -> None:
    findings = errors_only(validate_statement(mutated(full_statement(), "$.object", value), "2.0.0"))
    assert [f.path for f in findings] == ["$.object.objectType"]
    assert "objectType" in findings[0].message("en") and kind in findings[0].message("en")
    assert "objectType" in findings[0].message("fr") and kind in findings[0].message("fr")


def test_an_activity_met_again_is_judged_again_where_it_stands() -> None:
    # Values found valid are remembered; an invalid one must be reported every time, at its own path.
    bad = {"id": "pas une IRI"}
    statement = mutated(full_statement(), "$.object", bad)
    statement["context"]["contextActivities"]["other"] = [bad]
    for version in VERSIONS:
        for _ in range(2):
            found = errors(statement, version)
            assert ("$.object.id", "xapi.iri.invalid") in found
            assert ("$.context.contextActivities.other[0].id", "xapi.iri.invalid") in found
            assert validate_statement(full_statement(), version) == []
