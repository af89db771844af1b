"""The words of the home page and the catalogue, in French (default) and English."""

from __future__ import annotations

from validators.bilingual import choose

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "site": "Campus parcours",
        "skip": "Aller au contenu",
        "nav": "Navigation principale",
        "nav.home": "Accueil",
        "nav.catalogue": "Catalogue des cours",
        "nav.reports": "Rapports",
        "nav.reports.restricted": "Rapports (accès réservé : clé d'analyste)",
        "nav.about": "Informations techniques du LRS (/xapi/about, JSON)",
        "home.title": "Le pot commun des formations",
        "home.intro": (
            "Ce site est un LRS (Learning Record Store) xAPI : il reçoit et garde les traces "
            "d'apprentissage envoyées par les plateformes Moodle, dont Mentor, et publie un catalogue "
            "de cours sous licence ouverte, accessibles à tous, que chaque administration peut "
            "trouver, essayer, télécharger et réutiliser."
        ),
        "home.newest": "Derniers cours publiés",
        "home.all": "Voir tout le catalogue ({count} cours)",
        "home.none": "Aucun cours n'est encore publié. Publiez-en un avec « parcours publish PAQUET.zip ».",
        "home.private": "Le catalogue est réservé aux personnes munies d'une clé du LRS.",
        "home.lrs": "Pour les plateformes",
        "home.lrs.text": (
            "Point d'accès xAPI : {endpoint} (authentification HTTP Basic avec une clé et un secret "
            "du LRS). Versions prises en charge : 1.0.3 et 2.0.0."
        ),
        "catalogue.title": "Catalogue des cours",
        "catalogue.count": "{count} cours trouvés",
        "catalogue.count.one": "1 cours trouvé",
        "catalogue.count.none": "Aucun cours ne correspond à cette recherche.",
        "catalogue.page": "page {page} sur {pages}",
        "search": "Rechercher et filtrer",
        "search.q": "Mots à chercher (titre, résumé, mots-clés, auteurs)",
        "search.lang": "Langue",
        "search.licence": "Licence",
        "search.keyword": "Mot-clé",
        "search.duration": "Durée",
        "search.sort": "Trier par",
        "search.any": "Toutes",
        "search.apply": "Rechercher",
        "search.reset": "Effacer les filtres",
        "sort.newest": "Les plus récents",
        "sort.title": "Titre (A à Z)",
        "band.short": "Moins de 30 min",
        "band.medium": "De 30 min à 2 h",
        "band.long": "Plus de 2 h",
        "band.unknown": "Durée non indiquée",
        "pagination": "Pages de résultats",
        "pagination.previous": "Page précédente",
        "pagination.next": "Page suivante",
        "pagination.page": "Page {page}",
        "field.languages": "Langues",
        "field.duration": "Durée",
        "field.licence": "Licence",
        "field.authors": "Auteurs",
        "field.modules": "Modules",
        "field.formats": "Formats",
        "field.updated": "Mise à jour",
        "field.version": "Version",
        "field.keywords": "Mots-clés",
        "field.iri": "Identifiant (IRI)",
        "unknown": "non indiquée",
        "course.about": "À propos du cours",
        "course.modules": "Modules",
        "course.pages": "{count} pages",
        "course.pages.one": "1 page",
        "course.questions": "{count} questions",
        "course.questions.one": "1 question",
        "course.questions.none": "pas de quiz",
        "course.module_pages": "Pages du module « {name} »",
        "course.accessibility": "Déclaration d'accessibilité",
        "course.accessibility.none": "Ce paquet ne contient pas de déclaration d'accessibilité.",
        "course.downloads": "Télécharger",
        "course.downloads.intro": "Chaque fichier est le paquet exact publié (empreinte SHA-256 indiquée).",
        "course.download": "Télécharger le paquet {format}",
        "course.download.detail": "{size}, SHA-256 {sha256}",
        "course.try": "Essayer le cours",
        "course.try.link": "Essayer le cours dans le navigateur",
        "course.try.none": "Aucune version web n'a été publiée pour ce cours.",
        "course.import": "Importer dans Moodle ou Mentor",
        "course.versions": "Autres versions publiées",
        "try.title": "Essai : {name}",
        "try.frame": "Aperçu du cours « {name} »",
        "try.back": "Retour à la fiche du cours",
        "try.note": "Aperçu sans plateforme : la progression reste dans ce navigateur et n'est pas envoyée au LRS.",
        "format.scorm12": "SCORM 1.2",
        "format.scorm2004": "SCORM 2004 (4e édition)",
        "format.cmi5": "cmi5",
        "format.xapi": "xAPI (tincan.xml)",
        "format.web": "Site web (aperçu)",
        "import.scorm12": (
            "Format conseillé pour Mentor. Dans le cours Moodle, activer le mode édition, « Ajouter une "
            "activité ou ressource », choisir « Paquetage SCORM », déposer le fichier .zip, puis enregistrer."
        ),
        "import.scorm2004": (
            "Comme SCORM 1.2 (activité « Paquetage SCORM ») ; Moodle lit SCORM 2004 de façon partielle : "
            "préférez SCORM 1.2 si la plateforme le demande."
        ),
        "import.cmi5": (
            "Nécessite le plugin Moodle « cmi5 Launch » (mod_cmi5launch) relié à ce LRS : ajouter une activité "
            "« cmi5 Launch Link » et déposer le fichier .zip."
        ),
        "import.xapi": (
            "Nécessite le plugin Moodle « xAPI Launch Link » (mod_tincanlaunch) : ajouter l'activité, indiquer "
            "le point d'accès de ce LRS, sa clé et son secret, puis déposer le fichier .zip."
        ),
        "import.web": (
            "Site autonome, sans suivi : le décompresser sur un serveur web, ou le déposer dans Moodle comme "
            "ressource « Fichier » ou « Dossier »."
        ),
        "a11y.standard": "Référentiel",
        "a11y.date": "Date du contrôle",
        "a11y.result": "Résultat",
        "a11y.checks": "Contrôles effectués",
        "a11y.check": "Contrôle",
        "a11y.checked": "Éléments vérifiés",
        "result.passed": "conforme",
        "result.failed": "non conforme",
        "try.own_page": "Ouvrir l'aperçu dans sa propre page",
        "import.other": "Paquet publié tel quel : l'importer selon son format dans la plateforme.",
        "data.download": "Ces résultats en données :",
        "data.course": "Ce cours en données (modules en CSV) :",
        "error.title": "Page introuvable ou requête invalide",
        "error.course": "Cours introuvable : « {value} ».",
        "error.format": "Ce cours n'a pas de paquet au format « {value} ».",
        "error.version": "Version inconnue pour ce cours : « {value} ».",
        "error.page": "page : nombre entier positif attendu, reçu « {value} ».",
        "error.choice": "{field} : valeur inconnue « {value} » (attendu : {choices}).",
        "error.extension": "format inconnu « {value} » (html, json ou csv).",
        "error.file": "Fichier absent de la version web : « {value} ».",
        "error.blob": "Le fichier de ce paquet est introuvable dans le stockage du LRS.",
    },
    "en": {
        "site": "parcours campus",
        "skip": "Skip to content",
        "nav": "Main navigation",
        "nav.home": "Home",
        "nav.catalogue": "Course catalogue",
        "nav.reports": "Reports",
        "nav.reports.restricted": "Reports (restricted: analyst key)",
        "nav.about": "LRS technical information (/xapi/about, JSON)",
        "home.title": "The shared pool of courses",
        "home.intro": (
            "This site is an xAPI LRS (Learning Record Store): it receives and keeps the learning records "
            "sent by Moodle platforms, Mentor among them, and publishes a catalogue of openly licensed, "
            "accessible courses that every administration can find, try, download and re-use."
        ),
        "home.newest": "Newest courses",
        "home.all": "See the whole catalogue ({count} courses)",
        "home.none": "No course is published yet. Publish one with “parcours publish PACKAGE.zip”.",
        "home.private": "The catalogue is open to holders of an LRS key only.",
        "home.lrs": "For platforms",
        "home.lrs.text": (
            "xAPI endpoint: {endpoint} (HTTP Basic authentication with an LRS key and secret). "
            "Supported versions: 1.0.3 and 2.0.0."
        ),
        "catalogue.title": "Course catalogue",
        "catalogue.count": "{count} courses found",
        "catalogue.count.one": "1 course found",
        "catalogue.count.none": "No course matches this search.",
        "catalogue.page": "page {page} of {pages}",
        "search": "Search and filter",
        "search.q": "Words to search (title, summary, keywords, authors)",
        "search.lang": "Language",
        "search.licence": "Licence",
        "search.keyword": "Keyword",
        "search.duration": "Duration",
        "search.sort": "Sort by",
        "search.any": "All",
        "search.apply": "Search",
        "search.reset": "Clear the filters",
        "sort.newest": "Newest first",
        "sort.title": "Title (A to Z)",
        "band.short": "Under 30 min",
        "band.medium": "30 min to 2 h",
        "band.long": "Over 2 h",
        "band.unknown": "Duration not stated",
        "pagination": "Result pages",
        "pagination.previous": "Previous page",
        "pagination.next": "Next page",
        "pagination.page": "Page {page}",
        "field.languages": "Languages",
        "field.duration": "Duration",
        "field.licence": "Licence",
        "field.authors": "Authors",
        "field.modules": "Modules",
        "field.formats": "Formats",
        "field.updated": "Updated",
        "field.version": "Version",
        "field.keywords": "Keywords",
        "field.iri": "Identifier (IRI)",
        "unknown": "not stated",
        "course.about": "About the course",
        "course.modules": "Modules",
        "course.pages": "{count} pages",
        "course.pages.one": "1 page",
        "course.questions": "{count} questions",
        "course.questions.one": "1 question",
        "course.questions.none": "no quiz",
        "course.module_pages": "Pages of the module “{name}”",
        "course.accessibility": "Accessibility statement",
        "course.accessibility.none": "This package carries no accessibility statement.",
        "course.downloads": "Download",
        "course.downloads.intro": "Each file is the exact package published (its SHA-256 is shown).",
        "course.download": "Download the {format} package",
        "course.download.detail": "{size}, SHA-256 {sha256}",
        "course.try": "Try the course",
        "course.try.link": "Try the course in the browser",
        "course.try.none": "No web build was published for this course.",
        "course.import": "Import into Moodle or Mentor",
        "course.versions": "Other published versions",
        "try.title": "Trying: {name}",
        "try.frame": "Preview of the course “{name}”",
        "try.back": "Back to the course page",
        "try.note": "Preview without a platform: progress stays in this browser and is not sent to the LRS.",
        "format.scorm12": "SCORM 1.2",
        "format.scorm2004": "SCORM 2004 (4th edition)",
        "format.cmi5": "cmi5",
        "format.xapi": "xAPI (tincan.xml)",
        "format.web": "Web site (preview)",
        "import.scorm12": (
            "The format to use on Mentor. In the Moodle course, turn editing on, “Add an activity or "
            "resource”, choose “SCORM package”, drop the .zip file, then save."
        ),
        "import.scorm2004": (
            "As SCORM 1.2 (“SCORM package” activity); Moodle supports SCORM 2004 only in part: prefer "
            "SCORM 1.2 when the platform asks for it."
        ),
        "import.cmi5": (
            "Needs the Moodle plugin “cmi5 Launch” (mod_cmi5launch) connected to this LRS: add a “cmi5 Launch "
            "Link” activity and drop the .zip file."
        ),
        "import.xapi": (
            "Needs the Moodle plugin “xAPI Launch Link” (mod_tincanlaunch): add the activity, give it this "
            "LRS's endpoint, key and secret, then drop the .zip file."
        ),
        "import.web": (
            "A stand-alone site without tracking: unzip it on a web server, or add it to Moodle as a "
            "“File” or “Folder” resource."
        ),
        "a11y.standard": "Standard",
        "a11y.date": "Checked on",
        "a11y.result": "Result",
        "a11y.checks": "Checks made",
        "a11y.check": "Check",
        "a11y.checked": "Items checked",
        "result.passed": "passed",
        "result.failed": "failed",
        "try.own_page": "Open the preview in its own page",
        "import.other": "Package published as is: import it into the platform as its format requires.",
        "data.download": "These results as data:",
        "data.course": "This course as data (modules as CSV):",
        "error.title": "Page not found or invalid request",
        "error.course": "No such course: “{value}”.",
        "error.format": "This course has no package in the format “{value}”.",
        "error.version": "Unknown version of this course: “{value}”.",
        "error.page": "page: expected a positive whole number, got “{value}”.",
        "error.choice": "{field}: unknown value “{value}” (expected: {choices}).",
        "error.extension": "unknown format “{value}” (html, json or csv).",
        "error.file": "No such file in the web build: “{value}”.",
        "error.blob": "This package's file is missing from the LRS's storage.",
    },
}


LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "fr": {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien",
           "pt": "portugais", "nl": "néerlandais", "br": "breton", "oc": "occitan", "eu": "basque"},
    "en": {"fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian",
           "pt": "Portuguese", "nl": "Dutch", "br": "Breton", "oc": "Occitan", "eu": "Basque"},
}


def language_name(lang: str, tag: str) -> str:
    """`fr` as a reader of `lang` names it; an unlisted tag as is."""
    return choose(lang, LANGUAGE_NAMES["fr"], LANGUAGE_NAMES["en"]).get(tag.split("-")[0].lower(), tag)


def known_or(lang: str, key: str, fallback: str) -> str:
    """The message `key`, or `fallback` when there is none (a value from a package)."""
    return choose(lang, MESSAGES["fr"], MESSAGES["en"]).get(key, fallback)


def format_name(lang: str, package_format: str) -> str:
    """`scorm2004` as a person reads it; a format without a name here as is."""
    return known_or(lang, "format." + package_format, package_format)


def text(lang: str, key: str, **values: object) -> str:
    catalogue = choose(lang, MESSAGES["fr"], MESSAGES["en"])
    return catalogue[key].format(**values) if values else catalogue[key]
