"""Every package finding code, its default severity, its French and English message and its source.

Codes are stable: authors put them in their CI and search for them. Content
packaging rules shared by SCORM 1.2 and SCORM 2004 exist once per prefix
(`SCORM12-HREF-MISSING`, `SCORM2004-HREF-MISSING`) with each edition's reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from validators.bilingual import Text
from validators.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    severity: Severity
    fr: str
    en: str
    spec: str


RULES: dict[str, Rule] = {}

MOODLE = "Moodle mod/scorm"
CMI5 = "cmi5 (AICC/ADL), requirement"
ZIP_SPEC = "PKWARE APPNOTE / safe extraction"
WCAG = "WCAG 2.1 / RGAA 4.1"


def _rule(code: str, severity: Severity, fr: str, en: str, spec: str) -> None:
    if code in RULES:
        raise ValueError(f"duplicate finding code {code}")
    RULES[code] = Rule(severity, fr, en, spec)


def _cp_rule(suffix: str, severity: Severity, fr: str, en: str, spec12: str, spec2004: str) -> None:
    _rule(f"SCORM12-{suffix}", severity, fr, en, f"SCORM 1.2 CAM, {spec12}")
    _rule(f"SCORM2004-{suffix}", severity, fr, en, f"SCORM 2004 4th Ed. CAM, {spec2004}")


def finding(code: str, *, file: str | None = None, line: int | None = None,
            severity: Severity | None = None, **params: Any) -> Finding:
    """A finding for a catalogued code, its messages filled with `params` (a `Text`
    parameter differs by language)."""
    rule = RULES[code]
    text = Text(rule.fr, rule.en).fill(**params)
    return Finding(
        code=code,
        message_fr=text.fr,
        message_en=text.en,
        severity=severity or rule.severity,
        file=file,
        line=line,
        spec=rule.spec,
    )


# --- the archive itself -------------------------------------------------------------------------
_rule("ZIP-NOT-A-ZIP", "error",
      "Ce fichier n'est pas une archive zip lisible ({reason}).",
      "This file is not a readable zip archive ({reason}).",
      f"{CMI5} 14.1.0.0-1; {MOODLE} badarchive")
_rule("ZIP-ABSOLUTE-PATH", "error",
      "L'entrée « {name} » a un chemin absolu : à l'extraction elle écrirait hors du dossier du paquet.",
      "Entry '{name}' has an absolute path: extracting it would write outside the package folder.",
      ZIP_SPEC + " 4.4.17 (file name: no drive letter, no leading slash)")
_rule("ZIP-PARENT-PATH", "error",
      "L'entrée « {name} » contient « .. » : à l'extraction elle écrirait hors du dossier du paquet.",
      "Entry '{name}' contains '..': extracting it would write outside the package folder.",
      ZIP_SPEC + " 4.4.17 (path traversal)")
_rule("ZIP-BACKSLASH", "warning",
      "L'entrée « {name} » utilise « \\ » comme séparateur : sur un serveur Linux ce n'est pas un dossier.",
      "Entry '{name}' uses '\\' as a separator: on a Linux server it is not a folder.",
      ZIP_SPEC + " 4.4.17 (forward slashes only)")
_rule("ZIP-SYMLINK", "error",
      "L'entrée « {name} » est un lien symbolique : elle peut désigner n'importe quel fichier du serveur.",
      "Entry '{name}' is a symbolic link: it can point at any file on the server.",
      ZIP_SPEC + " 4.4.15 (external attributes)")
_rule("ZIP-DUPLICATE-NAME", "error",
      "L'entrée « {name} » apparaît {count} fois : seule l'une des versions sera extraite.",
      "Entry '{name}' appears {count} times: only one version will be extracted.",
      ZIP_SPEC)
_rule("ZIP-CASE-COLLISION", "error",
      "Les entrées « {name} » et « {other} » ne diffèrent que par la casse : sur Windows ou macOS l'une écrase l'autre.",
      "Entries '{name}' and '{other}' differ only in case: on Windows or macOS one overwrites the other.",
      ZIP_SPEC)
_rule("ZIP-ENCRYPTED", "error",
      "L'entrée « {name} » est chiffrée : aucune plateforme ne peut la lire.",
      "Entry '{name}' is encrypted: no platform can read it.",
      ZIP_SPEC + " 4.4.4 (general purpose bit 0)")
_rule("ZIP-NAME-ENCODING", "error",
      "Le nom de l'entrée « {name} » n'est pas en UTF-8 : il sera illisible ou altéré sur le serveur.",
      "Entry name '{name}' is not UTF-8: it will be garbled or altered on the server.",
      ZIP_SPEC + " appendix D (UTF-8 names, bit 11)")
_rule("ZIP-COMPRESSION", "warning",
      "L'entrée « {name} » utilise la méthode de compression {method}, que beaucoup de plateformes ne savent pas lire (utiliser deflate).",
      "Entry '{name}' uses compression method {method}, which many platforms cannot read (use deflate).",
      ZIP_SPEC + " 4.4.5 (compression method)")
_rule("ZIP-TOO-MANY-ENTRIES", "error",
      "L'archive contient {count} entrées, au-delà de la limite de {limit}.",
      "The archive has {count} entries, over the limit of {limit}.",
      ZIP_SPEC)
_rule("ZIP-ENTRY-TOO-LARGE", "error",
      "L'entrée « {name} » ferait {size} octets une fois décompressée, au-delà de la limite de {limit}.",
      "Entry '{name}' would be {size} bytes uncompressed, over the limit of {limit}.",
      ZIP_SPEC)
_rule("ZIP-TOO-LARGE", "error",
      "L'archive ferait {size} octets une fois décompressée, au-delà de la limite de {limit}.",
      "The archive would be {size} bytes uncompressed, over the limit of {limit}.",
      ZIP_SPEC)
_rule("ZIP-BOMB", "error",
      "L'entrée « {name} » se décompresse {ratio} fois plus grand que sa taille compressée ({size} octets) : c'est une bombe de décompression.",
      "Entry '{name}' expands {ratio} times its compressed size ({size} bytes): it is a decompression bomb.",
      ZIP_SPEC + " (compression ratio limit)")
_rule("ZIP-OVERLAPPING", "error",
      "Les entrées déclarent plus de données compressées ({size} octets) que l'archive n'en contient ({limit} octets) : entrées superposées, typique d'une bombe de décompression.",
      "Entries declare more compressed data ({size} bytes) than the archive holds ({limit} bytes): overlapping entries, typical of a decompression bomb.",
      ZIP_SPEC + " (overlapping entries)")
_rule("ZIP-JUNK", "info",
      "{count} fichier(s) système ({what}), par exemple « {name} », sans utilité dans un paquet.",
      "{count} operating-system file(s) ({what}), such as '{name}', with no use in a package.",
      ZIP_SPEC)
_rule("ZIP-ENTRY-UNREADABLE", "error",
      "L'entrée « {name} » ne peut pas être lue ({reason}).",
      "Entry '{name}' cannot be read ({reason}).",
      ZIP_SPEC)

# --- what the package is ------------------------------------------------------------------------
_rule("PACKAGE-NO-MANIFEST", "error",
      "Aucun descripteur à la racine : ni imsmanifest.xml (SCORM), ni cmi5.xml, ni tincan.xml, ni fichier AICC. Moodle refuse ce paquet (nomanifest).",
      "No descriptor at the root: no imsmanifest.xml (SCORM), cmi5.xml, tincan.xml or AICC file. Moodle refuses this package (nomanifest).",
      "IMS CP 1.1.4 (imsmanifest.xml at the package root); " + MOODLE + " nomanifest")
_rule("PACKAGE-MANIFEST-LOCATION", "error",
      "« {name} » est dans un sous-dossier : le descripteur doit être à la racine du zip (Moodle refuse un tel paquet SCORM : badimsmanifestlocation). Zipper le contenu du dossier, pas le dossier.",
      "'{name}' is in a subfolder: the descriptor must be at the root of the zip (Moodle refuses such a SCORM package: badimsmanifestlocation). Zip the folder's content, not the folder.",
      "IMS CP 1.1.4 (imsmanifest.xml at the package root); " + CMI5 + " 14.1.0.0-2; " + MOODLE
      + " badimsmanifestlocation")
_rule("PACKAGE-MANIFEST-CASE", "error",
      "Le descripteur s'appelle « {name} » : il doit s'écrire exactement « {expected} » (les serveurs distinguent la casse).",
      "The descriptor is named '{name}': it must be spelt exactly '{expected}' (servers are case-sensitive).",
      "IMS CP 1.1.4; " + MOODLE + " scorm_validate_package")
_rule("PACKAGE-AICC-UNSUPPORTED", "warning",
      "Paquet AICC reconnu ({name}) : ce format n'est pas vérifié ici ; préférer SCORM ou cmi5.",
      "AICC package recognised ({name}): this format is not checked here; prefer SCORM or cmi5.",
      "AICC CMI001 (course structure files .crs .au .des .cst)")
_rule("PACKAGE-FILES-NOT-CHECKED", "info",
      "Descripteur seul : les fichiers qu'il référence ne peuvent pas être vérifiés sans le paquet.",
      "Descriptor on its own: the files it references cannot be checked without the package.",
      "IMS CP 1.1.4 / cmi5 14 / tincan.xml")
_rule("PACKAGE-NOT-RECOGNISED", "error",
      "Ce fichier XML n'est ni un imsmanifest.xml, ni un cmi5.xml, ni un tincan.xml (élément racine {root}).",
      "This XML file is not an imsmanifest.xml, cmi5.xml or tincan.xml (root element {root}).",
      "IMS CP 1.1.4 / cmi5 13 / tincan.xml")
_rule("PACKAGE-SYMLINK", "error",
      "« {name} » est un lien symbolique : un paquet zippé le perdrait ou exposerait un fichier du serveur.",
      "'{name}' is a symbolic link: a zipped package would lose it or expose a server file.",
      ZIP_SPEC)

# --- XML ----------------------------------------------------------------------------------------
_rule("XML-NOT-WELL-FORMED", "error",
      "XML mal formé : {detail}. Moodle s'arrête sur cette erreur (« XML error »).",
      "Malformed XML: {detail}. Moodle stops on this error ('XML error').",
      "XML 1.0 (well-formedness)")
_rule("XML-DTD", "error",
      "Le fichier déclare une DTD ou des entités : refusé pour la sécurité (expansion d'entités, accès réseau).",
      "The file declares a DTD or entities: refused for safety (entity expansion, network access).",
      "XML 1.0 2.8; OWASP XXE prevention")
_rule("XML-SCHEMA", "error",
      "Non conforme au schéma XSD : {detail}",
      "Does not conform to the XSD: {detail}",
      "official XSD")
_rule("CMI5-SCHEMA", "error",
      "Non conforme au schéma CourseStructure.xsd : {detail}",
      "Does not conform to CourseStructure.xsd: {detail}",
      CMI5 + " 13.2.0.0-1")
_rule("METADATA-MISSING", "error",
      "Le fichier de métadonnées « {href} » (adlcp:location) est absent du paquet.",
      "Metadata file '{href}' (adlcp:location) is missing from the package.",
      "SCORM CAM, <adlcp:location>")
_rule("METADATA-EXTERNAL", "error",
      "Le fichier de métadonnées « {href} » (adlcp:location) est hors du paquet : il doit y être inclus.",
      "Metadata file '{href}' (adlcp:location) is outside the package: it must be included in it.",
      "SCORM CAM, <adlcp:location> (a file within the package)")

# --- content packaging: SCORM 1.2 and SCORM 2004 ------------------------------------------------
_cp_rule("SCHEMAVERSION", "warning",
         "<schemaversion> vaut « {value} », attendu {expected} pour ces espaces de noms.",
         "<schemaversion> is '{value}', expected {expected} for these namespaces.",
         "<metadata><schemaversion>", "<metadata><schemaversion>")
_cp_rule("DEFAULT-ORG-MISSING", "error",
         "organizations@default vaut « {ref} », qui ne désigne aucune <organization>.",
         "organizations@default is '{ref}', which names no <organization>.",
         "<organizations default> (IDREF to an organization)", "<organizations default> (IDREF to an organization)")
_cp_rule("NO-DEFAULT-ORG", "error",
         "<organizations> contient des <organization> mais pas d'attribut default.",
         "<organizations> has <organization> children but no default attribute.",
         "<organizations default>", "<organizations default> (required when organizations exist)")
_cp_rule("IDENTIFIERREF-MISSING", "error",
         "L'élément <item> « {item} » référence la ressource « {ref} », qui n'existe pas.",
         "Item '{item}' references resource '{ref}', which does not exist.",
         "<item identifierref>", "<item identifierref>")
_cp_rule("DEPENDENCY-MISSING", "error",
         "La dépendance « {ref} » de la ressource « {resource} » ne désigne aucune ressource.",
         "Dependency '{ref}' of resource '{resource}' names no resource.",
         "<dependency identifierref>", "<dependency identifierref>")
_cp_rule("HREF-MISSING", "error",
         "« {href} » est référencé par le manifeste mais absent du paquet.",
         "'{href}' is referenced by the manifest but missing from the package.",
         "<resource href> / <file href> (files within the package)", "<resource href> / <file href> (files within the package)")
_cp_rule("HREF-CASE", "error",
         "« {href} » n'existe pas avec cette casse ; le paquet contient « {actual} ». Les serveurs web distinguent la casse.",
         "'{href}' does not exist with this case; the package holds '{actual}'. Web servers are case-sensitive.",
         "<resource href> / <file href>", "<resource href> / <file href>")
_cp_rule("HREF-ABSOLUTE-PATH", "error",
         "« {href} » commence par « / » : il désigne la racine du serveur, pas le paquet.",
         "'{href}' starts with '/': it points at the server's root, not at the package.",
         "<resource href> (relative to the package)", "<resource href> (relative to the package)")
_cp_rule("HREF-OUTSIDE", "error",
         "« {href} » sort du paquet par « .. ».",
         "'{href}' leaves the package through '..'.",
         "<resource href> (relative to the package)", "<resource href> (relative to the package)")
_cp_rule("HREF-INVALID", "error",
         "« {href} » n'est pas une URL valide ({reason}).",
         "'{href}' is not a valid URL ({reason}).",
         "<resource href> (URI reference)", "<resource href> (URI reference)")
_cp_rule("EXTERNAL-SCO", "error",
         "La ressource « {resource} » est un SCO lancé depuis « {href} », hors du paquet : le navigateur l'empêche de trouver l'API de la plateforme (autre origine).",
         "Resource '{resource}' is a SCO launched from '{href}', outside the package: the browser stops it from finding the platform's API (other origin).",
         "Run-Time Environment 3.3 (API discovery in parent frames, same origin)", "Run-Time Environment 3.1 (API discovery, same origin)")
_cp_rule("ITEM-NO-HREF", "error",
         "L'élément <item> « {item} » lance la ressource « {ref} », qui n'a pas d'attribut href.",
         "Item '{item}' launches resource '{ref}', which has no href.",
         "<item identifierref> (launchable resource)", "<item identifierref> (launchable resource)")
_cp_rule("SCO-WITHOUT-HREF", "error",
         "La ressource « {resource} » est un SCO sans attribut href : elle ne peut pas être lancée.",
         "Resource '{resource}' is a SCO with no href: it cannot be launched.",
         "<resource adlcp:scormtype='sco'> requires href", "<resource adlcp:scormType='sco'> requires href")
_cp_rule("SCO-NO-API", "warning",
         "La ressource « {resource} » est déclarée SCO mais ni « {href} » ni ses scripts n'appellent l'API {api} : la progression ne sera jamais enregistrée.",
         "Resource '{resource}' is declared a SCO but neither '{href}' nor its scripts call the {api} API: progress will never be recorded.",
         "SCO definition (must call LMSInitialize/LMSFinish)", "SCO definition (must call Initialize/Terminate)")
_cp_rule("ASSET-CALLS-API", "warning",
         "La ressource « {resource} » est déclarée asset mais « {href} » appelle l'API {api} : la déclarer SCO, sinon la plateforme ne lui fournit pas d'API.",
         "Resource '{resource}' is declared an asset but '{href}' calls the {api} API: declare it a SCO, or the platform will not provide an API to it.",
         "asset vs SCO (adlcp:scormtype)", "asset vs SCO (adlcp:scormType)")
_cp_rule("ASSET-RUNTIME-DATA", "warning",
         "L'élément <item> « {item} » lance un asset mais porte {element} : un asset ne communique pas avec la plateforme, cette donnée est ignorée.",
         "Item '{item}' launches an asset but carries {element}: an asset does not talk to the platform, so this is ignored.",
         "<item> run-time data elements apply to SCOs", "<item> run-time data elements apply to SCOs")
_cp_rule("NO-ORGANIZATION", "info",
         "Aucune <organization> : la plateforme construit la structure à partir des ressources (Moodle en fait des SCO).",
         "No <organization>: the platform builds the structure from the resources (Moodle makes them SCOs).",
         "<organizations> (resource package)", "<organizations> (resource package)")
_cp_rule("EMPTY-ORGANIZATION", "error",
         "L'organisation « {org} » ne lance aucune ressource : l'apprenant n'a rien à ouvrir.",
         "Organization '{org}' launches no resource: the learner has nothing to open.",
         "<organization> (at least one launchable item)", "<organization> (at least one launchable item)")
_rule("SCORM12-MASTERYSCORE", "error",
      "adlcp:masteryscore vaut « {value} » : un nombre entre 0 et 100 est attendu.",
      "adlcp:masteryscore is '{value}': a number between 0 and 100 is expected.",
      "SCORM 1.2 CAM, <adlcp:masteryscore> (CMIDecimal 0..100)")
_rule("SCORM12-PREREQUISITE-UNKNOWN", "error",
      "adlcp:prerequisites de « {item} » cite « {ref} », qui n'est l'identifiant d'aucun <item>.",
      "adlcp:prerequisites of '{item}' names '{ref}', which is no item's identifier.",
      "SCORM 1.2 CAM, <adlcp:prerequisites> (AICC script of item identifiers)")

# --- SCORM 2004 sequencing ----------------------------------------------------------------------
SN = "SCORM 2004 4th Ed. Sequencing and Navigation"
_rule("SCORM2004-OBJECTIVE-UNKNOWN", "error",
      "La règle de « {item} » cite l'objectif « {ref} », qui n'est pas défini pour cette activité.",
      "The rule of '{item}' references objective '{ref}', which is not defined for this activity.",
      SN + ", <imsss:ruleCondition referencedObjective>")
_rule("SCORM2004-OBJECTIVE-DUPLICATE", "error",
      "L'objectif « {ref} » est défini deux fois pour l'activité « {item} ».",
      "Objective '{ref}' is defined twice for activity '{item}'.",
      SN + ", <imsss:objectives> (objectiveID unique per activity)")
_rule("SCORM2004-SEQUENCING-IDREF", "error",
      "<imsss:sequencing IDRef=\"{ref}\"> ne désigne aucune séquence de <imsss:sequencingCollection>.",
      "<imsss:sequencing IDRef=\"{ref}\"> names no sequencing in <imsss:sequencingCollection>.",
      SN + ", <imsss:sequencingCollection>")
_rule("SCORM2004-ROLLUP-ON-LEAF", "warning",
      "« {item} » n'a pas d'activités enfants : ses règles de cumul (rollupRules) ne s'appliquent jamais.",
      "'{item}' has no child activities: its rollup rules never apply.",
      SN + ", rollup rules apply to clusters")
_rule("SCORM2004-ROLLUP-COUNT", "error",
      "Une règle de cumul de « {item} » utilise childActivitySet=\"{set}\" sans {attribute} : la règle ne se déclenche jamais comme prévu.",
      "A rollup rule of '{item}' uses childActivitySet=\"{set}\" without {attribute}: the rule never fires as intended.",
      SN + ", <imsss:rollupRule childActivitySet>")
_rule("SCORM2004-NO-NAVIGATION", "error",
      "« {item} » a des enfants mais interdit choice et flow : l'apprenant ne peut atteindre aucune de ses activités.",
      "'{item}' has children but forbids both choice and flow: the learner cannot reach any of its activities.",
      SN + ", <imsss:controlMode>")

# --- Moodle -------------------------------------------------------------------------------------
_rule("MOODLE-PREFIX", "warning",
      "L'espace de noms {namespace} utilise le préfixe « {prefix}: » : Moodle ne reconnaît que « {expected}: » et ignorera ces éléments.",
      "Namespace {namespace} uses prefix '{prefix}:': Moodle only recognises '{expected}:' and will ignore these elements.",
      MOODLE + " scorm_parse_scorm (literal prefixes, non-namespace-aware parser)")
_rule("MOODLE-SEQUENCING-IGNORED", "warning",
      "{count} règle(s) de séquencement SCORM 2004 ({elements}) : Moodle ne les applique pas, l'apprenant pourra ouvrir les activités dans n'importe quel ordre.",
      "{count} SCORM 2004 sequencing rule(s) ({elements}): Moodle does not enforce them, learners can open activities in any order.",
      MOODLE + " (SCORM 2004 sequencing not implemented)")
_rule("MOODLE-NAVIGATION-IGNORED", "warning",
      "Le contenu envoie la requête de navigation « {request} » (adl.nav.request, SCORM 2004 4e éd.) : le modèle de données de Moodle ne connaît que les requêtes de la 3e édition et la refuse.",
      "The content sends navigation request '{request}' (adl.nav.request, SCORM 2004 4th Ed.): Moodle's data model only knows the 3rd-edition requests and refuses it.",
      MOODLE + " (SCORM 2004 data model, adl.nav.request)")
_rule("MOODLE-SHARED-DATA", "warning",
      "adlcp:data (données partagées SCORM 2004 4e éd.) n'est pas pris en charge par Moodle : adl.data ne contiendra rien.",
      "adlcp:data (SCORM 2004 4th Ed. shared data) is not supported by Moodle: adl.data will be empty.",
      MOODLE + " (adl.data not implemented)")
_rule("MOODLE-MULTIPLE-ORGANIZATIONS", "warning",
      "{count} organisations : Moodle les affiche toutes dans une seule table des matières, l'apprenant voit chacune d'elles.",
      "{count} organizations: Moodle shows them all in one table of contents, learners see every one of them.",
      MOODLE + " (all organizations imported)")
_rule("MOODLE-DEFAULT-ORG-MISSING", "warning",
      "organizations@default vaut « {ref} », qui ne désigne aucune <organization> : Moodle lancera le premier élément lançable trouvé.",
      "organizations@default is '{ref}', which names no <organization>: Moodle will launch the first launchable item it finds.",
      MOODLE + " scorm_parse_scorm (launch falls back to the first launchable item)")
_rule("MOODLE-IDENTIFIERREF-MISSING", "warning",
      "L'élément <item> « {item} » référence la ressource « {ref} », qui n'existe pas : Moodle affiche « invalidmanifestresource » et l'élément ne se lance pas.",
      "Item '{item}' references resource '{ref}', which does not exist: Moodle shows 'invalidmanifestresource' and the item does not launch.",
      MOODLE + " invalidmanifestresource")
_rule("MOODLE-SCHEMAVERSION", "error",
      "<schemaversion> vaut « {value} » : Moodle traitera ce paquet SCORM 2004 comme du SCORM 1.2 (valeurs reconnues : 1.3, CAM 1.3, 2004 3rd Edition, 2004 4th Edition).",
      "<schemaversion> is '{value}': Moodle will treat this SCORM 2004 package as SCORM 1.2 (recognised values: 1.3, CAM 1.3, 2004 3rd Edition, 2004 4th Edition).",
      MOODLE + " scorm_parse_scorm (version from metadata/schemaversion)")
_rule("MOODLE-XMLBASE-IGNORED", "error",
      "xml:base sur <{element}> : Moodle n'utilise que le xml:base de <resource>, l'adresse de lancement sera fausse.",
      "xml:base on <{element}>: Moodle only uses <resource>'s xml:base, so the launch address will be wrong.",
      MOODLE + " scorm_parse_scorm (launch = resource@xml:base + href)")
_rule("MOODLE-EXTERNAL-LAUNCH", "warning",
      "La ressource « {resource} » se lance depuis « {href} », hors du paquet : elle ne fonctionnera pas hors ligne et transmet l'adresse IP des apprenants à un tiers.",
      "Resource '{resource}' launches from '{href}', outside the package: it will not work offline and sends learners' IP addresses to a third party.",
      MOODLE + " (launch URL outside the package)")
_rule("MOODLE-SUSPEND-DATA-LIMIT", "warning",
      "Ce script écrit jusqu'à {size} caractères dans cmi.suspend_data : SCORM 1.2 en garantit 4 096, au-delà Moodle et d'autres plateformes tronquent ou refusent.",
      "This script writes up to {size} characters to cmi.suspend_data: SCORM 1.2 guarantees 4,096, beyond that Moodle and other platforms truncate or refuse.",
      "SCORM 1.2 RTE 3.4.4 (cmi.suspend_data, CMIString4096)")
_rule("MOODLE-LESSON-LOCATION-LIMIT", "warning",
      "Ce script écrit jusqu'à {size} caractères dans cmi.core.lesson_location : SCORM 1.2 en garantit 255.",
      "This script writes up to {size} characters to cmi.core.lesson_location: SCORM 1.2 guarantees 255.",
      "SCORM 1.2 RTE 3.4.4 (cmi.core.lesson_location, CMIString255)")

# --- cmi5 ---------------------------------------------------------------------------------------
_rule("CMI5-IRI", "error",
      "L'identifiant « {value} » ({what}) n'est pas une IRI absolue.",
      "Identifier '{value}' ({what}) is not an absolute IRI.",
      CMI5 + " 3.0.0.0-1")
_rule("CMI5-DUPLICATE-AU", "error",
      "L'AU « {value} » apparaît plusieurs fois (déjà ligne {first}).",
      "AU '{value}' appears more than once (first on line {first}).",
      CMI5 + " 13.1.4.0-1")
_rule("CMI5-DUPLICATE-BLOCK", "error",
      "Le bloc « {value} » apparaît plusieurs fois (déjà ligne {first}).",
      "Block '{value}' appears more than once (first on line {first}).",
      CMI5 + " 13.1.2.0-1")
_rule("CMI5-DUPLICATE-OBJECTIVE", "error",
      "L'objectif « {value} » apparaît plusieurs fois (déjà ligne {first}).",
      "Objective '{value}' appears more than once (first on line {first}).",
      CMI5 + " 13.1.3.0-1")
_rule("CMI5-OBJECTIVE-UNKNOWN", "error",
      "« {value} » (objectives/objective@idref) ne désigne aucun objectif déclaré dans <objectives> du cours.",
      "'{value}' (objectives/objective@idref) names no objective declared in the course's <objectives>.",
      CMI5 + " 13.1.3 (objective idref)")
_rule("CMI5-URL-INVALID", "error",
      "L'URL de lancement « {url} » n'est pas valide ({reason}).",
      "Launch URL '{url}' is not valid ({reason}).",
      CMI5 + " 13.1.4.0-2")
_rule("CMI5-RESERVED-PARAMETER", "error",
      "L'URL de lancement « {url} » contient le paramètre « {name} », réservé au lancement cmi5.",
      "Launch URL '{url}' contains parameter '{name}', which the cmi5 launch reserves.",
      CMI5 + " 8.1.0.0-6")
_rule("CMI5-RELATIVE-URL-STANDALONE", "error",
      "L'URL de lancement « {url} » est relative alors que cmi5.xml est livré seul : elle doit être absolue.",
      "Launch URL '{url}' is relative but cmi5.xml is delivered on its own: it must be absolute.",
      CMI5 + " 14.2.0.0-1")
_rule("CMI5-URL-MISSING", "error",
      "L'URL de lancement « {url} » désigne un fichier absent du zip.",
      "Launch URL '{url}' names a file missing from the zip.",
      CMI5 + " 14.1.0.0-4")
_rule("CMI5-MASTERY-IGNORED", "warning",
      "masteryScore est défini mais moveOn vaut « {move_on} » : le score de maîtrise ne décidera jamais de la réussite.",
      "masteryScore is set but moveOn is '{move_on}': the mastery score will never decide success.",
      CMI5 + " 13.1.4 (masteryScore with moveOn)")
_rule("CMI5-MOVEON-NOT-APPLICABLE", "info",
      "moveOn vaut « NotApplicable » : cet AU est satisfait dès l'inscription, sans rien faire.",
      "moveOn is 'NotApplicable': this AU is satisfied as soon as the learner registers, without doing anything.",
      CMI5 + " 13.1.4 (moveOn)")
_rule("CMI5-EXTERNAL-URL", "warning",
      "L'AU « {value} » se lance depuis « {url} », hors du paquet : il ne fonctionnera pas hors ligne.",
      "AU '{value}' launches from '{url}', outside the package: it will not work offline.",
      CMI5 + " 13.1.4 (AU url)")

# --- tincan.xml ---------------------------------------------------------------------------------
TINCAN = "tincan.xml (Rustici package descriptor)"
_rule("XAPI-NOT-TINCAN", "error",
      "L'élément racine est {root} : attendu <tincan xmlns=\"http://projecttincan.com/tincan.xsd\">.",
      "The root element is {root}: expected <tincan xmlns=\"http://projecttincan.com/tincan.xsd\">.",
      TINCAN)
_rule("XAPI-NO-ACTIVITY", "error",
      "tincan.xml ne déclare aucune <activity>.",
      "tincan.xml declares no <activity>.",
      TINCAN + ", <activities>")
_rule("XAPI-ACTIVITY-ID", "error",
      "L'activité a l'identifiant « {value} », qui n'est pas une IRI absolue.",
      "The activity has id '{value}', which is not an absolute IRI.",
      TINCAN + ", <activity id> (xAPI 1.0.3 activity id IRI)")
_rule("XAPI-DUPLICATE-ACTIVITY", "error",
      "L'activité « {value} » est déclarée deux fois (déjà ligne {first}).",
      "Activity '{value}' is declared twice (first on line {first}).",
      TINCAN + ", <activity id> (unique)")
_rule("XAPI-ACTIVITY-TYPE", "warning",
      "Le type d'activité « {value} » n'est pas une IRI absolue.",
      "Activity type '{value}' is not an absolute IRI.",
      TINCAN + ", <activity type>")
_rule("XAPI-NO-NAME", "warning",
      "L'activité « {value} » n'a pas de <name> : la plateforme l'affichera sous son identifiant.",
      "Activity '{value}' has no <name>: the platform will show its id instead.",
      TINCAN + ", <activity><name>")
_rule("XAPI-NO-LAUNCH", "error",
      "Aucune activité n'a d'élément <launch> : la plateforme ne sait pas quoi ouvrir.",
      "No activity has a <launch> element: the platform does not know what to open.",
      TINCAN + ", <activity><launch>")
_rule("XAPI-LAUNCH-MISSING", "error",
      "Le fichier de lancement « {url} » est absent du paquet.",
      "Launch file '{url}' is missing from the package.",
      TINCAN + ", <launch> (file within the package)")
_rule("XAPI-LAUNCH-INVALID", "error",
      "Le lancement « {url} » n'est pas valide ({reason}).",
      "Launch '{url}' is not valid ({reason}).",
      TINCAN + ", <launch>")
_rule("XAPI-LANG", "warning",
      "lang=\"{value}\" n'est pas une étiquette de langue BCP 47 valide.",
      "lang=\"{value}\" is not a valid BCP 47 language tag.",
      TINCAN + ", lang (RFC 5646)")

# --- content ------------------------------------------------------------------------------------
_rule("HTML-MALFORMED", "warning",
      "HTML mal formé : {detail}.",
      "Malformed HTML: {detail}.",
      "HTML Living Standard, 13.2 (parsing)")
_rule("HTML-ENCODING", "warning",
      "La page n'est pas en UTF-8 et ne déclare pas son encodage : les accents s'afficheront mal.",
      "The page is not UTF-8 and does not declare its encoding: accented letters will display wrongly.",
      "HTML Living Standard, 4.2.5.4 (character encoding declaration)")
_rule("HTML-LANG-MISSING", "warning",
      "<html> n'a pas d'attribut lang : les lecteurs d'écran liront la page avec la mauvaise voix.",
      "<html> has no lang attribute: screen readers will read the page with the wrong voice.",
      WCAG + " 3.1.1 Language of Page (RGAA 8.3)")
_rule("HTML-LANG-INVALID", "warning",
      "lang=\"{value}\" n'est pas une étiquette de langue BCP 47 valide.",
      "lang=\"{value}\" is not a valid BCP 47 language tag.",
      WCAG + " 3.1.1 Language of Page (RGAA 8.4)")
_rule("HTML-TITLE-MISSING", "warning",
      "La page n'a pas de <title>.",
      "The page has no <title>.",
      WCAG + " 2.4.2 Page Titled (RGAA 8.5)")
_rule("HTML-IMG-ALT", "warning",
      "L'image « {src} » n'a pas d'attribut alt (alt=\"\" si elle est décorative).",
      "Image '{src}' has no alt attribute (alt=\"\" if it is decorative).",
      WCAG + " 1.1.1 Non-text Content (RGAA 1.1)")
_rule("HTML-IFRAME-TITLE", "warning",
      "L'iframe « {src} » n'a pas d'attribut title.",
      "Iframe '{src}' has no title attribute.",
      WCAG + " 4.1.2 Name, Role, Value (RGAA 2.1)")
_rule("HTML-MEDIA-CAPTIONS", "warning",
      "La vidéo « {src} » n'a pas de sous-titres (<track kind=\"captions\">).",
      "Video '{src}' has no captions (<track kind=\"captions\">).",
      WCAG + " 1.2.2 Captions (RGAA 4.3)")
_rule("HTML-AUDIO-TRANSCRIPT", "info",
      "L'audio « {src} » n'a pas de piste texte : prévoir une transcription à côté.",
      "Audio '{src}' has no text track: provide a transcript next to it.",
      WCAG + " 1.2.1 Audio-only (RGAA 4.1)")
_rule("CONTENT-EXTERNAL-RESOURCE", "warning",
      "<{element}> charge « {url} » depuis {host} : hors ligne la page casse, et chaque ouverture transmet l'adresse de l'apprenant à ce tiers.",
      "<{element}> loads '{url}' from {host}: offline the page breaks, and every visit sends the learner's address to that third party.",
      "RGPD art. 44 / offline LMS delivery (no third-party requests)")
_rule("CONTENT-EXTERNAL-LINK", "info",
      "Lien vers un site externe « {url} ».",
      "Link to an external site '{url}'.",
      "offline LMS delivery")
_rule("CONTENT-REF-MISSING", "error",
      "« {url} » est référencé mais absent du paquet.",
      "'{url}' is referenced but missing from the package.",
      "HTML Living Standard (URL resolution)")
_rule("CONTENT-REF-CASE", "error",
      "« {url} » n'existe pas avec cette casse ; le paquet contient « {actual} ».",
      "'{url}' does not exist with this case; the package holds '{actual}'.",
      "HTML Living Standard (URL resolution; servers are case-sensitive)")
_rule("CONTENT-REF-OUTSIDE", "error",
      "« {url} » sort du paquet (« / » initial ou « .. » de trop).",
      "'{url}' leaves the package (leading '/' or one '..' too many).",
      "HTML Living Standard (URL resolution)")
_rule("CONTENT-INSECURE", "warning",
      "« {url} » est chargé en http:// : une plateforme servie en https bloque ce contenu mixte.",
      "'{url}' is loaded over http://: a platform served over https blocks this mixed content.",
      "W3C Mixed Content (blockable)")
