/* The preview's SCORM run-time APIs (1.2 "API" and 2004 "API_1484_11"): they check
   every call against the data model the way an LMS does (element names, read-only
   and write-only elements, vocabularies, formats, ranges, array indices, call order)
   and report each call with its value and error code. */
(function () {
  "use strict";

  var DECIMAL = /^-?\d+(\.\d+)?$/;
  var TIMESPAN12 = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var TIME12 = /^\d{2}:\d{2}:\d{2}(\.\d{1,2})?$/;
  var IDENTIFIER12 = /^[\w\-.:]{1,255}$/;
  var DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/;
  var TIMESTAMP = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$/;
  var INTERACTION_TYPES = ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other"];

  function text(max) {
    return function (v) { return v.length <= max ? null : "range"; };
  }
  function vocabulary(words) {
    return function (v) { return words.indexOf(v) >= 0 ? null : "type"; };
  }
  function pattern(re) {
    return function (v) { return re.test(v) ? null : "type"; };
  }
  function decimal(min, max) {
    return function (v) {
      if (!DECIMAL.test(v)) return "type";
      var n = parseFloat(v);
      return (min !== null && n < min) || (max !== null && n > max) ? "range" : null;
    };
  }
  function blankOr(check) {
    return function (v) { return v === "" ? null : check(v); };
  }

  /* ---- SCORM 1.2 ---- */

  var ERRORS12 = {
    0: "No error", 101: "General exception", 201: "Invalid argument error", 202: "Element cannot have children",
    203: "Element not an array - cannot have count", 301: "Not initialized", 401: "Not implemented error",
    402: "Invalid set value, element is a keyword", 403: "Element is read only", 404: "Element is write only",
    405: "Incorrect Data Type"
  };

  // [pattern, access, check]; `n` stands for an array index
  var MODEL12 = [
    ["cmi._version", "ro"], ["cmi.core._children", "ro"], ["cmi.core.student_id", "ro"],
    ["cmi.core.student_name", "ro"], ["cmi.core.lesson_location", "rw", text(255)], ["cmi.core.credit", "ro"],
    ["cmi.core.lesson_status", "rw", vocabulary(["passed", "completed", "failed", "incomplete", "browsed"])],
    ["cmi.core.entry", "ro"], ["cmi.core.score._children", "ro"],
    ["cmi.core.score.raw", "rw", blankOr(decimal(0, 100))], ["cmi.core.score.max", "rw", blankOr(decimal(0, 100))],
    ["cmi.core.score.min", "rw", blankOr(decimal(0, 100))], ["cmi.core.total_time", "ro"],
    ["cmi.core.lesson_mode", "ro"], ["cmi.core.exit", "wo", vocabulary(["time-out", "suspend", "logout", ""])],
    ["cmi.core.session_time", "wo", pattern(TIMESPAN12)], ["cmi.suspend_data", "rw", text(4096)],
    ["cmi.launch_data", "ro"], ["cmi.comments", "rw", text(4096)], ["cmi.comments_from_lms", "ro"],
    ["cmi.student_data._children", "ro"], ["cmi.student_data.mastery_score", "ro"],
    ["cmi.student_data.max_time_allowed", "ro"], ["cmi.student_data.time_limit_action", "ro"],
    ["cmi.student_preference._children", "ro"], ["cmi.student_preference.audio", "rw", decimal(-1, 100)],
    ["cmi.student_preference.language", "rw", text(255)], ["cmi.student_preference.speed", "rw", decimal(-100, 100)],
    ["cmi.student_preference.text", "rw", decimal(-1, 1)],
    ["cmi.objectives._children", "ro"], ["cmi.objectives._count", "ro"],
    ["cmi.objectives.n.id", "rw", pattern(IDENTIFIER12)],
    ["cmi.objectives.n.score.raw", "rw", blankOr(decimal(0, 100))],
    ["cmi.objectives.n.score.min", "rw", blankOr(decimal(0, 100))],
    ["cmi.objectives.n.score.max", "rw", blankOr(decimal(0, 100))],
    ["cmi.objectives.n.status", "rw", vocabulary(["passed", "completed", "failed", "incomplete", "browsed", "not attempted"])],
    ["cmi.interactions._children", "ro"], ["cmi.interactions._count", "ro"],
    ["cmi.interactions.n.id", "wo", pattern(IDENTIFIER12)],
    ["cmi.interactions.n.objectives._count", "ro"], ["cmi.interactions.n.objectives.n.id", "wo", pattern(IDENTIFIER12)],
    ["cmi.interactions.n.time", "wo", pattern(TIME12)],
    ["cmi.interactions.n.type", "wo", vocabulary(["true-false", "choice", "fill-in", "matching", "performance",
      "sequencing", "likert", "numeric"])],
    ["cmi.interactions.n.correct_responses._count", "ro"],
    ["cmi.interactions.n.correct_responses.n.pattern", "wo", text(255)],
    ["cmi.interactions.n.weighting", "wo", decimal(null, null)],
    ["cmi.interactions.n.student_response", "wo", text(255)],
    ["cmi.interactions.n.result", "wo", function (v) {
      return ["correct", "wrong", "unanticipated", "neutral"].indexOf(v) >= 0 || DECIMAL.test(v) ? null : "type";
    }],
    ["cmi.interactions.n.latency", "wo", pattern(TIMESPAN12)]
  ];

  var CHILDREN12 = {
    "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score._children": "raw,min,max",
    "cmi.student_data._children": "mastery_score,max_time_allowed,time_limit_action",
    "cmi.student_preference._children": "audio,language,speed,text",
    "cmi.objectives._children": "id,score,status",
    "cmi.interactions._children": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"
  };

  /* ---- SCORM 2004 4th edition ---- */

  var ERRORS2004 = {
    0: "No Error", 101: "General Exception", 102: "General Initialization Failure", 103: "Already Initialized",
    104: "Content Instance Terminated", 111: "General Termination Failure", 112: "Termination Before Initialization",
    113: "Termination After Termination", 122: "Retrieve Data Before Initialization",
    123: "Retrieve Data After Termination", 132: "Store Data Before Initialization", 133: "Store Data After Termination",
    142: "Commit Before Initialization", 143: "Commit After Termination", 201: "General Argument Error",
    301: "General Get Failure", 351: "General Set Failure", 391: "General Commit Failure",
    401: "Undefined Data Model Element", 402: "Unimplemented Data Model Element",
    403: "Data Model Element Value Not Initialized", 404: "Data Model Element Is Read Only",
    405: "Data Model Element Is Write Only", 406: "Data Model Element Type Mismatch",
    407: "Data Model Element Value Out Of Range", 408: "Data Model Dependency Not Established"
  };

  var MODEL2004 = [
    ["cmi._version", "ro"], ["cmi.learner_id", "ro"], ["cmi.learner_name", "ro"], ["cmi.credit", "ro"],
    ["cmi.entry", "ro"], ["cmi.mode", "ro"], ["cmi.launch_data", "ro"], ["cmi.total_time", "ro"],
    ["cmi.scaled_passing_score", "ro"], ["cmi.completion_threshold", "ro"], ["cmi.max_time_allowed", "ro"],
    ["cmi.time_limit_action", "ro"], ["cmi.location", "rw", text(1000)], ["cmi.suspend_data", "rw", text(64000)],
    ["cmi.completion_status", "rw", vocabulary(["completed", "incomplete", "not attempted", "unknown"])],
    ["cmi.success_status", "rw", vocabulary(["passed", "failed", "unknown"])],
    ["cmi.progress_measure", "rw", decimal(0, 1)], ["cmi.score._children", "ro"],
    ["cmi.score.scaled", "rw", decimal(-1, 1)], ["cmi.score.raw", "rw", decimal(null, null)],
    ["cmi.score.min", "rw", decimal(null, null)], ["cmi.score.max", "rw", decimal(null, null)],
    ["cmi.exit", "wo", vocabulary(["time-out", "suspend", "logout", "normal", ""])],
    ["cmi.session_time", "wo", pattern(DURATION)],
    ["cmi.learner_preference._children", "ro"], ["cmi.learner_preference.audio_level", "rw", decimal(0, null)],
    ["cmi.learner_preference.language", "rw", text(250)], ["cmi.learner_preference.delivery_speed", "rw", decimal(0, null)],
    ["cmi.learner_preference.audio_captioning", "rw", vocabulary(["-1", "0", "1"])],
    ["cmi.objectives._children", "ro"], ["cmi.objectives._count", "ro"],
    ["cmi.objectives.n.id", "rw", text(4000)], ["cmi.objectives.n.score._children", "ro"],
    ["cmi.objectives.n.score.scaled", "rw", decimal(-1, 1)], ["cmi.objectives.n.score.raw", "rw", decimal(null, null)],
    ["cmi.objectives.n.score.min", "rw", decimal(null, null)], ["cmi.objectives.n.score.max", "rw", decimal(null, null)],
    ["cmi.objectives.n.success_status", "rw", vocabulary(["passed", "failed", "unknown"])],
    ["cmi.objectives.n.completion_status", "rw", vocabulary(["completed", "incomplete", "not attempted", "unknown"])],
    ["cmi.objectives.n.progress_measure", "rw", decimal(0, 1)], ["cmi.objectives.n.description", "rw", text(250)],
    ["cmi.interactions._children", "ro"], ["cmi.interactions._count", "ro"],
    ["cmi.interactions.n.id", "rw", text(4000)],
    ["cmi.interactions.n.type", "rw", vocabulary(INTERACTION_TYPES)],
    ["cmi.interactions.n.objectives._count", "ro"], ["cmi.interactions.n.objectives.n.id", "rw", text(4000)],
    ["cmi.interactions.n.timestamp", "rw", pattern(TIMESTAMP)],
    ["cmi.interactions.n.correct_responses._count", "ro"],
    ["cmi.interactions.n.correct_responses.n.pattern", "rw", text(4000)],
    ["cmi.interactions.n.weighting", "rw", decimal(null, null)],
    ["cmi.interactions.n.learner_response", "rw", text(4000)],
    ["cmi.interactions.n.result", "rw", function (v) {
      return ["correct", "incorrect", "unanticipated", "neutral"].indexOf(v) >= 0 || DECIMAL.test(v) ? null : "type";
    }],
    ["cmi.interactions.n.latency", "rw", pattern(DURATION)],
    ["cmi.interactions.n.description", "rw", text(250)],
    ["adl.nav.request", "rw", function (v) {
      return /^(\{target=[^}]+\}(choice|jump)|continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_)$/.test(v)
        ? null : "type";
    }]
  ];

  var CHILDREN2004 = {
    "cmi.score._children": "scaled,raw,min,max",
    "cmi.learner_preference._children": "audio_level,language,delivery_speed,audio_captioning",
    "cmi.objectives._children": "id,score,success_status,completion_status,progress_measure,description",
    "cmi.interactions._children": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description"
  };

  function compile(model) {
    return model.map(function (row) {
      var source = "^" + row[0].replace(/\./g, "\\.").replace(/\\\.n(?=\\\.|$)/g, "\\.(\\d+)") + "$";
      return { re: new RegExp(source), access: row[1], check: row[2] || null, name: row[0] };
    });
  }

  function makeApi(version, options) {
    var is12 = version === "1.2";
    var rules = compile(is12 ? MODEL12 : MODEL2004);
    var errors = is12 ? ERRORS12 : ERRORS2004;
    var children = is12 ? CHILDREN12 : CHILDREN2004;
    var code = {
      notInitialized: is12 ? 301 : null, readOnly: is12 ? 403 : 404, writeOnly: is12 ? 404 : 405,
      type: is12 ? 405 : 406, range: is12 ? 405 : 407, undefinedElement: is12 ? 201 : 401,
      invalidIndex: is12 ? 201 : 351, keyword: is12 ? 402 : 404, notSet: is12 ? 0 : 403
    };
    var self = {
      data: {},          // element -> value
      phase: "new",      // new | running | finished
      lastError: 0,
      listener: options.onCall || function () {},
      onChange: options.onChange || function () {}
    };

    function initialValues() {
      var d = {};
      if (is12) {
        d["cmi._version"] = "3.4";
        d["cmi.core.student_id"] = "apprenant-apercu";
        d["cmi.core.student_name"] = "Aperçu, Apprenant";
        d["cmi.core.lesson_location"] = "";
        d["cmi.core.credit"] = "credit";
        d["cmi.core.lesson_status"] = "not attempted";
        d["cmi.core.entry"] = "ab-initio";
        d["cmi.core.total_time"] = "0000:00:00.00";
        d["cmi.core.lesson_mode"] = "normal";
        d["cmi.suspend_data"] = "";
        d["cmi.launch_data"] = options.launchData() || "";
        var mastery = options.masteryScore();
        d["cmi.student_data.mastery_score"] = mastery === null ? "" : String(Math.round(mastery * 100));
      } else {
        d["cmi._version"] = "1.0";
        d["cmi.learner_id"] = "apprenant-apercu";
        d["cmi.learner_name"] = "Aperçu, Apprenant";
        d["cmi.credit"] = "credit";
        d["cmi.entry"] = "ab-initio";
        d["cmi.mode"] = "normal";
        d["cmi.completion_status"] = "unknown";
        d["cmi.success_status"] = "unknown";
        d["cmi.total_time"] = "PT0S";
        var launch = options.launchData();
        if (launch) d["cmi.launch_data"] = launch;
        var scaled = options.masteryScore();
        if (scaled !== null) d["cmi.scaled_passing_score"] = String(scaled);
      }
      return d;
    }
    self.data = initialValues();

    function rule(element) {
      for (var i = 0; i < rules.length; i++) {
        var m = rules[i].re.exec(element);
        if (m) return { rule: rules[i], indices: m.slice(1).map(Number) };
      }
      return null;
    }

    function count(prefix) {
      var n = 0;
      var re = new RegExp("^" + prefix.replace(/\./g, "\\.") + "\\.(\\d+)\\.");
      Object.keys(self.data).forEach(function (k) {
        var m = re.exec(k);
        if (m) n = Math.max(n, Number(m[1]) + 1);
      });
      return n;
    }

    function log(method, args, result) {
      self.listener({ method: method, args: args, result: result, error: self.lastError,
        errorText: errors[self.lastError] || "" });
    }

    function fail(n) {
      self.lastError = n;
      return n;
    }

    function checkPhase(before, after) {
      if (self.phase === "new") return fail(is12 ? 301 : before);
      if (self.phase === "finished") return fail(is12 ? 301 : after);
      return 0;
    }

    // A new launch of the same SCO (the preview reloads it): a new session on the same data.
    function newSession() {
      var exit = self.data[is12 ? "cmi.core.exit" : "cmi.exit"];
      self.data[is12 ? "cmi.core.entry" : "cmi.entry"] = exit === "suspend" ? "resume" : "";
      delete self.data[is12 ? "cmi.core.exit" : "cmi.exit"];
      delete self.data[is12 ? "cmi.core.session_time" : "cmi.session_time"];
      self.phase = "new";
      options.onSession && options.onSession();
    }

    function initialize(method, arg) {
      self.lastError = 0;
      if (arg !== "") fail(201);
      else if (self.phase === "running") fail(is12 ? 101 : 103);
      else {
        if (self.phase === "finished") newSession();
        self.phase = "running";
      }
      var result = self.lastError ? "false" : "true";
      log(method, [arg], result);
      return result;
    }

    function finish(method, arg) {
      self.lastError = 0;
      if (arg !== "") fail(201);
      else if (!checkPhase(112, 113)) self.phase = "finished";
      var result = self.lastError ? "false" : "true";
      log(method, [arg], result);
      self.onChange();
      return result;
    }

    function getValue(method, element) {
      self.lastError = 0;
      var value = "";
      element = String(element);
      if (!checkPhase(122, 123)) {
        if (element === "") fail(is12 ? 201 : 301);
        else if (/\._count$/.test(element)) {
          if (rule(element)) value = String(count(element.replace(/\._count$/, "")));
          else fail(is12 ? 203 : 401);
        } else if (/\._children$/.test(element)) {
          if (children[element]) value = children[element];
          else if (rule(element)) value = element === "cmi.core._children" ? children[element] : "";
          else fail(is12 ? 202 : 401);
        } else {
          var found = rule(element);
          if (!found) fail(code.undefinedElement);
          else if (found.rule.access === "wo") fail(code.writeOnly);
          else if (!(element in self.data)) {
            if (!is12) fail(403);  // 1.2 answers "" for an element never set
          } else value = self.data[element];
        }
      }
      log(method, [element], value);
      return value;
    }

    function setValue(method, element, value) {
      self.lastError = 0;
      element = String(element);
      value = String(value);
      if (!checkPhase(132, 133)) {
        var found = rule(element);
        if (/\._(count|children|version)$/.test(element)) fail(code.keyword);
        else if (!found) fail(code.undefinedElement);
        else if (found.rule.access === "ro") fail(code.readOnly);
        else {
          // an array item comes at the end of its array or replaces an existing one
          var ok = true;
          var prefix = element;
          found.indices.forEach(function (index) {
            var head = prefix.slice(0, prefix.search(new RegExp("\\." + index + "(\\.|$)")));
            if (index > count(head)) ok = false;
            prefix = prefix.replace(new RegExp("\\." + index + "(\\.|$)"), ".#$1");
          });
          if (!ok) fail(code.invalidIndex);
          else {
            var problem = found.rule.check ? found.rule.check(value) : null;
            if (problem === "type") fail(code.type);
            else if (problem === "range") fail(code.range);
            else if (!is12 && /^cmi\.interactions\.\d+\.(?!id$)/.test(element) &&
                     !self.data[element.replace(/^(cmi\.interactions\.\d+)\..*$/, "$1.id")]) fail(408);
            else self.data[element] = value;
          }
        }
      }
      var result = self.lastError ? "false" : "true";
      log(method, [element, value], result);
      self.onChange();
      return result;
    }

    function commit(method, arg) {
      self.lastError = 0;
      if (arg !== "") fail(201);
      else checkPhase(142, 143);
      var result = self.lastError ? "false" : "true";
      log(method, [arg], result);
      return result;
    }

    function lastError(method) {
      return String(self.lastError);
    }
    function errorString(method, n) {
      return errors[Number(n)] || "";
    }

    var api = is12 ? {
      LMSInitialize: function (a) { return initialize("LMSInitialize", a); },
      LMSFinish: function (a) { return finish("LMSFinish", a); },
      LMSGetValue: function (e) { return getValue("LMSGetValue", e); },
      LMSSetValue: function (e, v) { return setValue("LMSSetValue", e, v); },
      LMSCommit: function (a) { return commit("LMSCommit", a); },
      LMSGetLastError: function () { return lastError(); },
      LMSGetErrorString: function (n) { return errorString("LMSGetErrorString", n); },
      LMSGetDiagnostic: function (n) { return errorString("LMSGetDiagnostic", n === "" ? self.lastError : n); }
    } : {
      Initialize: function (a) { return initialize("Initialize", a); },
      Terminate: function (a) { return finish("Terminate", a); },
      GetValue: function (e) { return getValue("GetValue", e); },
      SetValue: function (e, v) { return setValue("SetValue", e, v); },
      Commit: function (a) { return commit("Commit", a); },
      GetLastError: function () { return lastError(); },
      GetErrorString: function (n) { return errorString("GetErrorString", n); },
      GetDiagnostic: function (n) { return errorString("GetDiagnostic", n === "" ? self.lastError : n); }
    };
    api.inspector = {
      state: function () { return self.data; },
      reset: function () { self.data = initialValues(); self.phase = "new"; self.lastError = 0; self.onChange(); }
    };
    return api;
  }

  window.parcoursPreviewScorm = { makeApi: makeApi };
})();
