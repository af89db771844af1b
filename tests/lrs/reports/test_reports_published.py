"""Course completion from the published structure: a multi-SCO SCORM 2004 corpus course
and a cmi5 course with NotApplicable, CompletedOrPassed and Passed AUs, published before
and after their statements, each figure counted again in the test."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from .conftest import AUTH, post_statements

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
START = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)


def agent(name: str) -> dict:
    return {"objectType": "Agent", "name": name.title(), "mbox": f"mailto:{name}@example.org"}


class Statements:
    def __init__(self) -> None:
        self.items: list[dict] = []
        self.clock = START

    def add(self, actor: dict, verb: str, obj: str, context: dict, result: dict | None = None) -> None:
        self.clock += timedelta(minutes=3)
        statement = {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": ADL + verb},
                     "object": {"objectType": "Activity", "id": obj}, "context": context,
                     "timestamp": self.clock.isoformat().replace("+00:00", "Z")}
        if result:
            statement["result"] = result
        self.items.append(statement)


def publish(app, data: bytes) -> dict:
    response = app.test_client().post("/courses", data=data, headers={**AUTH, "Content-Type": "application/zip"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def report(app, path: str, course: str, **args) -> list[dict]:
    response = app.test_client().get(f"/reports/{path}.json", query_string={"course": course, **args}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


# --- SCORM 2004, five SCOs -----------------------------------------------------------------

SCORM_ZIP = "SequencingPostTestRollup4thEd_SCORM20044thEdition.zip"


def _manifest_items(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """(manifest identifier, [(item identifier, title)]) of the default organization, read here."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("imsmanifest.xml"), etree.XMLParser(resolve_entities=False))
    ns = {"cp": etree.QName(root).namespace}
    organization = root.find("cp:organizations/cp:organization", ns)
    items = [(item.get("identifier"), item.findtext("cp:title", namespaces=ns))
             for item in organization.findall("cp:item", ns) if item.get("identifierref")]
    return root.get("identifier"), items


def test_scorm_2004_course_is_completed_when_every_sco_is(make_app, sqlite_database, shared_dir: Path):
    data = (shared_dir / "corpus/packages" / SCORM_ZIP).read_bytes()
    identifier, items = _manifest_items(data)
    assert len(items) == 5
    course = f"urn:parcours:scorm:{identifier}"
    scos = [f"{course}/{item}" for item, _title in items]
    s = Statements()
    plans = {  # learner -> SCOs completed; "quiz-passed" passes the last SCO without completing it
        "alice": scos,
        "bruno": scos[:4],
        "chloe": scos[:4] + ["quiz-passed"],
        "damien": [],
    }
    for name, done in plans.items():
        actor = agent(name)
        s.add(actor, "initialized", scos[0], {"contextActivities": {"parent": [{"id": course}]}})
        for sco in done:
            if sco == "quiz-passed":
                s.add(actor, "passed", scos[4], {"contextActivities": {"parent": [{"id": course}]}},
                      {"success": True, "score": {"scaled": 0.9}})
            else:
                s.add(actor, "completed", sco, {"contextActivities": {"parent": [{"id": course}]}},
                      {"completion": True})
    app = make_app(sqlite_database)
    post_statements(app, s.items)
    # unpublished: no statement about the course itself, so nobody has completed it
    assert report(app, "course", course)[0]["completed"] == 0

    publish(app, data)
    summary = report(app, "course", course)[0]
    expected_completed = sum(1 for done in plans.values() if set(scos) <= set(done))
    assert expected_completed == 1
    assert summary["completed"] == expected_completed
    assert summary["learners"] == len(plans)
    learners = {row["name"]: row for row in report(app, "course/learners", course)}
    for name, done in plans.items():
        assert learners[name.title()]["progress"] == round(len(set(done) & set(scos)) / len(scos), 4), name
        assert learners[name.title()]["completed"] is (set(scos) <= set(done))
    # modules in the manifest's order, with its titles; IRIs in the JSON
    modules = report(app, "course/modules", course)
    assert [row["module"] for row in modules] == scos
    assert [row["module_name"] for row in modules] == [title for _item, title in items]
    assert [row["completed"] for row in modules] == [
        sum(1 for done in plans.values() if sco in done) for sco in scos[:4]
    ] + [sum(1 for done in plans.values() if scos[4] in done or "quiz-passed" in done)]


# --- cmi5: CompletedOrPassed, NotApplicable, Passed ---------------------------------------

CMI5_COURSE = "https://formation.example.org/cmi5/geologie"
AUS = [("roches", "CompletedOrPassed", "Les roches"), ("glossaire", "NotApplicable", "Glossaire"),
       ("examen", "Passed", "Examen")]


def cmi5_package() -> bytes:
    aus = "".join(
        f'<au id="{CMI5_COURSE}/au/{key}" moveOn="{rule}" launchMethod="AnyWindow">'
        f'<title><langstring lang="fr">{title}</langstring></title>'
        f'<description><langstring lang="fr">{title}</langstring></description><url>{key}.html</url></au>'
        for key, rule, title in AUS
    )
    xml = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
           f'<course id="{CMI5_COURSE}"><title><langstring lang="fr">Géologie</langstring></title>'
           '<description><langstring lang="fr">Trois AU.</langstring></description></course>'
           f"{aus}</courseStructure>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cmi5.xml", xml)
        for key, _rule, title in AUS:
            archive.writestr(f"{key}.html", f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                                            f"<title>{title}</title></head><body><main><h1>{title}</h1></main></body></html>")
    return buffer.getvalue()


def cmi5_learner(s: Statements, name: str, results: dict[str, list[str]]) -> None:
    """An LMS and its AUs as cmi5 has them: the AU's publisher id alone in `grouping`,
    an activity id of the LMS's own as object, one registration for the course."""
    actor = agent(name)
    registration = str(uuid.uuid4())
    for key, verbs in results.items():
        publisher = f"{CMI5_COURSE}/au/{key}"
        session = str(uuid.uuid4())
        context = {"registration": registration, "extensions": {SESSION: session},
                   "contextActivities": {"grouping": [{"id": publisher}], "category": [{"id": CMI5_CATEGORY}]}}
        obj = f"https://lms.example.org/activities/{key}"
        s.add(actor, "launched", obj, context)
        s.add(actor, "initialized", obj, context)
        for verb in verbs:
            result = {"completion": True} if verb == "completed" else {"success": verb == "passed",
                                                                      "score": {"scaled": 0.8 if verb == "passed" else 0.2}}
            s.add(actor, verb, obj, context, result)
        s.add(actor, "terminated", obj, context)


PLANS = {  # learner -> AU -> cmi5-defined verbs
    "amina": {"roches": ["completed"], "examen": ["passed"]},
    "bastien": {"roches": ["passed"], "examen": ["failed"]},
    "carla": {"glossaire": ["completed"]},
    "denis": {"roches": ["completed"], "glossaire": ["completed"], "examen": ["failed", "passed"]},
}


def _expected(plans: dict[str, dict[str, list[str]]]) -> dict[str, tuple[bool, float]]:
    """learner -> (course completed, progress), from the moveOn rules written out here."""
    rules = {key: rule for key, rule, _title in AUS}
    out = {}
    for name, plan in plans.items():
        required = [key for key, rule in rules.items() if rule != "NotApplicable"]
        satisfied = 0
        for key in required:
            verbs = plan.get(key, [])
            ok = "passed" in verbs if rules[key] == "Passed" else ("completed" in verbs or "passed" in verbs)
            satisfied += ok
        out[name] = (satisfied == len(required), round(satisfied / len(required), 4))
    return out


@pytest.mark.postgres
def test_cmi5_course_follows_move_on_published_before_or_after(make_app, database_url):
    app = make_app(database_url)
    before, after = Statements(), Statements()
    cmi5_learner(before, "denis", PLANS["denis"])  # arrives before the course is published
    post_statements(app, before.items)
    assert report(app, "course", f"{CMI5_COURSE}/au/roches")[0]["learners"] == 1  # alone, the AU is its course

    publish(app, cmi5_package())
    after.clock = before.clock
    for name in ("amina", "bastien", "carla"):
        cmi5_learner(after, name, PLANS[name])
    post_statements(app, after.items)

    expected = _expected(PLANS)
    summary = report(app, "course", CMI5_COURSE)[0]
    assert summary["learners"] == len(PLANS)
    assert summary["completed"] == sum(1 for done, _ in expected.values() if done) == 2
    assert report(app, "course", f"{CMI5_COURSE}/au/roches")[0]["learners"] == 0  # moved into the course
    learners = {row["name"]: row for row in report(app, "course/learners", CMI5_COURSE)}
    for name, (done, progress) in expected.items():
        assert learners[name.title()]["completed"] is done, name
        assert learners[name.title()]["progress"] == progress, name
    # the only AU with a quiz-like rule is "examen": passed by amina and denis, failed by bastien
    assert learners["Amina"]["success"] == "passed" and learners["Denis"]["success"] == "passed"
    assert learners["Bastien"]["success"] == "failed"
    modules = report(app, "course/modules", CMI5_COURSE, lang="fr")
    assert [row["module_name"] for row in modules] == [title for _key, _rule, title in AUS]
    assert [row["started"] for row in modules] == [
        sum(1 for plan in PLANS.values() if key in plan) for key, _rule, _title in AUS
    ]
    record = report(app, "learner", "", learner="mbox:mailto:denis@example.org")
    assert [(row["course_name"], row["module_name"]) for row in record] == [("Géologie", "")] + [
        ("Géologie", title) for _key, _rule, title in AUS]  # denis went through the three AUs
    assert record[0]["progress"] == expected["denis"][1]
    overview = {row["course"]: row for row in report(app, "courses", "")}
    assert overview[CMI5_COURSE]["course_name"] == "Géologie"
    assert overview[CMI5_COURSE]["completed"] == 2
    # The course filter names the published course by its title, not its IRI.
    page = app.test_client().get("/reports/courses", query_string={"lang": "fr"}, headers=AUTH)
    assert page.status_code == 200
    assert f'<option value="{CMI5_COURSE}">Géologie</option>' in page.get_data(as_text=True)
