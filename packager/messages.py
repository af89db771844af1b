"""Every message the packager shows an author, in French and English."""

from __future__ import annotations

from validators.bilingual import Text

# code -> (French, English); str.format placeholders
CATALOGUE: dict[str, tuple[str, str]] = {
    # YAML and files
    "page_missing": ("fichier de page {file} introuvable", "page file {file} not found"),
    "quiz_missing": ("fichier de quiz {file} introuvable", "quiz file {file} not found"),
    "media_missing": ("fichier média {file} introuvable", "media file {file} not found"),
    "not_utf8": ("le fichier n'est pas en UTF-8", "the file is not UTF-8"),
    "yaml_duplicate_key": (
        "« {value} » est écrit deux fois au même niveau : gardez-en un (YAML garderait le dernier sans rien dire)",
        "'{value}' is written twice at the same level: keep one (YAML would silently keep the last)",
    ),
    "yaml_syntax": ("YAML invalide : {problem}", "invalid YAML: {problem}"),
    "yaml_colon": (
        "YAML invalide : deux-points en trop dans un texte ; mettez le texte entre guillemets "
        "(texte: \"Titre : suite\")",
        "invalid YAML: a colon too many in a text; put the text in quotes (text: \"Title: more\")",
    ),
    "yaml_tab": (
        "YAML invalide : tabulation interdite ; indentez avec des espaces",
        "invalid YAML: tab character; indent with spaces",
    ),
    "yaml_indentation": (
        "YAML invalide : indentation incohérente ; alignez les clés d'un même niveau avec le même nombre d'espaces",
        "invalid YAML: inconsistent indentation; align the keys of one level with the same number of spaces",
    ),
    "yaml_quote": (
        "YAML invalide : guillemet ouvert ici et jamais fermé",
        "invalid YAML: a quote opened here is never closed",
    ),
    "yaml_bracket": (
        "YAML invalide : « ] » manquant pour fermer la liste ouverte ici",
        "invalid YAML: ']' missing to close the list opened here",
    ),
    "yaml_brace": (
        "YAML invalide : « }} » manquant pour fermer le dictionnaire ouvert ici "
        "(ou un texte à mettre entre guillemets)",
        "invalid YAML: '}}' missing to close the mapping opened here (or a text to put in quotes)",
    ),
    "yaml_after_quote": (
        "YAML invalide : du texte suit un texte entre guillemets ; mettez toute la valeur entre guillemets",
        "invalid YAML: text follows a quoted text; put the whole value in quotes",
    ),
    "yaml_start_character": (
        "YAML invalide : un texte ne peut pas commencer par « {value} » ; mettez-le entre guillemets",
        "invalid YAML: a text cannot start with '{value}'; put it in quotes",
    ),
    "yaml_alias": (
        "YAML invalide : « * » en début de texte désigne un alias ; mettez le texte entre guillemets",
        "invalid YAML: '*' at the start of a text means an alias; put the text in quotes",
    ),
    "not_mapping": ("un dictionnaire (clé: valeur) est attendu", "a mapping (key: value) is expected"),
    "outside_course": (
        "le chemin {file} sort du dossier du cours",
        "path {file} leaves the course folder",
    ),
    "course_dir_missing": ("dossier de cours {dir} introuvable", "course folder {dir} not found"),
    "course_yaml_missing": (
        "course.yaml introuvable dans {dir}",
        "course.yaml not found in {dir}",
    ),
    # marshmallow, by meaning
    "required": ("champ obligatoire manquant", "missing required field"),
    "null": ("ce champ ne peut pas être vide", "this field may not be empty"),
    "unknown": ("champ inconnu", "unknown field"),
    "not_string": ("texte attendu", "text expected"),
    "not_number": ("nombre attendu", "number expected"),
    "not_number_hint": (
        "nombre attendu, sans guillemets, avec un point pour les décimales (64.5)",
        "number expected, without quotes, with a point for decimals (64.5)",
    ),
    "not_integer": ("nombre entier attendu", "integer expected"),
    "not_boolean": ("true ou false attendu", "true or false expected"),
    "not_list": ("liste attendue", "list expected"),
    "invalid": ("valeur invalide", "invalid value"),
    # values
    "map_lacks_language": (
        "le texte manque dans la langue du cours ({language}) ; langues données : {choices}"
        " (ou changez language: du cours)",
        "the text is missing in the course's language ({language}); languages given: {choices}"
        " (or change the course's language:)",
    ),
    "not_base_iri": (
        "« {value} » : les IRI des modules, pages et questions sont bâties sur cet id (<id>/modules/<clé>) ;"
        " il faut un IRI absolu avec un nom d'hôte (https://…), sans « ? » ni « # »",
        "'{value}': the IRIs of modules, pages and questions are built on this id (<id>/modules/<key>);"
        " it must be an absolute IRI with a host name (https://…), without '?' or '#'",
    ),
    "title_too_long": (
        "titre trop long : {max} caractères au plus (les manifestes SCORM n'en acceptent pas davantage)",
        "title too long: {max} characters at most (SCORM manifests accept no more)",
    ),
    "not_iri": (
        "« {value} » n'est pas un IRI absolu (https://…)",
        "'{value}' is not an absolute IRI (https://…)",
    ),
    "not_http_url": (
        "« {value} » n'est pas une adresse http:// ou https://",
        "'{value}' is not an http:// or https:// address",
    ),
    "report_key": (
        "clé attendue sous la forme clé:secret (parcours credentials create --course …)",
        "a key of the form key:secret is expected (parcours credentials create --course …)",
    ),
    "not_language": (
        "« {value} » n'est pas une étiquette de langue BCP 47 (fr, en, fr-FR…)",
        "'{value}' is not a BCP 47 language tag (fr, en, fr-FR…)",
    ),
    "not_duration": (
        "« {value} » n'est pas une durée ISO 8601 (PT1H30M…)",
        "'{value}' is not an ISO 8601 duration (PT1H30M…)",
    ),
    "not_date": (
        "« {value} » n'est pas une date AAAA-MM-JJ",
        "'{value}' is not a YYYY-MM-DD date",
    ),
    "not_key": (
        "« {value} » n'est pas une clé valide (lettres minuscules, chiffres, - et _, 1 à 40 caractères)",
        "'{value}' is not a valid key (lowercase letters, digits, - and _, 1 to 40 characters)",
    ),
    "out_of_range": (
        "doit être compris entre {min} et {max}",
        "must be between {min} and {max}",
    ),
    "positive": ("doit être strictement positif", "must be greater than zero"),
    "empty_text": ("le texte ne peut pas être vide", "text may not be empty"),
    "text_or_map": (
        "texte ou dictionnaire de langues ({{fr: …, en: …}}) attendu",
        "text or language map ({{fr: …, en: …}}) expected",
    ),
    "one_of": ("valeur attendue parmi : {choices}", "expected one of: {choices}"),
    "duplicate_key": ("clé « {value} » déjà utilisée", "key '{value}' is used twice"),
    "too_many_items": (
        "{max} propositions au plus par question (SCORM 1.2 désigne chacune par un seul caractère)",
        "{max} items at most in a question (SCORM 1.2 names each one by a single character)",
    ),
    "duplicate_id": (
        "id « {value} » déjà pris par le cours ou un autre module : chaque activité a son propre IRI",
        "id '{value}' is already the course's or another module's: each activity has its own IRI",
    ),
    "reserved_key": (
        "la clé « {value} » est réservée au quiz",
        "key '{value}' is reserved for the quiz",
    ),
    "empty_list": ("la liste ne peut pas être vide", "the list may not be empty"),
    "attempts_need_quiz": (
        "un nombre de tentatives n'a de sens qu'avec un quiz",
        "a number of attempts only makes sense with a quiz",
    ),
    "draw_too_many": (
        "draw ({value}) dépasse le nombre de questions ({count})",
        "draw ({value}) is more than the number of questions ({count})",
    ),
    "completion_needs_quiz": (
        "la règle d'achèvement « quiz » demande un quiz",
        "completion rule 'quiz' needs a quiz",
    ),
    "version_format": (
        "version attendue sous forme de texte (par ex. \"1.0\")",
        "version expected as text (e.g. \"1.0\")",
    ),
    # questions
    "no_correct_choice": ("aucune réponse marquée correct: true", "no choice marked correct: true"),
    "single_many_correct": (
        "question à réponse unique avec plusieurs réponses correctes (ajoutez multiple: true)",
        "single-answer question with several correct choices (add multiple: true)",
    ),
    "too_few_choices": ("au moins deux propositions sont nécessaires", "at least two choices are needed"),
    "unknown_id": ("identifiant « {value} » inconnu", "unknown id '{value}'"),
    "true_false": ("vrai ou faux attendu (true ou false)", "true or false expected (vrai or faux)"),
    "sequence_unknown": (
        "« {value} » n'est pas un élément de items ; éléments : {choices}",
        "'{value}' is not one of the items; items: {choices}",
    ),
    "sequence_repeated": ("« {value} » est cité plusieurs fois", "'{value}' is listed more than once"),
    "sequence_missing": (
        "answer ne cite pas {values} : chaque élément doit y figurer une fois, dans l'ordre correct",
        "answer leaves out {values}: every item must appear once, in the correct order",
    ),
    "matching_answer": (
        "answer doit associer chaque source à une cible",
        "answer must pair every source with a target",
    ),
    "numeric_answer": (
        "indiquez answer (valeur exacte) ou min et max",
        "give answer (exact value) or min and max",
    ),
    "range_order": ("min doit être inférieur ou égal à max", "min must be less than or equal to max"),
    "bad_id_chars": (
        "identifiant « {value} » invalide : lettres, chiffres, - et _ seulement",
        "invalid id '{value}': letters, digits, - and _ only",
    ),
    # Markdown
    "image_alt": (
        "image {file} sans texte alternatif : écrivez ![description](…)",
        "image {file} has no alt text: write ![description](…)",
    ),
    "image_type": (
        "{file} n'est pas une image (png, jpg, gif, svg, webp)",
        "{file} is not an image (png, jpg, gif, svg, webp)",
    ),
    "image_external": (
        "l'image {file} doit être dans le dossier du cours (aucune adresse externe)",
        "image {file} must be inside the course folder (no external address)",
    ),
    "media_external": (
        "le média {file} doit être dans le dossier du cours (aucune adresse externe)",
        "media {file} must be inside the course folder (no external address)",
    ),
    "media_captions": (
        "le média {file} doit avoir un fichier de sous-titres WebVTT (captions: …vtt)",
        "media {file} needs a WebVTT captions file (captions: …vtt)",
    ),
    "media_src_missing": (
        "bloc media : « src: » manquant (le chemin de la vidéo ou du son) ; clés possibles : {choices}",
        "media block: 'src:' missing (the path of the video or audio); possible keys: {choices}",
    ),
    "media_unknown_keys": (
        "bloc media : clé inconnue {value} ; clés possibles : {choices}",
        "media block: unknown key {value}; possible keys: {choices}",
    ),
    "media_fence_name": (
        "bloc « {value} » : un lecteur audio ou vidéo s'écrit ```media (ce bloc serait affiché comme du code)",
        "'{value}' block: an audio or video player is written ```media (this block would show as code)",
    ),
    "unclosed_admonition": (
        "encadré « {value} » jamais fermé : ajoutez une ligne « ::: » à sa fin (sinon il englobe toute la suite de la page)",
        "'{value}' admonition never closed: add a ':::' line at its end (else it takes in the rest of the page)",
    ),
    "media_block": (
        "bloc media invalide : {problem}",
        "invalid media block: {problem}",
    ),
    "media_type": (
        "type de média non pris en charge : {file} (audio : mp3, ogg, oga, opus, wav, m4a ; vidéo : mp4, webm, ogv)",
        "unsupported media type: {file} (audio: mp3, ogg, oga, opus, wav, m4a; video: mp4, webm, ogv)",
    ),
    "vtt_empty": (
        "{file} ne contient aucun sous-titre : ajoutez les répliques, avec leurs temps (00:00:01.000 --> 00:00:04.000)",
        "{file} holds no caption: add the cues, with their timings (00:00:01.000 --> 00:00:04.000)",
    ),
    "vtt_invalid": (
        "{file} n'est pas un fichier WebVTT (première ligne « WEBVTT » attendue)",
        "{file} is not a WebVTT file (first line 'WEBVTT' expected)",
    ),
    "empty_heading": (
        "titre vide : écrivez son texte après les « # », ou retirez la ligne",
        "empty heading: write its text after the '#', or remove the line",
    ),
    "page_needs_title": (
        "la page doit commencer par un titre de niveau 1 (# Titre)",
        "the page must start with a level 1 heading (# Title)",
    ),
    "second_h1": (
        "un seul titre de niveau 1 par page (utilisez ## pour les sous-parties)",
        "only one level 1 heading per page (use ## for sub-sections)",
    ),
    "heading_skip": (
        "titre de niveau {level} après un niveau {previous} : ne sautez pas de niveau",
        "level {level} heading after level {previous}: do not skip levels",
    ),
    "reference_missing": (
        "« {value} » introuvable (cherché en {file} dans le dossier du cours)",
        "'{value}' not found (looked for {file} in the course folder)",
    ),
    "page_type": (
        "type de page non pris en charge : {file} (Markdown .md, HTML .html, PDF .pdf)",
        "unsupported page type: {file} (Markdown .md, HTML .html, PDF .pdf)",
    ),
    "pdf_summary": (
        "un PDF utilisé comme page demande un résumé en texte (summary: …) pour qui ne peut pas lire le PDF",
        "a PDF used as a page needs a text summary (summary: …) for those who cannot read the PDF",
    ),
    "page_title_needed": (
        "donnez un titre à cette page (title: …) : {file} n'en a pas",
        "give this page a title (title: …): {file} has none",
    ),
    "files_missing": ("fichier ou dossier {file} introuvable", "file or folder {file} not found"),
    "raw_html": (
        "HTML non autorisé : {value} ; permis : {choices} (sans attributs style ni on…)",
        "HTML not allowed: {value}; allowed: {choices} (no style or on… attributes)",
    ),
    "package_warning": ("  avertissement : {finding}", "  warning: {finding}"),
    "link_to_source": (
        "lien vers {file} : une page Markdown ou un fichier YAML est une source du cours, pas un document"
        " à ouvrir (un quiz y montrerait ses réponses) ; nommez la page à lire, ou liez un PDF ou une page HTML",
        "link to {file}: a Markdown page or a YAML file is course source, not a document to open (a quiz would"
        " show its answers); name the page to read instead, or link a PDF or an HTML page",
    ),
    "link_missing": ("lien vers {file} : fichier introuvable", "link to {file}: file not found"),
    "unknown_admonition": (
        "encadré « {value} » inconnu ; choix : {choices}",
        "unknown admonition '{value}'; choices: {choices}",
    ),
    # build
    "unknown_format": (
        "format inconnu « {value} » ; choix : {choices}",
        "unknown format '{value}'; choices: {choices}",
    ),
    "package_invalid": (
        "le paquet {file} ne passe pas la validation :",
        "package {file} fails validation:",
    ),
    "built": ("paquet écrit : {file}", "package written: {file}"),
    "simulated": (
        "{count} déclarations de {learners} apprenants écrites dans {file}",
        "{count} statements of {learners} learners written to {file}",
    ),
    "preview_url": (
        "Aperçu sur {url} (Ctrl+C pour arrêter)",
        "Preview at {url} (Ctrl+C to stop)",
    ),
    "preview_built": ("cours construit (version {generation})", "course built (version {generation})"),
    "preview_failed": (
        "la construction a échoué ; l'aperçu garde la dernière version réussie :",
        "the build failed; the preview keeps the last good version:",
    ),
    "out_not_dir": (
        "{dir} existe et n'est pas un dossier",
        "{dir} exists and is not a folder",
    ),
}


def msg(code: str, **params: object) -> Text:
    """The message `code` with its parameters filled in, in both languages."""
    fr, en = CATALOGUE[code]
    return Text(fr, en).fill(**params)
