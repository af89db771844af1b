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
   * 1. Interface strings: all of them come with the configuration      *
   * ------------------------------------------------------------------ */

  function makeStrings(config) {
    var own = config.strings || {};
    return function text(key, vars) {
      var template = typeof own[key] === "string" ? own[key] : key;
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

  // A mastery score (0..1) as a percentage: two decimals at most, none when whole
  // (packager/mastery.py is the same rule for the manifest and the page).
  function percentText(scaled, decimalMark) {
    return String(round(scaled * 100, 2)).replace(".", decimalMark || ".");
  }

  // Floating-point sums of question weights may land a hair under the mastery score
  // (packager/mastery.py has the same tolerance for the simulator).
  var PASS_TOLERANCE = 1e-9;

  function reaches(scaled, mastery) {
    return scaled >= mastery - PASS_TOLERANCE;
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
    return plainDecimal(parseFloat(cleaned));
  }

  // The number as digits only: SCORM's CMIDecimal and real(10,7) have no exponent, and
  // String() writes 1e+21 and 1e-7. The shortest digits String() found are kept as they are.
  function plainDecimal(n) {
    var text = String(n);
    var small = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
    if (small) return small[1] + "0." + new Array(Number(small[4])).join("0") + small[2] + (small[3] || "");
    var large = /^(-?)(\d)(?:\.(\d+))?e\+(\d+)$/.exec(text);
    if (large) {
      var digits = large[2] + (large[3] || "");
      return large[1] + digits + new Array(Number(large[4]) - digits.length + 2).join("0");
    }
    return text;
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
      return number === null ? { error: "invalid_number" } : { value: number };
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
        if (ranks[rank]) return { error: "invalid_sequence" };
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

  // An IRI as the URI SCORM 2004's identifiers must be (RFC 3986): non-ASCII characters
  // percent-encoded in UTF-8, the rest (and existing %XX) as is.
  function asciiUri(iri) {
    return String(iri).replace(/[^\x00-\x7F]+/g, function (run) { return encodeURIComponent(run); });
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
    return r.min === r.max ? plainDecimal(r.min) : null;
  }

  function scorm2004Pattern(q, pattern) {
    if (q.type === "numeric") {
      var r = numericRange(pattern);
      return (r.min === -Infinity ? "" : plainDecimal(r.min)) + "[:]" + (r.max === Infinity ? "" : plainDecimal(r.max));
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
  var LONG_ANSWER = 40; // characters of a typed answer kept in suspend data once it is too long

  // Seen pages as page keys ("intro,quiz"), or, when that is too long, as one
  // character a page in course order ("!1101").
  // Over the limit, in order: long typed answers, then every answer (they only refill
  // the form on resume), then seen pages as one character a page, then the drawn
  // question keys (the seed draws them again from the same pool).
  function encodeProgress(p, limit, pageKeys) {
    var data = { v: 1, c: p.current, s: p.seen.join(","), a: p.answers, b: p.best, n: p.attempts, r: p.reported };
    if (p.draw) data.d = p.draw;
    var steps = [
      function () {
        var kept = {};
        Object.keys(p.answers || {}).forEach(function (k) {
          if (String(p.answers[k]).length <= LONG_ANSWER) kept[k] = p.answers[k];
        });
        data.a = kept;
      },
      function () { delete data.a; },
      function () { data.s = "!" + pageKeys.map(function (k) { return p.seen.indexOf(k) >= 0 ? "1" : "0"; }).join(""); },
      function () { if (data.d) data.d = { seed: data.d.seed }; }
    ];
    var text = JSON.stringify(data);
    for (var i = 0; limit && text.length > limit && i < steps.length; i++) {
      steps[i]();
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
        reported: data.r && typeof data.r === "object" ? data.r : {},
        // keys absent: suspend data had no room for them, the seed draws them again
        draw: data.d && typeof data.d.seed === "number" ? { seed: data.d.seed, keys: Array.isArray(data.d.keys) ? data.d.keys : null } : null
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
        var entry = lms.get("cmi.core.entry");
        if (!review && (initialStatus === "not attempted" || initialStatus === "")) {
          lms.set("cmi.core.lesson_status", "incomplete");
        }
        // Until the session ends well, it is one to resume: a tab discarded or a crash
        // (no pagehide, no LMSFinish) leaves the LMS with the last commit.
        if (!review) lms.set("cmi.core.exit", "suspend");
        return {
          suspend: lms.get("cmi.suspend_data"),
          location: entry !== "ab-initio" ? lms.get("cmi.core.lesson_location") : "",
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
        var entry = lms.get("cmi.entry");
        if (!review) lms.set("cmi.exit", "suspend");  // as in SCORM 1.2, until the session ends well
        return {
          suspend: lms.get("cmi.suspend_data"),
          location: entry !== "ab-initio" ? lms.get("cmi.location") : "",
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
        lms.set(base + "id", asciiUri(q.id || q.key));
        lms.set(base + "type", q.type);
        if (q.description) lms.set(base + "description", String(q.description).replace(/\{/g, "(").slice(0, 250));
        lms.set(base + "timestamp", scorm2004Timestamp(rec.at));
        lms.set(base + "weighting", typeof q.weight === "number" ? q.weight : 1);
        (q.correctResponsesPattern || []).forEach(function (p, i) {
          lms.set(base + "correct_responses." + i + ".pattern", scorm2004Pattern(q, p));
        });
        // a fill-in response holds strings of 250 characters at most (RTE 4.2.9.2)
        lms.set(base + "learner_response", q.type === "fill-in" ? String(rec.response).slice(0, 250) : rec.response);
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
  var SETTLE_POLL_MS = 100;
  var EXIT_WAIT_MS = 5000; // the exit button waits this long at most for the LRS to take what is pending
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 60000;
  // Answers that a later attempt may turn into a success: the statements wait. A 403
  // joins them while the key has not been accepted yet (the key, not the statement, is refused).
  var RETRYABLE = { 401: true, 408: true, 425: true, 429: true };

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
    var accepted = false; // the LRS has taken a request with this key
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
          accepted = true;
        } else if (RETRYABLE[response.status] || response.status >= 500 || (response.status === 403 && !accepted)) {
          warn("statements kept for later: HTTP " + response.status);
          return retryLater();
        } else if (batch.length > 1) {
          oneByOne = true; // find the statement the LRS will never take
        } else {
          // Refused for what it is (400, 409, 403 to a key that works): no later attempt can store it.
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

    // Everything not yet confirmed, oldest first, in as few beacons as fit (an
    // in-flight batch is repeated: the LRS stores a statement once, and the order
    // holds whichever request it reads first). Browsers give beacons about 64 KB in
    // all: what does not fit waits for the next launch, the newest last.
    function beaconAll() {
      var pending = outbox.get();
      while (pending.length) {
        var size = pending.length;
        while (size && !client.beacon("POST", "statements", null, pending.slice(0, size))) size = Math.floor(size / 2);
        if (!size) return;
        pending = pending.slice(size);
      }
    }

    // Resolves once the outbox is delivered, or after `ms` (an LRS that does not answer).
    function settled(ms) {
      return new Promise(function (resolve) {
        var waited = 0;
        (function check() {
          if ((!busy && !outbox.get().length) || broken || waited >= ms) return resolve();
          waited += SETTLE_POLL_MS;
          window.setTimeout(check, SETTLE_POLL_MS);
        })();
      });
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
      settled: settled,
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

  // The xAPI IRIs come with the configuration (validators/xapi/vocabulary.py): `vocabulary`.
  function verb(config, name) {
    var display = {};
    display["en-US"] = name;
    return { id: config.vocabulary.verbs + name, display: display };
  }

  // The interaction activity of an answered statement (xAPI cmi.interaction).
  function interactionActivity(config, q) {
    var definition = {
      type: config.vocabulary.interactionType,
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
      type: config.vocabulary.pageType, name: languageMap(config, page.title)
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
        category.push({ id: config.vocabulary.cmi5Category, objectType: "Activity" });
        if (moveOn) category.push({ id: config.vocabulary.cmi5MoveOn, objectType: "Activity" });
        ctx.contextActivities.category = category;
      }
      return ctx;
    }

    function statement(verbName, result, defined, moveOn, object) {
      var s = {
        id: uuid(),
        timestamp: new Date().toISOString(),
        actor: actor,
        verb: verb(config, verbName),
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
        s.context.extensions[config.vocabulary.cmi5MasteryScore] = launchData.masteryScore;
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
      settled: function (ms) { return transport.statements.settled(ms); },
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

  /* The statements of one session of a module, as the xapi format sends them (and
     SCORM packages with dual tracking): initialized, experienced a page, answered,
     completed, passed/failed, then terminated or suspended. */
  function xapiTracker(config, actor, registration, queue, launchActivity) {
    var module = { objectType: "Activity", id: config.module.id, definition: {
      type: config.vocabulary.moduleType,
      name: languageMap(config, config.module.title)
    } };
    var startedAt = Date.now();
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
      if (launchActivity && launchActivity !== config.course.id && launchActivity !== config.module.id) {
        grouping.push({ objectType: "Activity", id: launchActivity });
      }
      if (grouping.length) ctx.contextActivities.grouping = grouping;
      if (registration) ctx.registration = registration;
      if (config.language) ctx.language = config.language;
      return ctx;
    }

    function statement(verbName, object, result) {
      var s = { id: uuid(), timestamp: new Date().toISOString(), actor: actor, verb: verb(config, verbName), object: object, context: context(object) };
      if (result) s.result = result;
      return s;
    }

    function outcome(snap) {
      if (snap.completed && !reported.completed) {
        reported.completed = true;
        queue.send([statement("completed", module, { completion: true, duration: isoDuration(Date.now() - startedAt) })]);
      }
      if (snap.success !== null && snap.scaled !== null && reported.judged !== snap.scaled) {
        reported.judged = snap.scaled;
        queue.send([statement(snap.success ? "passed" : "failed", module, {
          success: snap.success,
          score: { scaled: round(snap.scaled, 4), raw: Math.round(snap.scaled * 100), min: 0, max: 100 },
          duration: isoDuration(Date.now() - startedAt)
        })]);
      }
    }

    return {
      begin: function () {
        startedAt = Date.now();
        queue.send([statement("initialized", module)]);
      },
      // What earlier sessions already said (completed, the judged score), kept by the caller.
      useReported: function (flags) { reported = flags || {}; },
      reported: function () { return reported; },
      progress: function (snap) {
        if (!seenSent[snap.location]) {
          seenSent[snap.location] = true;
          queue.send([statement("experienced", pageActivity(config, snap.location))]);
        }
        outcome(snap);
      },
      interaction: function (rec) {
        queue.send([statement("answered", interactionActivity(config, rec.question), {
          response: rec.response, success: rec.correct, duration: isoDuration(rec.latencyMs)
        })]);
      },
      result: outcome,
      end: function (snap) {
        queue.leave([statement(snap.finished ? "terminated" : "suspended", module, {
          duration: isoDuration(Date.now() - startedAt)
        })]);
      }
    };
  }

  function xapiReporter(config, params) {
    var actor = normaliseActor(JSON.parse(params.actor));
    var agentParam = JSON.stringify(actor);
    var transport = xapiTransport(params.endpoint, params.auth, config.module.id, params.registration, agentParam);
    var tracker = xapiTracker(config, actor, params.registration, transport.statements, params.activity_id);

    return {
      suspendLimit: 64000,
      start: function () {
        // What an earlier launch could not deliver goes first.
        transport.statements.start();
        return transport.client.optionalDocument("activities/state", {
          activityId: config.module.id, agent: agentParam, registration: params.registration
        }, "stateId", BOOKMARK_STATE).catch(function () { return null; }).then(function (doc) {
          tracker.begin();
          var bookmark = transport.bookmark.choose(doc);
          return {
            suspend: bookmark.suspend || "", location: bookmark.location || "", mastery: null,
            restoreReported: tracker.useReported
          };
        });
      },
      progress: function (snap) {
        tracker.progress(snap);
        transport.bookmark.save(snap);
      },
      interaction: tracker.interaction,
      result: function (snap) {
        tracker.result(snap);
        transport.bookmark.save(snap);
      },
      flush: function () { transport.flush(); },
      settled: function (ms) { return transport.statements.settled(ms); },
      finish: function (snap) {
        transport.bookmark.save(snap);
        tracker.end(snap);
        transport.bookmark.flush();
      },
      broken: function () { return transport.broken(); }
    };
  }

  /* --- 7e. dual tracking: SCORM packages that also send xAPI statements ---
   *
   * Built with `report_to`, a SCORM package sends the xapi format's statements to
   * that LRS besides every SCORM call, which is made first and unchanged. The
   * learner is an account (homePage: the LMS, name: its learner id), the
   * registration a name-based UUID of LMS, learner, course and attempt, so that
   * every module of an attempt and every device agree on it. */

  var SCORM_LEARNER = {
    scorm12: { get: "LMSGetValue", id: "cmi.core.student_id", name: "cmi.core.student_name", entry: "cmi.core.entry" },
    scorm2004: { get: "GetValue", id: "cmi.learner_id", name: "cmi.learner_name", entry: "cmi.entry" }
  };
  // uuid5(NAMESPACE_URL, "https://w3id.org/xapi/parcours/registration")
  var REGISTRATION_NAMESPACE = "ec8742fe-7723-5bbf-9964-9ef9b62234ff";

  // SHA-1 of bytes (RFC 3174), synchronous: the registration is needed before the first statement.
  function sha1(bytes) {
    var length = bytes.length;
    var words = new Array(((length + 8) >> 6) + 1 << 4).fill(0);
    for (var i = 0; i < length; i++) words[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    words[words.length - 1] = length * 8;
    var h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    var w = new Array(80);
    for (var block = 0; block < words.length; block += 16) {
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (var t = 0; t < 80; t++) {
        w[t] = t < 16 ? words[block + t] : rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        var f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
        var k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
        var temp = (rotl(a, 5) + f + e + k + w[t]) | 0;
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
      }
      h = [(h[0] + a) | 0, (h[1] + b) | 0, (h[2] + c) | 0, (h[3] + d) | 0, (h[4] + e) | 0];
    }
    var out = [];
    h.forEach(function (v) { out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); });
    return out;
  }

  function rotl(x, n) {
    return (x << n) | (x >>> (32 - n));
  }

  // RFC 4122 name-based UUID, version 5.
  function uuid5(namespace, name) {
    var ns = namespace.replace(/-/g, "").match(/../g).map(function (x) { return parseInt(x, 16); });
    var hash = sha1(ns.concat(Array.prototype.slice.call(new TextEncoder().encode(name)))).slice(0, 16);
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    var hex = hash.map(function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // SCORM knows no attempt: this browser counts them. A module starting afresh
  // ("ab-initio") that was already opened in the current attempt means the LMS began a new one.
  function scormAttempt(key, moduleId, entry) {
    var stored = storedValue(key, { n: 1, modules: [] });
    var attempt = stored.get();
    if (entry === "ab-initio" && attempt.modules.indexOf(moduleId) >= 0) {
      attempt = { n: attempt.n + 1, modules: [] };
    }
    if (attempt.modules.indexOf(moduleId) < 0) attempt.modules.push(moduleId);
    stored.set(attempt);
    return attempt.n;
  }

  function dualTracker(config, api) {
    var report = config.reportTo;
    var names = SCORM_LEARNER[config.format];
    var learnerId = String(api[names.get](names.id) || "");
    if (!learnerId) throw new Error("the LMS gives no learner id");
    var learnerName = String(api[names.get](names.name) || "");
    var homePage = report.homePage || window.location.origin;
    var actor = { objectType: "Agent", account: { homePage: homePage, name: learnerId } };
    if (learnerName) actor.name = learnerName;
    var who = [homePage, learnerId, config.course.id].join("\n");
    var attempt = scormAttempt("parcours:attempt:" + who, config.module.id, String(api[names.get](names.entry) || ""));
    var registration = uuid5(REGISTRATION_NAMESPACE, who + "\n" + attempt);
    var agentParam = JSON.stringify(actor);
    var queue = statementQueue(xapiClient(report.endpoint, report.auth),
      storageKey("outbox", report.endpoint, config.module.id, registration, agentParam));
    var tracker = xapiTracker(config, actor, registration, queue, null);
    var flags = storedValue(storageKey("reported", report.endpoint, config.module.id, registration, agentParam), {});
    tracker.useReported(flags.get());
    queue.start();
    tracker.begin();
    function remember(method) {
      return function (arg) {
        tracker[method](arg);
        flags.set(tracker.reported());
      };
    }
    return {
      progress: remember("progress"),
      interaction: tracker.interaction,
      result: remember("result"),
      flush: queue.flush,
      finish: tracker.end
    };
  }

  // The SCORM reporter, with the same statements sent to `report_to` after each call.
  function withDualTracking(reporter, config, api) {
    var tracker = null;
    function also(method) {
      return function (arg) {
        reporter[method](arg);
        if (!tracker) return;
        try {
          tracker[method](arg);
        } catch (e) {
          warn("dual tracking: " + method + " failed", e && e.message);
        }
      };
    }
    return {
      suspendLimit: reporter.suspendLimit,
      start: function () {
        return reporter.start().then(function (launch) {
          if (launch) {
            try {
              tracker = dualTracker(config, api);
            } catch (e) {
              warn("dual tracking is off", e && e.message);
            }
          }
          return launch;
        });
      },
      progress: also("progress"),
      interaction: also("interaction"),
      result: also("result"),
      flush: also("flush"),
      finish: also("finish"),
      broken: reporter.broken
    };
  }

  /* --- 7f. web preview: the browser's own storage --- */

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
    if (config.format === "scorm12" || config.format === "scorm2004") {
      var api = findApi(config.format === "scorm12" ? "API" : "API_1484_11");
      if (!api) return null;
      var scorm = config.format === "scorm12" ? scorm12Reporter(api) : scorm2004Reporter(api);
      return config.reportTo ? withDualTracking(scorm, config, api) : scorm;
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
    this.progress = { current: this.pageKeys[0], seen: [], answers: {}, best: null, attempts: 0, reported: {}, draw: null };
    this.maxAttempts = this.quiz && this.quiz.maxAttempts ? this.quiz.maxAttempts : null;
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
    var success = judged && this.mastery !== null ? reaches(p.best, this.mastery) : null;
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
    if (this.reporter.broken()) this.notice("lms_error");
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
    // An embedded PDF is loaded when the learner opens it (data-src), not with the module.
    var embeds = document.querySelectorAll("details.pc-pdf");
    for (var e = 0; e < embeds.length; e++) {
      embeds[e].addEventListener("toggle", function () {
        var frame = this.querySelector("iframe[data-src]");
        if (this.open && frame && !frame.getAttribute("src")) frame.setAttribute("src", frame.getAttribute("data-src"));
      });
    }
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
      self.newDraw();
      self.report("progress");
      var first = self.form.querySelector("fieldset:not([disabled]) input, fieldset:not([disabled]) select,"
        + " fieldset:not([disabled]) textarea");
      if (first) first.focus();
    });
    var result = this.form.querySelector(".pc-result");
    this.form.insertBefore(button, result ? result.nextSibling : null);
    return button;
  };

  /* Question pools: `draw` questions (or all of them, shuffled) in an order fixed by a
     seed drawn for each attempt; the seed and the keys travel with the bookmark, so that
     a resumed attempt shows the same questions and reports the same interactions. */

  function seededRandom(seed) {
    var state = seed >>> 0;
    return function () {  // mulberry32
      state = (state + 0x6D2B79F5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function drawKeys(keys, count, seed) {
    var random = seededRandom(seed);
    var order = keys.slice();
    for (var i = order.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order.slice(0, count || order.length);
  }

  function newSeed() {
    if (window.crypto && window.crypto.getRandomValues) return window.crypto.getRandomValues(new Uint32Array(1))[0];
    return Math.floor(Math.random() * 4294967296);
  }

  Module.prototype.activeQuestions = function () {
    var draw = this.progress.draw;
    if (!draw) return this.quiz.questions;
    var byKey = {};
    this.quiz.questions.forEach(function (q) { byKey[q.key] = q; });
    return draw.keys.map(function (k) { return byKey[k]; }).filter(Boolean);
  };

  Module.prototype.newDraw = function () {
    if (!this.quiz || !(this.quiz.draw || this.quiz.shuffle)) return;
    this.applyDraw(this.drawFrom(newSeed()));
  };

  Module.prototype.drawFrom = function (seed) {
    return { seed: seed, keys: drawKeys(this.quiz.questions.map(function (q) { return q.key; }), this.quiz.draw, seed) };
  };

  // Shows the drawn questions in their order, numbered again; the others are hidden and disabled.
  Module.prototype.applyDraw = function (draw) {
    if (!this.form || !this.quiz) return;
    this.progress.draw = draw;
    var submit = this.form.querySelector('button[type="submit"]');
    var self = this;
    this.quiz.questions.forEach(function (q) {
      var fieldset = self.fieldset(q.key);
      if (!fieldset) return;
      var drawn = draw.keys.indexOf(q.key) >= 0;
      fieldset.hidden = !drawn;
      fieldset.disabled = !drawn;
    });
    draw.keys.forEach(function (key, index) {
      var fieldset = self.fieldset(key);
      if (!fieldset) return;
      self.form.insertBefore(fieldset, submit);
      var number = fieldset.querySelector(".pc-question-number");
      if (number) number.textContent = (index + 1) + ".";
    });
  };

  Module.prototype.attemptsUsed = function () {
    return this.maxAttempts !== null && this.progress.attempts >= this.maxAttempts;
  };

  Module.prototype.submitQuiz = function () {
    var self = this;
    var questions = this.activeQuestions();
    if (this.attemptsUsed()) {
      var done = this.form.querySelector(".pc-result");
      if (done) done.textContent = this.text("no_attempt_left", { count: this.maxAttempts });
      return;
    }
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
      if (resultNode) resultNode.textContent = this.text("incomplete_quiz", { count: invalid.length });
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
      var picked = choiceFeedback(q, responses[q.key]);
      var message = self.text(correct ? "correct" : "incorrect") + (picked ? " " + picked : "") + (extra ? " " + extra : "");
      self.setFeedback(q, message, correct ? "correct" : "incorrect");
      self.report("interaction", { question: q, response: responses[q.key], correct: correct, at: now, latencyMs: latencyMs });
    });
    var scaled = scoreQuiz(questions, results);
    var p = this.progress;
    p.answers = responses;
    p.attempts += 1;
    // The best attempt counts, as learners and LMS gradebooks expect.
    if (p.best === null || scaled > p.best) p.best = scaled;
    if (resultNode) resultNode.textContent = this.resultText(scaled);
    this.retryButton().hidden = !(this.mastery !== null && !reaches(scaled, this.mastery)) || this.attemptsUsed();
    this.report("result");
    this.showProgress();
  };

  Module.prototype.resultText = function (scaled) {
    var message = this.text("score", { score: Math.round(scaled * 100) });
    var passed = this.mastery === null || reaches(scaled, this.mastery);
    if (this.mastery !== null) {
      message += " " + this.text(passed ? "passed" : "failed", { mastery: percentText(this.mastery, this.text("decimal_mark")) });
    }
    if (this.maxAttempts !== null && !passed) {
      var left = this.maxAttempts - this.progress.attempts;
      message += " " + (left > 0 ? this.text("attempts_left", { count: left })
        : this.text("no_attempt_left", { count: this.maxAttempts }));
    }
    return message;
  };

  // The feedback an author wrote for the choices the learner picked.
  function choiceFeedback(q, response) {
    if (q.type !== "choice" || !q.choices) return "";
    var picked = String(response || "").split(LIST);
    return q.choices.filter(function (c) { return c.feedback && picked.indexOf(c.id) >= 0; })
      .map(function (c) { return c.feedback; }).join(" ");
  }

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
      this.retryButton().hidden = !(this.mastery !== null && !reaches(this.progress.best, this.mastery))
        || this.attemptsUsed();
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
      if (saved.draw && this.quiz) this.applyDraw(saved.draw.keys ? saved.draw : this.drawFrom(saved.draw.seed));
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
    button.textContent = this.text("exit_module");
    button.addEventListener("click", function () {
      // What is still on its way goes first (a quiz's answers may be 100 KB, more than
      // the beacons that exit() uses can carry); then the last statements, then away.
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      self.settled(EXIT_WAIT_MS).then(function () {
        self.exit();
        window.location.href = returnURL;
      });
    });
    nav.appendChild(button);
  };

  Module.prototype.connect = function () {
    var self = this;
    this.reporter = chooseReporter(this.config);
    if (!this.reporter) {
      // No LMS: the learner reads and the bookmark stays in this browser.
      if (this.config.format !== "web") this.notice("no_lms");
      this.reporter = localReporter(this.config);
    }
    var reporter = this.reporter;
    return reporter.start().then(function (launch) {
      if (!launch) {
        self.notice("lms_error");
        self.reporter = localReporter(self.config);
        return self.reporter.start();
      }
      return launch;
    }, function (error) {
      warn("launch failed", error && error.message);
      self.notice("lms_error");
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

  Module.prototype.settled = function (ms) {
    var reporter = this.reporter;
    return reporter && reporter.settled ? reporter.settled(ms) : Promise.resolve();
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
    this.newDraw();  // a resumed attempt puts its own draw back
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
      var passed = judged && (typeof m.masteryScore === "number" ? reaches(progress.best, m.masteryScore) : true);
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
      formats: { scorm12Timespan: scorm12Timespan, isoDuration: isoDuration, percentText: percentText }
    };
    module.start().catch(function (e) { warn("start failed", e && e.message); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
