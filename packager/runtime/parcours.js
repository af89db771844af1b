/*
 * parcours learner-side runtime.
 *
 * Shipped inside every package built by parcours. It reads the module's
 * configuration (#pc-config), shows one page at a time, scores the quiz and
 * reports to whatever launched the module: a SCORM 1.2 or 2004 LMS, a cmi5
 * LMS, a plain xAPI (Tin Can launch) LRS, or nothing at all (web preview).
 *
 * The markup and the configuration it relies on are described in
 * docs/runtime-contract.md. Plain ES2017, no dependencies, and no network
 * access other than the LMS API or the LRS given at launch.
 */
(function () {
  "use strict";

  /* ------------------------------------------------------------------ *
   * 1. Interface strings (the package's own strings take precedence)     *
   * ------------------------------------------------------------------ */

  var DEFAULT_STRINGS = {
    fr: {
      next: "Suivant",
      previous: "Précédent",
      submit: "Valider",
      progress: "Page {current} sur {total}",
      correct: "Bonne réponse.",
      incorrect: "Réponse incorrecte.",
      answer_required: "Répondez à la question avant de valider.",
      invalidNumber: "Saisissez un nombre, par exemple 12 ou 3,5.",
      invalidSequence: "Donnez un rang différent à chaque élément.",
      incompleteQuiz: "{count} question(s) sans réponse valide : complétez-les puis validez à nouveau.",
      score: "Score : {score} %",
      passed: "Module réussi.",
      failed: "Score insuffisant : relisez le module et réessayez.",
      completed: "Module terminé.",
      retry: "Réessayer",
      noLms: "Aucune plateforme de formation n’a été détectée : votre progression est conservée sur cet appareil uniquement.",
      lmsError: "La liaison avec la plateforme de formation a échoué : votre progression risque de ne pas être enregistrée.",
      exit: "Quitter le module"
    },
    en: {
      next: "Next",
      previous: "Previous",
      submit: "Submit",
      progress: "Page {current} of {total}",
      correct: "Correct.",
      incorrect: "Incorrect.",
      answer_required: "Answer the question before submitting.",
      invalidNumber: "Enter a number, for example 12 or 3.5.",
      invalidSequence: "Give each item a different rank.",
      incompleteQuiz: "{count} question(s) without a valid answer: complete them, then submit again.",
      score: "Score: {score}%",
      passed: "Module passed.",
      failed: "Score too low: review the module and try again.",
      completed: "Module completed.",
      retry: "Try again",
      noLms: "No learning platform was found: your progress is kept on this device only.",
      lmsError: "The connection to the learning platform failed: your progress may not be saved.",
      exit: "Exit module"
    }
  };

  function makeStrings(config) {
    var lang = String(config.language || "fr").toLowerCase().split("-")[0];
    var base = DEFAULT_STRINGS[lang] || DEFAULT_STRINGS.fr;
    var own = config.strings || {};
    return function text(key, vars) {
      var template = typeof own[key] === "string" ? own[key] : base[key] || key;
      return template.replace(/\{(\w+)\}/g, function (whole, name) {
        return vars && vars[name] !== undefined ? String(vars[name]) : whole;
      });
    };
  }

  /* ------------------------------------------------------------------ *
   * 2. Time formats, identifiers, warnings                              *
   * ------------------------------------------------------------------ */

  function pad(value, width) {
    var s = String(value);
    while (s.length < width) s = "0" + s;
    return s;
  }

  // Splits a duration into whole hours, minutes, seconds and hundredths.
  function splitDuration(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000);
    cs -= h * 360000;
    var m = Math.floor(cs / 6000);
    cs -= m * 6000;
    var s = Math.floor(cs / 100);
    return { h: h, m: m, s: s, cs: cs - s * 100 };
  }

  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS
  function scorm12Timespan(ms) {
    var d = splitDuration(ms);
    return pad(Math.min(d.h, 9999), 4) + ":" + pad(d.m, 2) + ":" + pad(d.s, 2) + "." + pad(d.cs, 2);
  }

  // ISO 8601 duration (SCORM 2004 timeinterval, xAPI result.duration): PT1H2M3.45S
  function isoDuration(ms) {
    var d = splitDuration(ms);
    return "PT" + (d.h ? d.h + "H" : "") + (d.m ? d.m + "M" : "") + d.s + "." + pad(d.cs, 2) + "S";
  }

  // SCORM 1.2 CMITime: the local time of day, HH:MM:SS
  function scorm12TimeOfDay(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  // SCORM 2004 time(second,10,0): at most two decimals of seconds.
  function scorm2004Timestamp(date) {
    return date.toISOString().slice(0, 22) + "Z";
  }

  function uuid() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = "";
    for (var i = 0; i < 16; i++) {
      hex += (bytes[i] + 0x100).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += "-";
    }
    return hex;
  }

  function round(value, digits) {
    var f = Math.pow(10, digits);
    return Math.round(value * f) / f;
  }

  function warn(message, detail) {
    if (window.console && console.warn) console.warn("parcours: " + message, detail === undefined ? "" : detail);
  }

  function languageMap(config, value) {
    var map = {};
    map[config.language || "fr"] = String(value || "");
    return map;
  }

  /* ------------------------------------------------------------------ *
   * 3. Responses: reading the form, checking, scoring                    *
   *    Responses are kept in the xAPI correctResponsesPattern format.    *
   * ------------------------------------------------------------------ */

  var LIST = "[,]";
  var PAIR = "[.]";

  function controlsOf(form, name) {
    var found = [];
    for (var i = 0; i < form.elements.length; i++) {
      if (form.elements[i].name === name) found.push(form.elements[i]);
    }
    return found;
  }

  // The <select> controls named "<question key>:<item id>" (matching, sequencing).
  function itemSelects(form, key) {
    var prefix = key + ":";
    var found = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && el.name.indexOf(prefix) === 0) found.push({ id: el.name.slice(prefix.length), el: el });
    }
    return found;
  }

  // Accepts "3,5", "3.5", "-2", "1 000": returns a canonical number string or null.
  function parseNumber(text) {
    var cleaned = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return null;
    return String(parseFloat(cleaned));
  }

  // Returns {value} with the xAPI-formatted response, or {error} naming the problem.
  function readResponse(form, q) {
    var key = q.key;
    if (q.type === "choice" || q.type === "true-false") {
      var picked = controlsOf(form, key).filter(function (el) { return el.checked; })
        .map(function (el) { return el.value; });
      return picked.length ? { value: picked.join(LIST) } : { error: "answer_required" };
    }
    if (q.type === "fill-in" || q.type === "numeric") {
      var input = controlsOf(form, key)[0];
      var raw = input ? input.value.trim() : "";
      if (!raw) return { error: "answer_required" };
      if (q.type === "fill-in") return { value: raw.replace(/\s+/g, " ") };
      var number = parseNumber(raw);
      return number === null ? { error: "invalidNumber" } : { value: number };
    }
    if (q.type === "matching") {
      var pairs = [];
      var items = itemSelects(form, key);
      for (var i = 0; i < items.length; i++) {
        if (!items[i].el.value) return { error: "answer_required" };
        pairs.push(items[i].id + PAIR + items[i].el.value);
      }
      return pairs.length ? { value: pairs.join(LIST) } : { error: "answer_required" };
    }
    if (q.type === "sequencing") {
      var ranked = itemSelects(form, key);
      var ranks = {};
      for (var j = 0; j < ranked.length; j++) {
        var rank = ranked[j].el.value;
        if (!rank) return { error: "answer_required" };
        if (ranks[rank]) return { error: "invalidSequence" };
        ranks[rank] = true;
      }
      if (!ranked.length) return { error: "answer_required" };
      ranked.sort(function (a, b) { return Number(a.el.value) - Number(b.el.value); });
      return { value: ranked.map(function (r) { return r.id; }).join(LIST) };
    }
    return { error: "answer_required" };
  }

  // Puts a saved response back into the form (resume).
  function writeResponse(form, q, value) {
    var key = q.key;
    var parts = String(value).split(LIST);
    if (q.type === "choice" || q.type === "true-false") {
      controlsOf(form, key).forEach(function (el) { el.checked = parts.indexOf(el.value) >= 0; });
    } else if (q.type === "fill-in" || q.type === "numeric") {
      var input = controlsOf(form, key)[0];
      if (input) input.value = q.type === "numeric" ? localNumber(value, q) : value;
    } else if (q.type === "matching") {
      var targets = {};
      parts.forEach(function (pair) {
        var st = pair.split(PAIR);
        targets[st[0]] = st[1];
      });
      itemSelects(form, key).forEach(function (item) {
        if (targets[item.id] !== undefined) item.el.value = targets[item.id];
      });
    } else if (q.type === "sequencing") {
      itemSelects(form, key).forEach(function (item) {
        var at = parts.indexOf(item.id);
        if (at >= 0) item.el.value = String(at + 1);
      });
    }
  }

  function localNumber(value, q) {
    return q.decimalComma === false ? value : String(value).replace(".", ",");
  }

  // Fill-in patterns may carry {case_matters=…}, {order_matters=…} or {lang=…} prefixes.
  function stripFillInPrefixes(pattern) {
    var caseMatters = null;
    var rest = String(pattern);
    var m;
    while ((m = /^\{(case_matters|order_matters|lang)=([^}]*)\}/.exec(rest))) {
      if (m[1] === "case_matters") caseMatters = m[2] === "true";
      rest = rest.slice(m[0].length);
    }
    return { text: rest, caseMatters: caseMatters };
  }

  function normalText(text, caseMatters) {
    var s = String(text).trim().replace(/\s+/g, " ");
    if (s.normalize) s = s.normalize("NFC");
    return caseMatters ? s : s.toLocaleLowerCase();
  }

  // Numeric patterns: "4[:]6", "[:]6", "4[:]", "5" (and the shorthand "4:6").
  function numericRange(pattern) {
    var p = String(pattern);
    var sep = p.indexOf("[:]") >= 0 ? "[:]" : p.indexOf(":") > 0 || p.charAt(0) === ":" ? ":" : null;
    if (!sep) {
      var exact = parseFloat(p);
      return { min: exact, max: exact };
    }
    var bounds = p.split(sep);
    return {
      min: bounds[0] === "" ? -Infinity : parseFloat(bounds[0]),
      max: bounds[1] === "" ? Infinity : parseFloat(bounds[1])
    };
  }

  function sameSet(a, b) {
    if (a.length !== b.length) return false;
    var sa = a.slice().sort();
    var sb = b.slice().sort();
    for (var i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
    return true;
  }

  function matchesPattern(q, pattern, response) {
    switch (q.type) {
      case "choice":
      case "matching":
        return sameSet(String(pattern).split(LIST), String(response).split(LIST));
      case "true-false":
      case "sequencing":
        return String(pattern) === String(response);
      case "fill-in":
        var p = stripFillInPrefixes(pattern);
        var caseMatters = p.caseMatters === null ? !!q.caseSensitive : p.caseMatters;
        return normalText(p.text, caseMatters) === normalText(response, caseMatters);
      case "numeric":
        var range = numericRange(pattern);
        var value = parseFloat(response);
        return !isNaN(value) && value >= range.min && value <= range.max;
      default:
        return false;
    }
  }

  function isCorrect(q, response) {
    return (q.correctResponsesPattern || []).some(function (p) { return matchesPattern(q, p, response); });
  }

  // All or nothing per question: the weights of right answers over all weights.
  function scoreQuiz(questions, results) {
    var total = 0;
    var earned = 0;
    questions.forEach(function (q) {
      var weight = typeof q.weight === "number" ? q.weight : 1;
      total += weight;
      if (results[q.key]) earned += weight;
    });
    return total > 0 ? earned / total : 0;
  }

  // xAPI numeric patterns use "[:]"; accepts the "4:6" shorthand and rewrites it.
  function xapiPattern(q, pattern) {
    if (q.type !== "numeric") return String(pattern);
    var r = numericRange(pattern);
    if (r.min === r.max) return String(r.min);
    return (r.min === -Infinity ? "" : r.min) + "[:]" + (r.max === Infinity ? "" : r.max);
  }

  /* ------------------------------------------------------------------ *
   * 4. Response formats for SCORM 1.2 and SCORM 2004                     *
   * ------------------------------------------------------------------ */

  // SCORM 1.2 identifies choices by single characters (0-9, a-z): the ids are
  // kept when they already are, else replaced by their position's letter.
  function singleCharMap(ids) {
    var map = {};
    var ok = ids.every(function (id) { return /^[0-9a-z]$/.test(id); });
    var letters = "abcdefghijklmnopqrstuvwxyz0123456789";
    ids.forEach(function (id, i) { map[id] = ok ? id : letters.charAt(i % letters.length); });
    return map;
  }

  function ids(list) {
    return (list || []).map(function (c) { return c.id; });
  }

  function toScorm12(q, value) {
    var parts = String(value).split(LIST);
    switch (q.type) {
      case "true-false":
        return value === "true" ? "t" : "f";
      case "choice":
      case "sequencing":
        var chars = singleCharMap(ids(q.choices));
        return parts.map(function (id) { return chars[id] || id; }).join(",");
      case "matching":
        var s = singleCharMap(ids(q.source));
        var t = singleCharMap(ids(q.target));
        return parts.map(function (pair) {
          var st = pair.split(PAIR);
          return (s[st[0]] || st[0]) + "." + (t[st[1]] || st[1]);
        }).join(",");
      case "fill-in":
        return stripFillInPrefixes(value).text.slice(0, 255);
      default:
        return String(value);
    }
  }

  // SCORM 1.2 has no numeric range format: only an exact value is reported.
  function scorm12Pattern(q, pattern) {
    if (q.type !== "numeric") return toScorm12(q, pattern);
    var r = numericRange(pattern);
    return r.min === r.max ? String(r.min) : null;
  }

  function scorm2004Pattern(q, pattern) {
    if (q.type === "numeric") {
      var r = numericRange(pattern);
      return (r.min === -Infinity ? "" : r.min) + "[:]" + (r.max === Infinity ? "" : r.max);
    }
    if (q.type === "fill-in") {
      var p = stripFillInPrefixes(pattern);
      var caseMatters = p.caseMatters === null ? !!q.caseSensitive : p.caseMatters;
      return "{case_matters=" + caseMatters + "}" + p.text;
    }
    return String(pattern);
  }

  /* ------------------------------------------------------------------ *
   * 5. Suspend data: compact JSON of the learner's progress              *
   * ------------------------------------------------------------------ */

  var SCORM12_SUSPEND_LIMIT = 4096;

  // Seen pages as page keys ("intro,quiz"), or, when that is too long, as one
  // character a page in course order ("!1101").
  function encodeProgress(p, limit, pageKeys) {
    var data = { v: 1, c: p.current, s: p.seen.join(","), a: p.answers, b: p.best, n: p.attempts, r: p.reported };
    var text = JSON.stringify(data);
    if (limit && text.length > limit) {
      // Answers only refill the form on resume: the first thing to let go.
      delete data.a;
      text = JSON.stringify(data);
    }
    if (limit && text.length > limit) {
      data.s = "!" + pageKeys.map(function (k) { return p.seen.indexOf(k) >= 0 ? "1" : "0"; }).join("");
      text = JSON.stringify(data);
    }
    return text;
  }

  function decodeSeen(value, pageKeys) {
    var s = String(value || "");
    if (s.charAt(0) === "!") {
      return pageKeys.filter(function (k, i) { return s.charAt(i + 1) === "1"; });
    }
    return s.split(",").filter(function (k) { return pageKeys.indexOf(k) >= 0; });
  }

  function decodeProgress(text, pageKeys) {
    if (!text) return null;
    try {
      var data = JSON.parse(text);
      if (!data || data.v !== 1) return null;
      return {
        current: pageKeys.indexOf(data.c) >= 0 ? data.c : null,
        seen: decodeSeen(data.s, pageKeys),
        answers: data.a && typeof data.a === "object" ? data.a : {},
        best: typeof data.b === "number" ? data.b : null,
        attempts: typeof data.n === "number" ? data.n : 0,
        reported: data.r && typeof data.r === "object" ? data.r : {}
      };
    } catch (e) {
      return null;
    }
  }

  /* ------------------------------------------------------------------ *
   * 6. SCORM API discovery (parent frames, then the opener's)            *
   * ------------------------------------------------------------------ */

  var MAX_FRAME_DEPTH = 10;

  function apiIn(win, name) {
    try {
      return win && win[name] ? win[name] : null;
    } catch (e) {
      return null; // a frame from another origin
    }
  }

  function searchChain(win, name) {
    for (var depth = 0; win && depth <= MAX_FRAME_DEPTH; depth++) {
      var api = apiIn(win, name);
      if (api) return api;
      var parent;
      try {
        parent = win.parent;
      } catch (e) {
        return null;
      }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  function findApi(name) {
    var api = searchChain(window, name);
    if (api) return api;
    try {
      var top = window.top;
      var opener = top && top.opener;
      return opener ? searchChain(opener, name) : null;
    } catch (e) {
      return null;
    }
  }

  /* ------------------------------------------------------------------ *
   * 7. Reporters: one per format, all with the same methods              *
   *    start() -> Promise<launch|null>, launch = {suspend, location,   *
   *      mastery, and optionally returnURL, restoreReported(flags)}     *
   *    progress(snapshot), interaction(record), result(snapshot),       *
   *    flush(), finish(snapshot), broken()                              *
   * ------------------------------------------------------------------ */

  function scormCaller(api, names) {
    var broken = false;
    function call(method, args) {
      try {
        var result = api[names[method]].apply(api, args || []);
        if (String(result) === "false" || result === false) {
          var code = api[names.error]();
          warn(names[method] + " failed (" + code + ")", args ? args[0] : "");
          broken = broken || method === "init";
        }
        return result;
      } catch (e) {
        warn(names[method] + " threw", e && e.message);
        broken = true;
        return "";
      }
    }
    return {
      init: function () { return String(call("init", [""])) === "true"; },
      get: function (el) { return String(call("get", [el]) || ""); },
      set: function (el, value) { call("set", [el, String(value)]); },
      commit: function () { call("commit", [""]); },
      finish: function () { call("finish", [""]); },
      broken: function () { return broken; }
    };
  }

  /* SCORM 1.2 and 2004 run the same session; `version` writes each version's data model:
     review() (true once launch() found a review or browse mode), launch() -> launch,
     writeProgress(snap), writeInteraction(base, question, record), writeScore(scaled),
     writeExit(snap). */
  function scormReporter(lms, version) {
    return {
      suspendLimit: version.suspendLimit,
      start: function () {
        if (!lms.init()) return Promise.resolve(null);
        return Promise.resolve(version.launch());
      },
      progress: function (snap) {
        version.writeProgress(snap);
        lms.commit();
      },
      interaction: function (rec) {
        if (version.review()) return;
        var n = parseInt(lms.get("cmi.interactions._count"), 10) || 0;
        version.writeInteraction("cmi.interactions." + n + ".", rec.question, rec);
      },
      result: function (snap) {
        if (!version.review() && snap.scaled !== null) version.writeScore(snap.scaled);
        version.writeProgress(snap);
        lms.commit();
      },
      flush: function () { lms.commit(); },
      finish: function (snap) {
        version.writeProgress(snap);
        version.writeExit(snap);
        lms.commit();
        lms.finish();
      },
      broken: lms.broken
    };
  }

  function scorm12Reporter(api) {
    var lms = scormCaller(api, {
      init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue",
      commit: "LMSCommit", finish: "LMSFinish", error: "LMSGetLastError"
    });
    var review = false;
    var initialStatus = "";

    function status(snap) {
      if (snap.success === true) return "passed";
      if (snap.success === false) return "failed";
      if (snap.completed) return "completed";
      // Never take back a status the LMS already holds.
      return initialStatus === "completed" || initialStatus === "passed" ? null : "incomplete";
    }

    return scormReporter(lms, {
      suspendLimit: SCORM12_SUSPEND_LIMIT,
      review: function () { return review; },
      launch: function () {
        var mode = lms.get("cmi.core.lesson_mode");
        review = mode === "review" || mode === "browse";
        initialStatus = lms.get("cmi.core.lesson_status");
        var mastery = parseFloat(lms.get("cmi.student_data.mastery_score"));
        var resume = lms.get("cmi.core.entry") === "resume";
        if (!review && (initialStatus === "not attempted" || initialStatus === "")) {
          lms.set("cmi.core.lesson_status", "incomplete");
        }
        return {
          suspend: lms.get("cmi.suspend_data"),
          location: resume ? lms.get("cmi.core.lesson_location") : "",
          mastery: isNaN(mastery) ? null : mastery / 100
        };
      },
      writeProgress: function (snap) {
        lms.set("cmi.core.lesson_location", snap.location.slice(0, 255));
        lms.set("cmi.suspend_data", snap.suspend12);
        if (!review) {
          var s = status(snap);
          if (s) lms.set("cmi.core.lesson_status", s);
        }
      },
      writeInteraction: function (base, q, rec) {
        lms.set(base + "id", q.key.replace(/[^\w-]/g, "_").slice(0, 255));
        lms.set(base + "type", q.type);
        lms.set(base + "time", scorm12TimeOfDay(rec.at));
        lms.set(base + "weighting", typeof q.weight === "number" ? q.weight : 1);
        var pattern = (q.correctResponsesPattern || []).length ? scorm12Pattern(q, q.correctResponsesPattern[0]) : null;
        if (pattern !== null) lms.set(base + "correct_responses.0.pattern", pattern);
        lms.set(base + "student_response", toScorm12(q, rec.response).slice(0, 255));
        lms.set(base + "result", rec.correct ? "correct" : "wrong");
        lms.set(base + "latency", scorm12Timespan(rec.latencyMs));
      },
      writeScore: function (scaled) {
        lms.set("cmi.core.score.raw", round(scaled * 100, 2));
        lms.set("cmi.core.score.min", 0);
        lms.set("cmi.core.score.max", 100);
      },
      writeExit: function (snap) {
        lms.set("cmi.core.session_time", scorm12Timespan(snap.elapsedMs));
        lms.set("cmi.core.exit", snap.finished ? "" : "suspend");
      }
    });
  }

  function scorm2004Reporter(api) {
    var lms = scormCaller(api, {
      init: "Initialize", get: "GetValue", set: "SetValue",
      commit: "Commit", finish: "Terminate", error: "GetLastError"
    });
    var review = false;
    var initialCompletion = "";

    return scormReporter(lms, {
      suspendLimit: 64000,
      review: function () { return review; },
      launch: function () {
        review = lms.get("cmi.mode") !== "normal" && lms.get("cmi.mode") !== "";
        initialCompletion = lms.get("cmi.completion_status");
        var mastery = parseFloat(lms.get("cmi.scaled_passing_score"));
        var resume = lms.get("cmi.entry") === "resume";
        return {
          suspend: lms.get("cmi.suspend_data"),
          location: resume ? lms.get("cmi.location") : "",
          mastery: isNaN(mastery) ? null : mastery
        };
      },
      writeProgress: function (snap) {
        lms.set("cmi.location", snap.location.slice(0, 1000));
        lms.set("cmi.suspend_data", snap.suspend);
        if (review) return;
        lms.set("cmi.progress_measure", round(snap.progressMeasure, 4));
        if (snap.completed) lms.set("cmi.completion_status", "completed");
        else if (initialCompletion !== "completed") lms.set("cmi.completion_status", "incomplete");
        if (snap.success !== null) lms.set("cmi.success_status", snap.success ? "passed" : "failed");
      },
      writeInteraction: function (base, q, rec) {
        lms.set(base + "id", q.id || q.key);
        lms.set(base + "type", q.type);
        if (q.description) lms.set(base + "description", String(q.description).replace(/\{/g, "(").slice(0, 250));
        lms.set(base + "timestamp", scorm2004Timestamp(rec.at));
        lms.set(base + "weighting", typeof q.weight === "number" ? q.weight : 1);
        (q.correctResponsesPattern || []).forEach(function (p, i) {
          lms.set(base + "correct_responses." + i + ".pattern", scorm2004Pattern(q, p));
        });
        lms.set(base + "learner_response", rec.response);
        lms.set(base + "result", rec.correct ? "correct" : "incorrect");
        lms.set(base + "latency", isoDuration(rec.latencyMs));
      },
      writeScore: function (scaled) {
        lms.set("cmi.score.scaled", round(scaled, 4));
        lms.set("cmi.score.raw", round(scaled * 100, 2));
        lms.set("cmi.score.min", 0);
        lms.set("cmi.score.max", 100);
      },
      writeExit: function (snap) {
        lms.set("cmi.session_time", isoDuration(snap.elapsedMs));
        lms.set("cmi.exit", snap.finished ? "normal" : "suspend");
      }
    });
  }

  /* --- 7b. xAPI transport shared by the cmi5 and Tin Can reporters ---
   *
   * Every statement is written to a per-registration outbox in localStorage when
   * it is made (with its id), sent at once in order, one request at a time, and
   * removed only when the LRS has answered 2xx. What is left when the page goes
   * away leaves in a beacon (xAPI 1.0.3 alternate request syntax: a form POST,
   * which needs no CORS preflight), and stays in the outbox until the next launch
   * of the same module sends it again before anything new; the LRS keeps one
   * statement per id, so a statement sent twice is stored once. */

  var XAPI_VERSION = "1.0.3";
  var BOOKMARK_STATE = "https://w3id.org/xapi/parcours/state/bookmark";
  var BATCH_SIZE = 50;
  // Browsers refuse a beacon (and keep-alive requests) past 64 KiB in flight.
  var BEACON_LIMIT = 60000;
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 60000;
  // Answers that a later attempt may turn into a success: the statements wait.
  var RETRYABLE = { 401: true, 403: true, 408: true, 425: true, 429: true };

  // A JSON value kept in localStorage under `key`, or in memory when storage
  // is disabled or full (then it lasts as long as the page).
  function storedValue(key, empty) {
    var memory = null;
    return {
      get: function () {
        if (memory !== null) return clone(memory);
        try {
          var text = window.localStorage.getItem(key);
          return text ? JSON.parse(text) : clone(empty);
        } catch (e) {
          return clone(empty);
        }
      },
      set: function (value) {
        var isEmpty = value === null || (Array.isArray(value) && !value.length);
        try {
          if (isEmpty) window.localStorage.removeItem(key);
          else window.localStorage.setItem(key, JSON.stringify(value));
          memory = null;
        } catch (e) {
          memory = clone(value === null ? empty : value);
        }
      }
    };
  }

  // What identifies "the same module for the same learner and registration".
  function storageKey(kind, endpoint, activityId, registration, agentParam) {
    return "parcours:" + kind + ":" + [endpoint, activityId, registration || "", agentParam].join(" ");
  }

  function xapiClient(endpoint, authorization) {
    var base = endpoint.charAt(endpoint.length - 1) === "/" ? endpoint : endpoint + "/";

    function url(resource, params) {
      var query = Object.keys(params || {}).filter(function (k) { return params[k] !== undefined && params[k] !== null; })
        .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
      return base + resource + (query ? "?" + query : "");
    }

    // Resolves with the response whatever its status; rejects when the LRS is unreachable.
    function exchange(method, resource, params, body) {
      var headers = { "X-Experience-API-Version": XAPI_VERSION, Authorization: authorization };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      return fetch(url(resource, params), {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store"
      });
    }

    function request(method, resource, params, body) {
      return exchange(method, resource, params, body).then(function (response) {
        if (response.status === 404 && method === "GET") return null;
        if (!response.ok) throw new Error(method + " " + resource + ": HTTP " + response.status);
        var type = response.headers.get("Content-Type") || "";
        if (method !== "GET") return null;
        return type.indexOf("json") >= 0 ? response.json() : response.text();
      });
    }

    // The same request in the alternate syntax, as a beacon: it outlives the page
    // and, being a plain form, goes cross-origin without a preflight. False when
    // the browser would not take it (too big, or no sendBeacon).
    function beacon(method, resource, params, body) {
      var form = new URLSearchParams();
      Object.keys(params || {}).forEach(function (k) {
        if (params[k] !== undefined && params[k] !== null) form.append(k, params[k]);
      });
      form.append("Authorization", authorization);
      form.append("X-Experience-API-Version", XAPI_VERSION);
      if (body !== undefined) {
        form.append("Content-Type", "application/json");
        form.append("content", JSON.stringify(body));
      }
      if (!navigator.sendBeacon || form.toString().length > BEACON_LIMIT) return false;
      try {
        return navigator.sendBeacon(base + resource + "?method=" + method, form);
      } catch (e) {
        return false;
      }
    }

    // A document that may not exist yet: the ids are listed first, so that an
    // absent document costs no 404 (which browsers print as a console error).
    function optionalDocument(resource, params, idName, id) {
      return request("GET", resource, params).then(function (listed) {
        if (!Array.isArray(listed) || listed.indexOf(id) < 0) return null;
        var one = {};
        Object.keys(params).forEach(function (k) { one[k] = params[k]; });
        one[idName] = id;
        return request("GET", resource, one);
      });
    }

    return { exchange: exchange, request: request, beacon: beacon, optionalDocument: optionalDocument };
  }

  /* The statement queue: send(statements) as they are made, leave(statements)
     when the page goes away, flush() when it is hidden; nothing after leave(). */
  function statementQueue(client, outboxKey) {
    var outbox = storedValue(outboxKey, []);
    var busy = false;
    var timer = null;
    var delay = 0;
    var oneByOne = false; // after a batch was refused, until one statement gets through
    var closed = false;
    var broken = false;

    function remove(ids) {
      var gone = {};
      ids.forEach(function (id) { gone[id] = true; });
      // Read again: another tab of the same module may have added to it meanwhile.
      outbox.set(outbox.get().filter(function (s) { return !gone[s.id]; }));
    }

    function retryLater() {
      broken = true;
      delay = Math.min(RETRY_MAX_MS, delay ? delay * 2 : RETRY_FIRST_MS);
      timer = window.setTimeout(function () {
        timer = null;
        pump();
      }, delay);
    }

    function pump() {
      if (busy || timer || closed) return;
      var batch = outbox.get().slice(0, oneByOne ? 1 : BATCH_SIZE);
      if (!batch.length) return;
      busy = true;
      var ids = batch.map(function (s) { return s.id; });
      client.exchange("POST", "statements", null, batch).then(function (response) {
        busy = false;
        if (response.ok) {
          remove(ids);
          delay = 0;
          oneByOne = false;
        } else if (RETRYABLE[response.status] || response.status >= 500) {
          warn("statements kept for later: HTTP " + response.status);
          return retryLater();
        } else if (batch.length > 1) {
          oneByOne = true; // find the statement the LRS will never take
        } else {
          // Refused for what it is (400, 409): no later attempt can store it.
          broken = true;
          warn("statement refused by the LRS (HTTP " + response.status + "), dropped", batch[0]);
          remove(ids);
        }
        pump();
      }, function (error) {
        busy = false;
        warn("LRS unreachable, statements kept for later", error && error.message);
        retryLater();
      });
    }

    // Everything not yet confirmed, oldest first, in one beacon (an in-flight
    // batch is repeated: the LRS stores a statement once, and the order holds
    // whichever request it reads first). What does not fit waits for the next launch.
    function beaconAll() {
      var pending = outbox.get();
      while (pending.length && !client.beacon("POST", "statements", null, pending)) {
        pending = pending.slice(0, Math.floor(pending.length / 2));
      }
    }

    return {
      // What an earlier launch could not deliver goes first.
      start: pump,
      send: function (statements) {
        if (closed) {
          warn("statement made after the session ended, not sent", statements);
          return;
        }
        outbox.set(outbox.get().concat(statements));
        pump();
      },
      flush: function () {
        if (!closed && outbox.get().length) beaconAll();
      },
      leave: function (statements) {
        if (closed) return;
        if (statements && statements.length) outbox.set(outbox.get().concat(statements));
        closed = true;
        if (timer) window.clearTimeout(timer);
        beaconAll();
      },
      broken: function () { return broken; }
    };
  }

  /* The bookmark document (State API): the latest one is kept in localStorage
     until the LRS has taken it, one PUT at a time, and carries `savedAt`, so
     that at the next launch the newer of the local and the stored copy wins. */
  function bookmarkKeeper(client, params, localKey) {
    var local = storedValue(localKey, null);
    var busy = false;
    var next = null;
    var broken = false;

    function put(doc) {
      busy = true;
      client.request("PUT", "activities/state", params, doc).then(function () {
        var kept = local.get();
        if (kept && kept.savedAt === doc.savedAt) local.set(null);
      }, function (e) {
        broken = true;
        warn("bookmark kept for later", e && e.message);
      }).then(function () {
        busy = false;
        if (next) {
          var doc2 = next;
          next = null;
          put(doc2);
        }
      });
    }

    return {
      // The newer of the LRS's document and the one this browser could not deliver.
      choose: function (stored) {
        var kept = local.get();
        var fromLrs = stored && typeof stored === "object" ? stored : null;
        if (kept && (!fromLrs || !fromLrs.savedAt || String(fromLrs.savedAt) < String(kept.savedAt))) {
          put(kept);
          return kept;
        }
        if (kept) local.set(null);
        return fromLrs || {};
      },
      save: function (snap) {
        var doc = { suspend: snap.suspend, location: snap.location, savedAt: new Date().toISOString() };
        local.set(doc);
        if (busy) next = doc;
        else put(doc);
      },
      // Page going away or hidden: the latest undelivered bookmark leaves in a beacon.
      flush: function () {
        var kept = local.get();
        if (kept) client.beacon("PUT", "activities/state", params, kept);
      },
      broken: function () { return broken; }
    };
  }

  // The transport of one launch: its client, statement queue and bookmark, kept
  // in this browser per endpoint, module (or AU), registration and learner.
  function xapiTransport(endpoint, authorization, activityId, registration, agentParam) {
    var client = xapiClient(endpoint, authorization);
    var state = { stateId: BOOKMARK_STATE, activityId: activityId, agent: agentParam, registration: registration };
    var statements = statementQueue(client, storageKey("outbox", endpoint, activityId, registration, agentParam));
    var bookmark = bookmarkKeeper(client, state, storageKey("bookmark", endpoint, activityId, registration, agentParam));
    return {
      client: client,
      statements: statements,
      bookmark: bookmark,
      flush: function () {
        statements.flush();
        bookmark.flush();
      },
      broken: function () { return statements.broken() || bookmark.broken(); }
    };
  }

  function verb(name) {
    var display = {};
    display["en-US"] = name;
    return { id: "http://adlnet.gov/expapi/verbs/" + name, display: display };
  }

  // The interaction activity of an answered statement (xAPI cmi.interaction).
  function interactionActivity(config, q) {
    var definition = {
      type: "http://adlnet.gov/expapi/activities/cmi.interaction",
      name: languageMap(config, q.description || q.key),
      description: languageMap(config, q.description || q.key),
      interactionType: q.type,
      correctResponsesPattern: (q.correctResponsesPattern || []).map(function (p) { return xapiPattern(q, p); })
    };
    function components(list) {
      return (list || []).map(function (c) { return { id: c.id, description: languageMap(config, c.text) }; });
    }
    if (q.type === "choice" || q.type === "sequencing") definition.choices = components(q.choices);
    if (q.type === "matching") {
      definition.source = components(q.source);
      definition.target = components(q.target);
    }
    return { objectType: "Activity", id: q.id, definition: definition };
  }

  // The activity of a page seen (experienced), the same for xAPI and cmi5: <module id>/pages/<key>.
  function pageActivity(config, key) {
    var page = config.pages.filter(function (p) { return p.key === key; })[0] || { key: key, title: key };
    return { objectType: "Activity", id: config.module.id + "/pages/" + encodeURIComponent(key), definition: {
      type: "http://activitystrea.ms/schema/1.0/page", name: languageMap(config, page.title)
    } };
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function queryParameters() {
    var params = {};
    String(window.location.search).replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) return;
      var at = pair.indexOf("=");
      var name = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, " "));
      params[name] = at < 0 ? "" : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, " "));
    });
    return params;
  }

  // Tin Can launch may pass a 0.95-style actor ({"mbox": ["mailto:…"], "name": ["…"]}).
  function normaliseActor(actor) {
    var out = { objectType: "Agent" };
    ["name", "mbox", "mbox_sha1sum", "openid", "account"].forEach(function (k) {
      if (actor[k] !== undefined) out[k] = Array.isArray(actor[k]) ? actor[k][0] : actor[k];
    });
    if (Array.isArray(actor.account)) {
      var a = actor.account[0];
      out.account = { homePage: a.accountServiceHomePage || a.homePage, name: a.accountName || a.name };
    }
    return out;
  }

  /* --- 7c. cmi5 --- */

  var CMI5 = {
    category: "https://w3id.org/xapi/cmi5/context/categories/cmi5",
    moveOn: "https://w3id.org/xapi/cmi5/context/categories/moveon",
    sessionId: "https://w3id.org/xapi/cmi5/context/extensions/sessionid",
    masteryScore: "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
  };

  function cmi5Reporter(config, params) {
    var transport = null; // once the fetch URL has given the session's token
    var actor = JSON.parse(params.actor);
    var agentParam = JSON.stringify(actor);
    var auId = params.activityId;
    var launchData = {};
    var normal = true;
    var initializedAt = 0;
    var judged = null; // the passed/failed statement of this session, sent at most once
    var pendingFailed = null;
    var reported = {};
    var seenSent = {};

    function context(defined, moveOn) {
      var ctx = clone(launchData.contextTemplate || {});
      ctx.registration = params.registration;
      ctx.contextActivities = ctx.contextActivities || {};
      if (defined) {
        var category = ctx.contextActivities.category || [];
        category.push({ id: CMI5.category, objectType: "Activity" });
        if (moveOn) category.push({ id: CMI5.moveOn, objectType: "Activity" });
        ctx.contextActivities.category = category;
      }
      return ctx;
    }

    function statement(verbName, result, defined, moveOn, object) {
      var s = {
        id: uuid(),
        timestamp: new Date().toISOString(),
        actor: actor,
        verb: verb(verbName),
        object: object || { objectType: "Activity", id: auId },
        context: context(defined, moveOn)
      };
      if (result) s.result = result;
      return s;
    }

    function elapsed() {
      return isoDuration(Date.now() - initializedAt);
    }

    // A "cmi5 allowed" statement: the context template, the AU as parent, no cmi5 category.
    function allowed(verbName, result, object) {
      var s = statement(verbName, result, false, false, object);
      s.context.contextActivities.parent = [{ objectType: "Activity", id: auId }];
      transport.statements.send([s]);
    }

    function judge(snap) {
      if (!normal || snap.success === null || reported.passed) return;
      var result = { success: snap.success, duration: elapsed() };
      if (snap.scaled !== null) {
        result.score = { scaled: round(snap.scaled, 4), raw: Math.round(snap.scaled * 100), min: 0, max: 100 };
      }
      var s = statement(snap.success ? "passed" : "failed", result, true, true);
      if (typeof launchData.masteryScore === "number") {
        s.context.extensions = s.context.extensions || {};
        s.context.extensions[CMI5.masteryScore] = launchData.masteryScore;
      }
      if (snap.success) {
        // At most one of passed/failed a session, and one passed a registration.
        if (judged === "passed" || judged === "failed") return;
        judged = "passed";
        reported.passed = true;
        pendingFailed = null;
        transport.statements.send([s]);
      } else {
        // A failure waits for the end of the session: the learner may still pass.
        pendingFailed = s;
      }
    }

    function complete(snap) {
      if (!normal || !snap.completed || reported.completed) return;
      reported.completed = true;
      transport.statements.send([statement("completed", { completion: true, duration: elapsed() }, true, true)]);
    }

    return {
      suspendLimit: 64000,
      start: function () {
        return fetch(params.fetch, { method: "POST", credentials: "omit", cache: "no-store" })
          .then(function (r) { return r.json(); })
          .then(function (body) {
            if (!body || !body["auth-token"]) throw new Error("fetch URL: " + (body && body["error-text"] || "no auth-token"));
            transport = xapiTransport(params.endpoint, "Basic " + body["auth-token"], auId, params.registration, agentParam);
            // What an earlier session of this registration could not deliver goes first.
            transport.statements.start();
            return transport.client.request("GET", "activities/state", {
              stateId: "LMS.LaunchData", activityId: auId, agent: agentParam, registration: params.registration
            });
          })
          .then(function (data) {
            if (!data || typeof data !== "object") throw new Error("LMS.LaunchData is missing");
            launchData = data;
            normal = (data.launchMode || "Normal") === "Normal";
            // cmi5 section 11: the AU reads the learner's preferences on startup.
            return Promise.all([
              transport.client.optionalDocument("agents/profile", { agent: agentParam }, "profileId", "cmi5LearnerPreferences")
                .catch(function () { return null; }),
              transport.client.optionalDocument("activities/state", {
                activityId: auId, agent: agentParam, registration: params.registration
              }, "stateId", BOOKMARK_STATE).catch(function () { return null; })
            ]);
          })
          .then(function (docs) {
            applyLearnerPreferences(docs[0]);
            var bookmark = transport.bookmark.choose(docs[1]);
            initializedAt = Date.now();
            transport.statements.send([statement("initialized", null, true, false)]);
            return {
              suspend: bookmark.suspend || "",
              location: bookmark.location || "",
              mastery: typeof launchData.masteryScore === "number" ? launchData.masteryScore : null,
              returnURL: launchData.returnURL || null,
              restoreReported: function (r) { reported = r || {}; }
            };
          });
      },
      progress: function (snap) {
        if (snap.location && !seenSent[snap.location]) {
          // cmi5 allowed (spec §9.1, sample scenario 12): a page seen, between initialized and
          // terminated, with the context template and without the cmi5 category.
          seenSent[snap.location] = true;
          allowed("experienced", null, pageActivity(config, snap.location));
        }
        complete(snap);
        transport.bookmark.save(snap);
      },
      interaction: function (rec) {
        allowed("answered", {
          response: rec.response, success: rec.correct, duration: isoDuration(rec.latencyMs)
        }, interactionActivity(config, rec.question));
      },
      result: function (snap) {
        complete(snap);
        judge(snap);
        transport.bookmark.save(snap);
      },
      flush: function () { transport.flush(); },
      finish: function (snap) {
        var last = [];
        if (pendingFailed && !judged && !reported.passed) {
          judged = "failed";
          last.push(pendingFailed);
        }
        last.push(statement("terminated", { duration: elapsed() }, true, false));
        transport.bookmark.save(snap);
        // Whatever is still queued goes first; terminated is the last, and nothing follows it.
        transport.statements.leave(last);
        transport.bookmark.flush();
      },
      broken: function () { return transport ? transport.broken() : false; }
    };
  }

  // cmi5 learner preferences: the AU turns audio off when asked to.
  function applyLearnerPreferences(prefs) {
    if (!prefs || prefs.audioPreference !== "off") return;
    var media = document.querySelectorAll("audio, video");
    for (var i = 0; i < media.length; i++) media[i].muted = true;
  }

  /* --- 7d. plain xAPI (Tin Can launch) --- */

  function xapiReporter(config, params) {
    var actor = normaliseActor(JSON.parse(params.actor));
    var agentParam = JSON.stringify(actor);
    var transport = xapiTransport(params.endpoint, params.auth, config.module.id, params.registration, agentParam);
    var module = { objectType: "Activity", id: config.module.id, definition: {
      type: "http://adlnet.gov/expapi/activities/module",
      name: languageMap(config, config.module.title)
    } };
    var startedAt = 0;
    var reported = {};
    var seenSent = {};

    // The module's own statements hang under the course; a page's or an answer's hang
    // under the module, with the course as grouping, so reports can place each level.
    function context(object) {
      var underModule = object.id !== config.module.id;
      var parent = underModule ? config.module.id : config.course.id;
      var ctx = { contextActivities: { parent: [{ objectType: "Activity", id: parent }] } };
      var grouping = [];
      if (underModule) grouping.push({ objectType: "Activity", id: config.course.id });
      if (params.activity_id && params.activity_id !== config.course.id && params.activity_id !== config.module.id) {
        grouping.push({ objectType: "Activity", id: params.activity_id });
      }
      if (grouping.length) ctx.contextActivities.grouping = grouping;
      if (params.registration) ctx.registration = params.registration;
      if (config.language) ctx.language = config.language;
      return ctx;
    }

    function statement(verbName, object, result) {
      var s = { id: uuid(), timestamp: new Date().toISOString(), actor: actor, verb: verb(verbName), object: object, context: context(object) };
      if (result) s.result = result;
      return s;
    }

    function outcome(snap) {
      if (snap.completed && !reported.completed) {
        reported.completed = true;
        transport.statements.send([statement("completed", module, { completion: true, duration: isoDuration(Date.now() - startedAt) })]);
      }
      if (snap.success !== null && snap.scaled !== null && reported.judged !== snap.scaled) {
        reported.judged = snap.scaled;
        transport.statements.send([statement(snap.success ? "passed" : "failed", module, {
          success: snap.success,
          score: { scaled: round(snap.scaled, 4), raw: Math.round(snap.scaled * 100), min: 0, max: 100 },
          duration: isoDuration(Date.now() - startedAt)
        })]);
      }
    }

    return {
      suspendLimit: 64000,
      start: function () {
        // What an earlier launch could not deliver goes first.
        transport.statements.start();
        return transport.client.optionalDocument("activities/state", {
          activityId: config.module.id, agent: agentParam, registration: params.registration
        }, "stateId", BOOKMARK_STATE).catch(function () { return null; }).then(function (doc) {
          startedAt = Date.now();
          transport.statements.send([statement("initialized", module)]);
          var bookmark = transport.bookmark.choose(doc);
          return {
            suspend: bookmark.suspend || "", location: bookmark.location || "", mastery: null,
            restoreReported: function (r) { reported = r || {}; }
          };
        });
      },
      progress: function (snap) {
        if (!seenSent[snap.location]) {
          seenSent[snap.location] = true;
          transport.statements.send([statement("experienced", pageActivity(config, snap.location))]);
        }
        outcome(snap);
        transport.bookmark.save(snap);
      },
      interaction: function (rec) {
        var s = statement("answered", interactionActivity(config, rec.question), {
          response: rec.response, success: rec.correct, duration: isoDuration(rec.latencyMs)
        });
        transport.statements.send([s]);
      },
      result: function (snap) {
        outcome(snap);
        transport.bookmark.save(snap);
      },
      flush: function () { transport.flush(); },
      finish: function (snap) {
        transport.bookmark.save(snap);
        transport.statements.leave([statement(snap.finished ? "terminated" : "suspended", module, {
          duration: isoDuration(Date.now() - startedAt)
        })]);
        transport.bookmark.flush();
      },
      broken: function () { return transport.broken(); }
    };
  }

  /* --- 7e. web preview: the browser's own storage --- */

  function localReporter(config) {
    var key = "parcours:" + config.module.id;
    function save(snap) {
      try {
        window.localStorage.setItem(key, JSON.stringify({ suspend: snap.suspend, location: snap.location }));
      } catch (e) {
        // Private browsing or storage disabled: the learner can still read.
      }
    }
    return {
      suspendLimit: 64000,
      start: function () {
        var saved = null;
        try {
          saved = JSON.parse(window.localStorage.getItem(key) || "null");
        } catch (e) {
          saved = null;
        }
        return Promise.resolve({
          suspend: saved && saved.suspend || "", location: saved && saved.location || "", mastery: null
        });
      },
      progress: save,
      interaction: function () {},
      result: save,
      flush: function () {},
      finish: save,
      broken: function () { return false; }
    };
  }

  function chooseReporter(config) {
    var params = queryParameters();
    if (config.format === "scorm12") {
      var api12 = findApi("API");
      return api12 ? scorm12Reporter(api12) : null;
    }
    if (config.format === "scorm2004") {
      var api2004 = findApi("API_1484_11");
      return api2004 ? scorm2004Reporter(api2004) : null;
    }
    try {
      if (config.format === "cmi5" && params.endpoint && params.fetch && params.actor && params.registration && params.activityId) {
        return cmi5Reporter(config, params);
      }
      if (config.format === "xapi" && params.endpoint && params.auth && params.actor) {
        return xapiReporter(config, params);
      }
    } catch (e) {
      warn("launch parameters are not usable", e && e.message);
      return null;
    }
    return config.format === "web" ? localReporter(config) : null;
  }

  /* ------------------------------------------------------------------ *
   * 8. The module: pages, navigation, quiz, reporting                    *
   * ------------------------------------------------------------------ */

  function Module(config, text) {
    this.config = config;
    this.text = text;
    this.pages = config.pages || [];
    this.pageKeys = this.pages.map(function (p) { return p.key; });
    this.sections = {};
    var nodes = document.querySelectorAll("section.pc-page[data-page]");
    for (var i = 0; i < nodes.length; i++) this.sections[nodes[i].getAttribute("data-page")] = nodes[i];
    if (!this.pageKeys.length) this.pageKeys = Object.keys(this.sections);
    this.quiz = config.quiz && config.quiz.questions && config.quiz.questions.length ? config.quiz : null;
    this.form = document.querySelector("form.pc-quiz");
    this.progressNode = document.querySelector(".pc-progress");
    this.previousButton = document.querySelector('.pc-nav [data-action="previous"]');
    this.nextButton = document.querySelector('.pc-nav [data-action="next"]');
    this.progressBar = document.querySelector(".pc-header .pc-progress-bar");
    this.tocLinks = document.querySelectorAll("[data-page-link]");
    // web format: the modules before and after this one (an LMS does this elsewhere)
    this.navigation = config.navigation || null;
    this.mastery = typeof config.module.masteryScore === "number" ? config.module.masteryScore : null;
    this.progress = { current: this.pageKeys[0], seen: [], answers: {}, best: null, attempts: 0, reported: {} };
    this.startedAt = Date.now();
    this.quizShownAt = 0;
    this.lastSubmitAt = 0;
    this.reporter = null;
    this.connected = false;
    this.finished = false;
    this.navigated = false;
  }

  Module.prototype.index = function () {
    return Math.max(0, this.pageKeys.indexOf(this.progress.current));
  };

  // What the reporters need to know, computed in one place.
  Module.prototype.snapshot = function () {
    var p = this.progress;
    var seenAll = this.pageKeys.every(function (k) { return p.seen.indexOf(k) >= 0; });
    var judged = this.quiz && p.best !== null;
    var success = judged && this.mastery !== null ? p.best >= this.mastery - 1e-9 : null;
    var completed = this.config.module.completion === "quiz" && this.quiz
      ? (this.mastery !== null ? success === true : p.attempts > 0)
      : seenAll;
    var limit = this.reporter ? this.reporter.suspendLimit : 64000;
    return {
      location: p.current || "",
      suspend: encodeProgress(p, limit, this.pageKeys),
      suspend12: encodeProgress(p, SCORM12_SUSPEND_LIMIT, this.pageKeys),
      seenCount: p.seen.length,
      total: this.pageKeys.length,
      // Never 1 before completion: an LMS may derive completion from it. When the
      // quiz decides, passing it is one more step after the pages.
      progressMeasure: completed ? 1 : p.seen.length / (this.pageKeys.length + (this.config.module.completion === "quiz" ? 1 : 0)),
      completed: completed,
      success: success,
      scaled: judged ? p.best : null,
      finished: completed && (success === null || success === true),
      elapsedMs: Date.now() - this.startedAt
    };
  };

  Module.prototype.report = function (method, arg) {
    if (!this.connected || !this.reporter) return;
    try {
      this.reporter[method](arg === undefined ? this.snapshot() : arg);
    } catch (e) {
      warn("reporting failed", e && e.message);
    }
    // The learner is told once when the LMS or the LRS stops answering.
    if (this.reporter.broken()) this.notice("lmsError");
  };

  /* --- 8a. navigation --- */

  Module.prototype.show = function (key, moveFocus) {
    var self = this;
    if (this.pageKeys.indexOf(key) < 0) key = this.pageKeys[0];
    this.progress.current = key;
    this.pageKeys.forEach(function (k) {
      var section = self.sections[k];
      if (section) section.hidden = k !== key;
    });
    if (this.progress.seen.indexOf(key) < 0) this.progress.seen.push(key);
    var i = this.index();
    var total = this.pageKeys.length;
    var nav = this.navigation || {};
    this.labelButton(this.previousButton, i === 0 && nav.previous, "previous", "previous_module");
    this.labelButton(this.nextButton, i === total - 1 && nav.next, "next", "next_module");
    if (this.previousButton) this.previousButton.disabled = i === 0 && !nav.previous;
    if (this.nextButton) this.nextButton.disabled = i === total - 1 && !nav.next;
    this.showProgress();
    this.showContents();
    var page = this.pages[i];
    if (page && page.title && this.config.module.title) document.title = page.title + " – " + this.config.module.title;
    if (this.quiz && key === this.quiz.key) this.quizShownAt = Date.now();
    var heading = this.sections[key] && this.sections[key].querySelector("h1");
    if (moveFocus && heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    if (moveFocus) window.scrollTo(0, 0);
    this.report("progress");
  };

  // "Page 2 sur 5", followed by "Module terminé." once the module is completed.
  Module.prototype.showProgress = function () {
    if (!this.progressNode) return;
    var line = this.text("progress", { current: this.index() + 1, total: this.pageKeys.length });
    if (this.snapshot().completed) line += " – " + this.text("completed");
    this.progressNode.textContent = line;
    if (this.progressBar) this.progressBar.value = this.progress.seen.length;
  };

  // On the first or last page, Précédent/Suivant name the module they lead to.
  Module.prototype.labelButton = function (button, otherModule, plain, across) {
    if (!button) return;
    button.textContent = otherModule ? this.text(across, { title: otherModule.title }) : this.text(plain);
  };

  // The table of contents marks the current page and the pages already seen.
  Module.prototype.showContents = function () {
    var p = this.progress;
    var seenMark = this.text("page_seen");
    for (var i = 0; i < this.tocLinks.length; i++) {
      var link = this.tocLinks[i];
      var key = link.getAttribute("data-page-link");
      if (key === p.current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
      var seen = p.seen.indexOf(key) >= 0;
      var mark = link.querySelector(".pc-seen-mark");
      if (seen && !mark) {
        mark = document.createElement("span");
        mark.className = "pc-seen-mark";
        mark.textContent = " " + seenMark;
        link.appendChild(mark);
      }
    }
  };

  Module.prototype.go = function (step) {
    var target = this.index() + step;
    var nav = this.navigation || {};
    var across = target < 0 ? nav.previous : target >= this.pageKeys.length ? nav.next : null;
    if (across) {
      this.navigated = true;
      window.location.href = across.url;
      return;
    }
    if (target < 0 || target >= this.pageKeys.length) return;
    this.navigated = true;
    this.show(this.pageKeys[target], true);
  };

  Module.prototype.bindNavigation = function () {
    var self = this;
    if (this.previousButton) this.previousButton.addEventListener("click", function () { self.go(-1); });
    if (this.nextButton) this.nextButton.addEventListener("click", function () { self.go(1); });
    for (var i = 0; i < this.tocLinks.length; i++) {
      this.tocLinks[i].addEventListener("click", function (event) {
        event.preventDefault();
        self.navigated = true;
        self.show(this.getAttribute("data-page-link"), true);
      });
    }
    // Arrow keys turn pages only while the focus rests on the page heading or
    // on nothing, so that they never steal keys from form controls or media.
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      var active = document.activeElement;
      var resting = !active || active === document.body || (active.tagName === "H1" && active.closest("section.pc-page"));
      if (!resting) return;
      event.preventDefault();
      self.go(event.key === "ArrowRight" ? 1 : -1);
    });
  };

  /* --- 8b. quiz --- */

  Module.prototype.feedbackNode = function (key) {
    return this.form.querySelector('[data-feedback="' + key.replace(/"/g, '\\"') + '"]');
  };

  Module.prototype.fieldset = function (key) {
    return this.form.querySelector('fieldset[data-question="' + key.replace(/"/g, '\\"') + '"]');
  };

  // state: "correct", "incorrect", "invalid" or null. The page's styles read
  // the feedback's class (pc-correct…) and the fieldset's data-result.
  Module.prototype.setFeedback = function (q, message, state) {
    var node = this.feedbackNode(q.key);
    if (node) {
      node.textContent = message;
      node.classList.remove("pc-correct", "pc-incorrect", "pc-invalid");
      if (state) node.classList.add("pc-" + state);
    }
    var fieldset = this.fieldset(q.key);
    if (fieldset) {
      if (state) fieldset.setAttribute("data-result", state);
      else fieldset.removeAttribute("data-result");
      var controls = fieldset.querySelectorAll("input, select, textarea");
      for (var i = 0; i < controls.length; i++) {
        if (state === "invalid") controls[i].setAttribute("aria-invalid", "true");
        else controls[i].removeAttribute("aria-invalid");
      }
    }
  };

  // After a failed attempt: a button that empties the form and goes back to
  // the first question (the learner may also change a few answers and submit).
  Module.prototype.retryButton = function () {
    var self = this;
    var button = this.form.querySelector('button[data-action="retry"]');
    if (button) return button;
    button = document.createElement("button");
    button.type = "button";
    button.setAttribute("data-action", "retry");
    button.textContent = this.text("retry");
    button.hidden = true;
    button.addEventListener("click", function () {
      self.form.reset();
      self.quiz.questions.forEach(function (q) { self.setFeedback(q, "", null); });
      var resultNode = self.form.querySelector(".pc-result");
      if (resultNode) resultNode.textContent = "";
      button.hidden = true;
      var first = self.form.querySelector("input, select, textarea");
      if (first) first.focus();
    });
    var result = this.form.querySelector(".pc-result");
    this.form.insertBefore(button, result ? result.nextSibling : null);
    return button;
  };

  Module.prototype.submitQuiz = function () {
    var self = this;
    var questions = this.quiz.questions;
    var responses = {};
    var invalid = [];
    questions.forEach(function (q) {
      var read = readResponse(self.form, q);
      if (read.error) {
        invalid.push(q);
        self.setFeedback(q, self.text(read.error), "invalid");
      } else {
        responses[q.key] = read.value;
      }
    });
    var resultNode = this.form.querySelector(".pc-result");
    if (invalid.length) {
      if (resultNode) resultNode.textContent = this.text("incompleteQuiz", { count: invalid.length });
      var first = this.fieldset(invalid[0].key);
      var control = first && first.querySelector("input, select, textarea");
      if (control) control.focus();
      return;
    }
    var now = new Date();
    var latencyMs = now.getTime() - Math.max(this.quizShownAt || this.startedAt, this.lastSubmitAt);
    this.lastSubmitAt = now.getTime();
    var results = {};
    questions.forEach(function (q) {
      var correct = isCorrect(q, responses[q.key]);
      results[q.key] = correct;
      var extra = q.feedback ? (correct ? q.feedback.correct : q.feedback.incorrect) : "";
      self.setFeedback(q, self.text(correct ? "correct" : "incorrect") + (extra ? " " + extra : ""), correct ? "correct" : "incorrect");
      self.report("interaction", { question: q, response: responses[q.key], correct: correct, at: now, latencyMs: latencyMs });
    });
    var scaled = scoreQuiz(questions, results);
    var p = this.progress;
    p.answers = responses;
    p.attempts += 1;
    // The best attempt counts, as learners and LMS gradebooks expect.
    if (p.best === null || scaled > p.best) p.best = scaled;
    if (resultNode) resultNode.textContent = this.resultText(scaled);
    this.retryButton().hidden = !(this.mastery !== null && scaled < this.mastery - 1e-9);
    this.report("result");
    this.showProgress();
  };

  Module.prototype.resultText = function (scaled) {
    var message = this.text("score", { score: Math.round(scaled * 100) });
    if (this.mastery !== null) {
      var passed = scaled >= this.mastery - 1e-9;
      message += " " + this.text(passed ? "passed" : "failed", { mastery: Math.round(this.mastery * 100) });
    }
    return message;
  };

  Module.prototype.bindQuiz = function () {
    var self = this;
    if (!this.form || !this.quiz) return;
    this.form.setAttribute("novalidate", "");
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      try {
        self.submitQuiz();
      } catch (e) {
        warn("quiz could not be scored", e && e.message);
      }
    });
    // A corrected answer clears its error message.
    this.form.addEventListener("change", function (event) {
      var fieldset = event.target.closest && event.target.closest("fieldset[data-question]");
      if (!fieldset) return;
      var key = fieldset.getAttribute("data-question");
      var feedback = self.feedbackNode(key);
      if (feedback && feedback.getAttribute("data-state") === "invalid") {
        self.setFeedback({ key: key }, "", null);
      }
    });
  };

  Module.prototype.restoreAnswers = function () {
    var self = this;
    if (!this.form || !this.quiz) return;
    var answers = this.progress.answers || {};
    this.quiz.questions.forEach(function (q) {
      if (answers[q.key] !== undefined) writeResponse(self.form, q, answers[q.key]);
    });
    if (this.progress.best !== null) {
      var resultNode = this.form.querySelector(".pc-result");
      if (resultNode) resultNode.textContent = this.resultText(this.progress.best);
      this.retryButton().hidden = !(this.mastery !== null && this.progress.best < this.mastery - 1e-9);
    }
  };

  /* --- 8c. connection, resume, notices, exit --- */

  Module.prototype.notice = function (key) {
    if (document.querySelector(".pc-notice")) return;
    var main = document.getElementById("contenu") || document.querySelector("main") || document.body;
    var note = document.createElement("p");
    note.className = "pc-notice";
    note.setAttribute("role", "status");
    note.textContent = this.text(key);
    main.insertBefore(note, main.firstChild);
  };

  Module.prototype.resume = function (launch) {
    var saved = decodeProgress(launch.suspend, this.pageKeys);
    if (saved) {
      var p = this.progress;
      saved.seen.forEach(function (k) { if (p.seen.indexOf(k) < 0) p.seen.push(k); });
      p.answers = saved.answers;
      p.best = saved.best;
      p.attempts = saved.attempts;
      p.reported = saved.reported;
      this.restoreAnswers();
    }
    // The reporter keeps what it already sent (cmi5: one completed a registration) in the suspend data.
    if (launch.restoreReported) launch.restoreReported(this.progress.reported);
    var location = launch.location;
    // Only move when the learner has not started turning pages meanwhile.
    if (!this.navigated && location && this.pageKeys.indexOf(location) >= 0) this.show(location, false);
    this.showProgress();
  };

  Module.prototype.addExitButton = function (returnURL) {
    var self = this;
    var nav = document.querySelector(".pc-nav");
    if (!nav || !returnURL) return;
    var button = document.createElement("button");
    button.type = "button";
    button.setAttribute("data-action", "exit");
    button.textContent = this.text("exit");
    button.addEventListener("click", function () {
      // exit() hands the last statements to a beacon at once: nothing to wait for.
      self.exit();
      window.location.href = returnURL;
    });
    nav.appendChild(button);
  };

  Module.prototype.connect = function () {
    var self = this;
    this.reporter = chooseReporter(this.config);
    if (!this.reporter) {
      // No LMS: the learner reads and the bookmark stays in this browser.
      if (this.config.format !== "web") this.notice("noLms");
      this.reporter = localReporter(this.config);
    }
    var reporter = this.reporter;
    return reporter.start().then(function (launch) {
      if (!launch) {
        self.notice("lmsError");
        self.reporter = localReporter(self.config);
        return self.reporter.start();
      }
      return launch;
    }, function (error) {
      warn("launch failed", error && error.message);
      self.notice("lmsError");
      self.reporter = localReporter(self.config);
      return self.reporter.start();
    }).then(function (launch) {
      if (launch.mastery !== null && launch.mastery !== undefined) self.mastery = launch.mastery;
      self.connected = true;
      self.resume(launch);
      if (launch.returnURL) self.addExitButton(launch.returnURL);
      self.report("progress");
    });
  };

  Module.prototype.exit = function () {
    if (this.finished) return;
    this.finished = true;
    this.report("finish");
  };

  Module.prototype.bindLifecycle = function () {
    var self = this;
    // pagehide fires wherever unload does (and unload listeners keep pages out of the back-forward cache).
    window.addEventListener("pagehide", function () { self.exit(); });
    // Mobile browsers may discard a hidden page without pagehide: what is pending leaves now.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !self.finished) self.report("flush");
    });
    // Back from the back-forward cache: the LMS session has ended, start anew.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && self.finished) window.location.reload();
    });
  };

  Module.prototype.start = function () {
    this.bindNavigation();
    this.bindQuiz();
    this.bindLifecycle();
    this.show(this.progress.current, false);
    return this.connect();
  };

  /* ------------------------------------------------------------------ *
   * 9. Start                                                             *
   * ------------------------------------------------------------------ */

  /* --- 8z. the course home (web format): each module's progress, from this browser's storage --- */

  function courseHome(home) {
    var text = makeStrings({ strings: home.strings || {}, language: document.documentElement.lang });
    (home.modules || []).forEach(function (m) {
      var saved = null;
      try {
        saved = JSON.parse(window.localStorage.getItem("parcours:" + m.id) || "null");
      } catch (e) {
        saved = null;
      }
      var progress = decodeProgress(saved && saved.suspend, m.pages);
      var seen = progress ? progress.seen.length : 0;
      var judged = progress && progress.best !== null;
      var passed = judged && (typeof m.masteryScore === "number" ? progress.best >= m.masteryScore - 1e-9 : true);
      var done = m.completion === "quiz" ? passed : seen === m.pages.length;
      var line = document.querySelector('[data-module-progress="' + m.key + '"]');
      var bar = document.querySelector('[data-module-bar="' + m.key + '"]');
      if (line) {
        line.textContent = done ? text("module_done") : seen ? text("module_progress", { seen: seen, total: m.pages.length }) : text("module_not_started");
      }
      if (bar) bar.value = seen;
    });
  }

  function boot() {
    var home = document.getElementById("pc-home");
    if (home) {
      try {
        courseHome(JSON.parse(home.textContent));
      } catch (e) {
        warn("course home", e && e.message);
      }
      return;
    }
    var node = document.getElementById("pc-config");
    var config;
    try {
      config = JSON.parse(node ? node.textContent : "null");
    } catch (e) {
      config = null;
    }
    if (!config || !config.module) {
      warn("no usable #pc-config in this page");
      return;
    }
    var module = new Module(config, makeStrings(config));
    window.parcours = {
      module: module,
      // Exposed for tests and for authors who script their pages.
      formats: { scorm12Timespan: scorm12Timespan, isoDuration: isoDuration }
    };
    module.start().catch(function (e) { warn("start failed", e && e.message); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
