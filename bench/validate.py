"""Statements validated per second on one core, beside json.loads on the same input.

Generates a deterministic, realistic set (cmi5 sessions, SCORM-derived
statements, Moodle-like course events, interactions of every type, with
contexts, results and extensions), serialises it as NDJSON lines, then times:
json.loads alone (the baseline), full 1.0.3 validation of the parsed
statements, and both together. Times are the process's CPU time on one core
(time.process_time), so other work on the machine does not blur the figures.

    .venv/bin/python bench/validate.py [--count 100000] [--xapi-version 1.0.3]
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from typing import Iterator

from validators.xapi import validate_statement

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_VERBS = ["launched", "initialized", "completed", "passed", "failed", "terminated"]
SCORM_VERBS = ["attempted", "experienced", "progressed", "completed", "passed", "failed", "suspended", "resumed"]
MOODLE_VERBS = ["viewed", "completed", "registered"]
HOME = "https://mentor.gouv.fr"

INTERACTIONS = {
    "true-false": ({}, ["true"], "false"),
    "choice": ({"choices": ["a", "b", "c", "d"]}, ["a[,]c"], "a[,]c"),
    "fill-in": ({}, ["{case_matters=false}{lang=fr}Marianne"], "marianne"),
    "long-fill-in": ({}, ["{lang=fr}La devise de la République"], "Liberté, égalité, fraternité"),
    "matching": ({"source": ["s1", "s2", "s3"], "target": ["t1", "t2", "t3"]}, ["s1[.]t2[,]s2[.]t1[,]s3[.]t3"], "s1[.]t2[,]s2[.]t1[,]s3[.]t3"),
    "performance": ({"steps": ["p1", "p2", "p3"]}, ["p1[.]4[:]6[,]p2[.]oui[,]p3[.]12"], "p1[.]5[,]p2[.]oui[,]p3[.]12"),
    "sequencing": ({"choices": ["e1", "e2", "e3", "e4"]}, ["e2[,]e1[,]e4[,]e3"], "e2[,]e1[,]e4[,]e3"),
    "likert": ({"scale": ["l1", "l2", "l3", "l4", "l5"]}, ["l5"], "l4"),
    "numeric": ({}, ["10[:]20"], "15"),
    "other": ({}, ["(35.937432,-86.868896)"], "(35.937432,-86.868896)"),
}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _timestamp(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}"
        + rng.choice(["Z", "+01:00", "+02:00", "-05:00"])
    )


def _learner(rng: random.Random) -> dict:
    number = rng.randint(1, 5000)
    if rng.random() < 0.7:
        return {"objectType": "Agent", "name": f"Agent {number}", "account": {"homePage": HOME, "name": str(number)}}
    return {"objectType": "Agent", "name": f"Apprenant {number}", "mbox": f"mailto:apprenant{number}@example.gouv.fr"}


def _verb(name: str) -> dict:
    return {"id": ADL + name, "display": {"fr-FR": name, "en-US": name}}


def _course(rng: random.Random) -> tuple[str, dict]:
    number = rng.randint(1, 200)
    course = f"https://mentor.gouv.fr/cours/{number}"
    return course, {
        "objectType": "Activity",
        "id": course,
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/course",
            "name": {"fr-FR": f"Cours {number}", "en-US": f"Course {number}"},
        },
    }


def cmi5_statement(rng: random.Random) -> dict:
    course, course_activity = _course(rng)
    verb = rng.choice(CMI5_VERBS)
    au = f"{course}/au/{rng.randint(1, 8)}"
    statement = {
        "id": _uuid(rng),
        "actor": _learner(rng),
        "verb": _verb(verb),
        "object": {"objectType": "Activity", "id": au},
        "context": {
            "registration": _uuid(rng),
            "contextActivities": {
                "category": [{"id": CMI5}] + ([{"id": MOVEON}] if verb in ("completed", "passed", "failed") else []),
                "grouping": [{"id": course}],
            },
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": _uuid(rng)},
        },
        "timestamp": _timestamp(rng),
    }
    if verb == "launched":
        statement["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/launchmode"] = "Normal"
    if verb in ("passed", "failed"):
        scaled = round(rng.random(), 2)
        statement["result"] = {
            "score": {"scaled": scaled, "raw": round(scaled * 20, 1), "min": 0, "max": 20},
            "success": verb == "passed",
            "duration": f"PT{rng.randint(1, 59)}M{rng.randint(0, 59)}.{rng.randint(0, 99):02d}S",
        }
        statement["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"] = 0.8
    elif verb in ("completed", "terminated"):
        statement["result"] = {"completion": True, "duration": f"PT{rng.randint(1, 3600)}S"}
    return statement


def scorm_statement(rng: random.Random) -> dict:
    course, course_activity = _course(rng)
    verb = rng.choice(SCORM_VERBS)
    statement = {
        "id": _uuid(rng),
        "actor": _learner(rng),
        "verb": _verb(verb),
        "object": {
            "id": f"{course}/sco/{rng.randint(1, 12)}",
            "definition": {"type": "http://adlnet.gov/expapi/activities/lesson", "name": {"fr": "Leçon"}},
        },
        "context": {
            "contextActivities": {"parent": course_activity},
            "extensions": {"https://w3id.org/xapi/scorm/context/extensions/attempt": rng.randint(1, 3)},
            "platform": "SCORM 2004 4th Edition",
            "language": "fr-FR",
        },
        "timestamp": _timestamp(rng),
    }
    if verb in ("progressed", "completed", "passed", "failed"):
        statement["result"] = {
            "completion": verb != "progressed",
            "extensions": {"https://w3id.org/xapi/cmi5/result/extensions/progress": rng.randint(0, 100)},
        }
        if verb in ("passed", "failed"):
            statement["result"]["score"] = {"scaled": round(rng.random(), 3)}
            statement["result"]["success"] = verb == "passed"
    return statement


def moodle_statement(rng: random.Random) -> dict:
    course, course_activity = _course(rng)
    verb = rng.choice(MOODLE_VERBS)
    return {
        "actor": {"name": f"Utilisateur {rng.randint(1, 9000)}", "account": {"homePage": HOME, "name": str(rng.randint(1, 9000))}},
        "verb": {"id": f"http://id.tincanapi.com/verb/{verb}" if verb == "viewed" else ADL + verb, "display": {"en": verb}},
        "object": course_activity,
        "timestamp": _timestamp(rng),
        "context": {
            "platform": "Moodle",
            "language": "fr",
            "extensions": {
                "http://lrs.learninglocker.net/define/extensions/info": {"https://moodle.org/": "4.1", "event_name": "\\core\\event\\course_viewed"},
            },
            "contextActivities": {
                "grouping": [{"id": HOME, "definition": {"type": "http://id.tincanapi.com/activitytype/lms", "name": {"fr": "Mentor"}}}],
                "category": [{"id": "http://moodle.org", "definition": {"type": "http://id.tincanapi.com/activitytype/source", "name": {"en": "Moodle"}}}],
            },
        },
    }


def interaction_statement(rng: random.Random) -> dict:
    course, course_activity = _course(rng)
    kind = rng.choice(list(INTERACTIONS))
    lists, patterns, response = INTERACTIONS[kind]
    definition: dict = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "name": {"fr-FR": f"Question {kind}"},
        "description": {"fr-FR": "Répondez à la question."},
        "interactionType": kind,
        "correctResponsesPattern": patterns,
    }
    for key, ids in lists.items():
        definition[key] = [{"id": ident, "description": {"fr-FR": f"Option {ident}"}} for ident in ids]
    success = rng.random() < 0.6
    return {
        "id": _uuid(rng),
        "actor": _learner(rng),
        "verb": _verb("answered"),
        "object": {"objectType": "Activity", "id": f"{course}/question/{kind}/{rng.randint(1, 30)}", "definition": definition},
        "result": {"response": response, "success": success, "duration": f"PT{rng.randint(2, 300)}S", "score": {"raw": int(success), "min": 0, "max": 1}},
        "context": {"registration": _uuid(rng), "contextActivities": {"parent": [course_activity]}},
        "timestamp": _timestamp(rng),
    }


MAKERS = [cmi5_statement, cmi5_statement, scorm_statement, moodle_statement, interaction_statement, interaction_statement]


def realistic_statements(count: int, seed: int = 2026) -> Iterator[dict]:
    """The same `count` statements for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield rng.choice(MAKERS)(rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--xapi-version", default="1.0.3")
    args = parser.parse_args()

    lines = [json.dumps(s, ensure_ascii=False) for s in realistic_statements(args.count)]
    megabytes = sum(len(line) for line in lines) / 1e6

    start = time.process_time()
    parsed = [json.loads(line) for line in lines]
    loads_seconds = time.process_time() - start

    start = time.process_time()
    invalid = sum(1 for statement in parsed if any(f.severity == "error" for f in validate_statement(statement, args.xapi_version)))
    validate_seconds = time.process_time() - start

    count = len(lines)
    print(f"statements: {count:,} ({megabytes:.1f} MB of JSON), invalid: {invalid}")
    print(f"json.loads alone:          {loads_seconds:7.3f} s  {count / loads_seconds:12,.0f} statements/s")
    print(f"validation {args.xapi_version} alone:   {validate_seconds:7.3f} s  {count / validate_seconds:12,.0f} statements/s")
    both = loads_seconds + validate_seconds
    print(f"json.loads + validation:   {both:7.3f} s  {count / both:12,.0f} statements/s")
    print(f"ratio validation / json.loads: {validate_seconds / loads_seconds:.2f}")
    if invalid:
        raise SystemExit(f"{invalid} generated statements were rejected: the set or the rules are wrong")


if __name__ == "__main__":
    main()
