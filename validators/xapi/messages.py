"""The text of every statement finding, in French and in English.

A finding is built only when a rule fails, so formatting costs nothing on
valid statements.
"""

from __future__ import annotations

import json
from typing import Any

from validators.findings import Finding, Severity

# code -> (severity, spec section, French, English); `{…}` are the rule's parameters.
MESSAGES: dict[str, tuple[Severity, str, str, str]] = {
    "property.unknown": ("error", "Data 2.2", "propriété inconnue « {key} »", "unknown property '{key}'"),
    "property.missing": ("error", "Data 2.4", "propriété obligatoire « {key} » absente", "required property '{key}' is missing"),
    "property.repeated": ("error", "Data 2.2", "la propriété « {key} » apparaît plusieurs fois dans le même objet", "property '{key}' appears more than once in the same object"),
    "property.v2_only": ("error", "Data 2.4.6", "« {key} » n'existe qu'en xAPI 2.0", "'{key}' exists only in xAPI 2.0"),
    "null": ("error", "Data 2.2", "la valeur null n'est pas admise ici", "null is not allowed here"),
    "type.string": ("error", "Data 2.2", "doit être une chaîne de caractères", "must be a string"),
    "type.boolean": ("error", "Data 2.2", "doit être un booléen (true ou false)", "must be a boolean (true or false)"),
    "type.number": ("error", "Data 2.2", "doit être un nombre", "must be a number"),
    "type.object": ("error", "Data 2.2", "doit être un objet JSON", "must be a JSON object"),
    "type.array": ("error", "Data 2.2", "doit être un tableau JSON", "must be a JSON array"),
    "type.language_map": ("error", "Data 4.2", "doit être une table de langues ({{\"fr\": \"…\"}})", "must be a language map ({{\"en\": \"…\"}})"),
    "array.empty": ("error", "Data 2.4.6", "le tableau ne doit pas être vide", "the array must not be empty"),
    "iri.invalid": ("error", "Data 4.3", "n'est pas un IRI absolu : {value}", "not an absolute IRI: {value}"),
    "uri.invalid": ("error", "Data 2.4.2.3", "n'est pas un URI (caractères non ASCII) : {value}", "not a URI (non-ASCII characters): {value}"),
    "uuid.invalid": ("error", "Data 4.4", "n'est pas un UUID (RFC 4122) : {value}", "not a UUID (RFC 4122): {value}"),
    "language.invalid": ("error", "Data 4.2", "n'est pas une étiquette de langue RFC 5646 : {value}", "not an RFC 5646 language tag: {value}"),
    "extension.key": ("error", "Data 4.1", "la clé d'extension doit être un IRI : {value}", "an extension key must be an IRI: {value}"),
    "timestamp.iso8601": ("error", "Data 4.5", "n'est pas un horodatage ISO 8601 : {value}", "not an ISO 8601 timestamp: {value}"),
    "timestamp.rfc3339": ("error", "Data 4.5", "n'est pas un horodatage RFC 3339 avec décalage horaire : {value}", "not an RFC 3339 timestamp with an offset: {value}"),
    "timestamp.unknown_offset": ("error", "Data 4.5", "le décalage -00:00 (inconnu) est interdit : {value}", "the -00:00 (unknown) offset is not allowed: {value}"),
    "timestamp.out_of_range": ("error", "Data 4.5", "date ou heure impossible : {value}", "impossible date or time: {value}"),
    "timestamp.no_offset": ("warning", "Data 4.5", "horodatage sans fuseau horaire, lu comme UTC : {value}", "timestamp without a time zone, read as UTC: {value}"),
    "duration.invalid": ("error", "Data 4.6", "n'est pas une durée ISO 8601 (PnYnMnDTnHnMnS) : {value}", "not an ISO 8601 duration (PnYnMnDTnHnMnS): {value}"),
    "version.invalid": ("error", "Data 2.4.10", "version inacceptable, 1.0.x attendu : {value}", "unacceptable version, 1.0.x expected: {value}"),
    "version.invalid2": ("error", "Data 2.4.10", "version inacceptable, 1.0.x ou 2.0.x attendu : {value}", "unacceptable version, 1.0.x or 2.0.x expected: {value}"),
    "objecttype.expected": ("error", "Data 2.4", "objectType doit valoir « {expected} », pas {value}", "objectType must be '{expected}', not {value}"),
    "object.objecttype_missing": ("error", "Data 2.4.4", "un objet {kind} doit porter objectType « {kind} » (sans objectType, l'objet est une activité)", "a {kind} object needs objectType '{kind}' (without objectType the object is an Activity)"),
    "objecttype.invalid": ("error", "Data 2.4.4", "objectType {value} inconnu ; valeurs admises : {expected}", "unknown objectType {value}; allowed: {expected}"),
    "mbox.invalid": ("error", "Data 2.4.2.3", "mbox doit être un IRI « mailto:adresse@domaine » : {value}", "mbox must be a 'mailto:address@domain' IRI: {value}"),
    "sha1.invalid": ("error", "Data 2.4.2.3", "mbox_sha1sum doit compter 40 chiffres hexadécimaux : {value}", "mbox_sha1sum must be 40 hexadecimal digits: {value}"),
    "agent.ifi_none": ("error", "Data 2.4.2.1", "un agent doit avoir exactement un identifiant (mbox, mbox_sha1sum, openid ou account), il n'en a aucun", "an agent needs exactly one identifier (mbox, mbox_sha1sum, openid or account), it has none"),
    "agent.ifi_many": ("error", "Data 2.4.2.1", "exactement un identifiant (mbox, mbox_sha1sum, openid ou account) est admis, il y en a {count}", "exactly one identifier (mbox, mbox_sha1sum, openid or account) is allowed, found {count}"),
    "group.member_group": ("error", "Data 2.4.2.2", "les membres d'un groupe doivent être des agents, pas des groupes", "group members must be Agents, not Groups"),
    "group.anonymous_members": ("error", "Data 2.4.2.2", "un groupe anonyme (sans identifiant) doit lister ses membres", "an anonymous group (no identifier) must list its members"),
    "context.team_group": ("error", "Data 2.4.6", "l'équipe (team) doit être un groupe (objectType « Group »)", "team must be a Group (objectType 'Group')"),
    "authority.group": ("error", "Data 2.4.9", "une autorité de type groupe doit être un groupe anonyme d'exactement deux agents (OAuth à trois acteurs)", "a Group authority must be an anonymous Group of exactly two Agents (three-legged OAuth)"),
    "component.duplicate": ("error", "Data 2.4.4.1", "identifiant de composant en double : {value}", "duplicate interaction component id: {value}"),
    "component.whitespace": ("warning", "Data 2.4.4.1", "un identifiant de composant ne devrait être ni vide ni contenir d'espace : {value}", "an interaction component id should be non-empty and without whitespace: {value}"),
    "interaction.type": ("error", "Data 2.4.4.1", "interactionType {value} inconnu ; valeurs admises : {expected}", "unknown interactionType {value}; allowed: {expected}"),
    "interaction.type_missing": ("error", "Data 2.4.4.1", "interactionType est obligatoire dès que « {key} » est présent", "interactionType is required when '{key}' is present"),
    "interaction.component": ("error", "Data 2.4.4.1", "la liste « {key} » n'est pas admise pour le type d'interaction {type}", "the '{key}' list is not allowed for interaction type {type}"),
    "pattern.empty_item": ("error", "Data 2.4.4.1", "réponse {type} mal formée : élément vide entre les séparateurs [,]", "malformed {type} response: empty item between [,] separators"),
    "pattern.unknown_id": ("warning", "Data 2.4.4.1", "la réponse cite un composant non déclaré : {id}", "the response names an undeclared component: {id}"),
    "pattern.true_false": ("error", "Data 2.4.4.1", "une réponse true-false vaut « true » ou « false »", "a true-false response is 'true' or 'false'"),
    "pattern.likert": ("error", "Data 2.4.4.1", "une réponse likert est un seul identifiant de l'échelle", "a likert response is a single scale id"),
    "pattern.fill_in_option": ("warning", "Data 2.4.4.1", "option {option} répétée", "option {option} repeated"),
    "pattern.language": ("warning", "Data 2.4.4.1", "étiquette de langue invalide dans {{lang=…}} : {value}", "invalid language tag in {{lang=…}}: {value}"),
    "pattern.pair": ("error", "Data 2.4.4.1", "réponse {type} mal formée, « a[.]b » attendu : {item}", "malformed {type} response, 'a[.]b' expected: {item}"),
    "pattern.numeric": ("error", "Data 2.4.4.1", "réponse numérique mal formée, « n » ou « min[:]max » attendu : {value}", "malformed numeric response, 'n' or 'min[:]max' expected: {value}"),
    "context.activities_type": ("error", "Data 2.4.6.2", "doit être une activité ou un tableau d'activités", "must be an Activity or an array of Activities"),
    "context.activity_only": ("error", "Data 2.4.6", "« {key} » n'est admis que si l'objet de la déclaration est une activité", "'{key}' is only allowed when the statement's object is an Activity"),
    "substatement.nested": ("error", "Data 2.4.4.3", "une sous-déclaration ne peut pas contenir une autre sous-déclaration", "a SubStatement cannot contain another SubStatement"),
    "substatement.forbidden": ("error", "Data 2.4.4.3", "« {key} » est interdit dans une sous-déclaration", "'{key}' is not allowed in a SubStatement"),
    "score.scaled": ("error", "Data 2.4.5.1", "scaled doit être compris entre -1 et 1 : {value}", "scaled must be between -1 and 1: {value}"),
    "score.min_max": ("error", "Data 2.4.5.1", "min ({min}) doit être inférieur à max ({max})", "min ({min}) must be less than max ({max})"),
    "score.raw_min": ("error", "Data 2.4.5.1", "raw ({value}) est inférieur à min ({min})", "raw ({value}) is less than min ({min})"),
    "score.raw_max": ("error", "Data 2.4.5.1", "raw ({value}) est supérieur à max ({max})", "raw ({value}) is greater than max ({max})"),
    "attachment.content_type": ("error", "Data 2.4.11", "contentType doit être un type de média (type/sous-type) : {value}", "contentType must be a media type (type/subtype): {value}"),
    "attachment.length": ("error", "Data 2.4.11", "length doit être un entier positif ou nul : {value}", "length must be a non-negative integer: {value}"),
    "attachment.signature_type": ("error", "Data 2.6", "une pièce jointe de signature doit avoir le contentType application/octet-stream : {value}", "a signature attachment must have the contentType application/octet-stream: {value}"),
    "attachment.sha2": ("error", "Data 2.4.11", "sha2 doit être une empreinte SHA-2 hexadécimale : {value}", "sha2 must be a hexadecimal SHA-2 hash: {value}"),
    "voiding.object": ("error", "Data 2.3.2", "une déclaration d'annulation (voided) doit avoir une StatementRef pour objet", "a voiding statement (voided) must have a StatementRef as its object"),
    "statements.type": ("error", "Data 2.2", "doit être une déclaration (objet) ou un tableau de déclarations", "must be a statement (object) or an array of statements"),
    "statements.duplicate_id": ("error", "Communication 2.1.2", "identifiant de déclaration en double dans le lot : {value}", "duplicate statement id in the batch: {value}"),
}

# Sections of the xAPI 1.0.3 specification (xAPI-Data.md), which 2.0 keeps in substance.
_SPEC_VERSION = "xAPI 1.0.3"
_MAX_VALUE = 80


def _shown(value: Any) -> str:
    text = value if type(value) is str else json.dumps(value, ensure_ascii=False, default=str)
    text = json.dumps(text, ensure_ascii=False) if type(value) is str else text
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def make_finding(code: str, path: str, params: dict[str, Any]) -> Finding:
    severity, section, french, english = MESSAGES[code]
    shown = {key: _shown(value) if key == "value" else value for key, value in params.items()}
    return Finding(
        code=f"xapi.{code}",
        message_fr=french.format(**shown),
        message_en=english.format(**shown),
        severity=severity,
        path=path,
        spec=f"{_SPEC_VERSION} {section}",
    )
