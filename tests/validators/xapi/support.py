"""A complete valid statement and a way to change one property of it."""

from __future__ import annotations

import copy
import re
from typing import Any

DELETE = object()

ADL = "http://adlnet.gov/expapi/verbs/"
REGISTRATION = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"


def full_statement() -> dict:
    """A statement that uses most properties, valid under 1.0.3 and 2.0."""
    return {
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Léa Moreau", "mbox": "mailto:lea.moreau@exemple.gouv.fr"},
        "verb": {"id": ADL + "answered", "display": {"fr-FR": "a répondu", "en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "https://formation.exemple.gouv.fr/cours/1/q/1",
            "definition": {
                "name": {"fr-FR": "Question 1"},
                "description": {"fr-FR": "Choisissez les bonnes réponses."},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "moreInfo": "https://formation.exemple.gouv.fr/aide",
                "interactionType": "choice",
                "correctResponsesPattern": ["a[,]b"],
                "choices": [
                    {"id": "a", "description": {"fr-FR": "Première"}},
                    {"id": "b", "description": {"fr-FR": "Deuxième"}},
                    {"id": "c", "description": {"fr-FR": "Troisième"}},
                ],
                "extensions": {"https://exemple.gouv.fr/ext/poids": 2},
            },
        },
        "result": {
            "score": {"scaled": 0.5, "raw": 10, "min": 0, "max": 20},
            "success": True,
            "completion": True,
            "response": "a[,]b",
            "duration": "PT1M30.5S",
            "extensions": {"https://exemple.gouv.fr/ext/essais": 1},
        },
        "context": {
            "registration": REGISTRATION,
            "instructor": {"name": "Paul Durand", "account": {"homePage": "https://mentor.gouv.fr", "name": "pdurand"}},
            "team": {"objectType": "Group", "name": "Groupe B", "member": [{"mbox": "mailto:b1@exemple.gouv.fr"}]},
            "contextActivities": {
                "parent": [{"id": "https://formation.exemple.gouv.fr/cours/1"}],
                "grouping": {"id": "https://formation.exemple.gouv.fr"},
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
                "other": [{"objectType": "Activity", "id": "https://formation.exemple.gouv.fr/autre"}],
            },
            "revision": "2",
            "platform": "Moodle",
            "language": "fr-FR",
            "statement": {"objectType": "StatementRef", "id": "5e9f0e3c-8a44-4d8c-9b1a-2f7d6c3b4a59"},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"},
        },
        "timestamp": "2026-03-12T09:14:26.123+01:00",
        "stored": "2026-03-12T08:14:27.000Z",
        "authority": {"objectType": "Agent", "name": "LRS", "account": {"homePage": "https://lrs.exemple.gouv.fr", "name": "cle-1"}},
        "version": "1.0.3",
        "attachments": [
            {
                "usageType": "http://adlnet.gov/expapi/attachments/certificate",
                "display": {"fr-FR": "Attestation"},
                "description": {"fr-FR": "Attestation de réussite"},
                "contentType": "application/pdf",
                "length": 48213,
                "sha2": "a" * 64,
                "fileUrl": "https://formation.exemple.gouv.fr/attestations/1.pdf",
            }
        ],
    }


_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\"([^\"]*)\"\]")


def steps(path: str) -> list[Any]:
    """`$.a.b[0]["c"]` → ["a", "b", 0, "c"]."""
    return [name or (int(index) if index else quoted) for name, index, quoted in _STEP.findall(path)]


def mutated(statement: dict, path: str, value: Any) -> dict:
    """A copy of the statement with the property at `path` set to `value` (or deleted)."""
    result = copy.deepcopy(statement)
    *parents, last = steps(path)
    target: Any = result
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = copy.deepcopy(value)
    return result
