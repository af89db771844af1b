/* The preview page: keeps the course frame on the last good build, reloads it after
   each rebuild (the module resumes where the learner was), and shows what the LMS or
   the LRS receives. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("pv-config").textContent);
  var t = config.texts;
  var frame = document.getElementById("pv-frame");
  var select = document.getElementById("pv-module");
  var status = document.getElementById("pv-status");
  var errorBox = document.getElementById("pv-error");
  var errorText = document.getElementById("pv-error-text");
  var calls = document.getElementById("pv-calls");
  var cmiBody = document.querySelector("#pv-cmi tbody");
  var statementList = document.getElementById("pv-statements");
  var masteryInput = document.getElementById("pv-mastery");
  var launchInput = document.getElementById("pv-launch-data");
  var generation = config.generation;
  var apis = {};  // SCORM: one API object (one attempt) a module

  function format(template, vars) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return vars[name] !== undefined ? vars[name] : whole; });
  }

  function currentModule() {
    var key = select ? select.value : null;
    return config.modules.filter(function (m) { return m.key === key; })[0] || config.modules[0];
  }

  function masteryScore() {
    var text = masteryInput ? masteryInput.value.trim().replace(",", ".") : "";
    if (text === "") {
      var module = currentModule();
      return module && typeof module.masteryScore === "number" ? module.masteryScore : null;
    }
    var n = parseFloat(text);
    return isNaN(n) ? null : n;
  }

  /* --- SCORM: the API object in this (parent) frame --- */

  function addCall(entry) {
    if (!calls) return;
    var item = document.createElement("li");
    var args = entry.args.map(function (a) { return JSON.stringify(a); }).join(", ");
    item.textContent = entry.method + "(" + args + ") → " + JSON.stringify(entry.result) + " [" + entry.error +
      (entry.error ? " " + entry.errorText : "") + "]";
    if (entry.error) item.className = "pv-bad";
    calls.appendChild(item);
  }

  function showCmi(api) {
    if (!cmiBody) return;
    var data = api.inspector.state();
    cmiBody.textContent = "";
    Object.keys(data).sort().forEach(function (key) {
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      name.textContent = key;
      var value = document.createElement("td");
      value.textContent = data[key];
      row.appendChild(name);
      row.appendChild(value);
      cmiBody.appendChild(row);
    });
  }

  function scormApi(module) {
    if (!apis[module.key]) {
      var api = window.parcoursPreviewScorm.makeApi(config.format === "scorm12" ? "1.2" : "2004", {
        onCall: addCall,
        onChange: function () { showCmi(api); },
        onSession: function () {
          if (!calls) return;
          var item = document.createElement("li");
          item.className = "pv-session";
          item.textContent = t.new_session;
          calls.appendChild(item);
        },
        masteryScore: masteryScore,
        launchData: function () { return launchInput ? launchInput.value : ""; }
      });
      apis[module.key] = api;
    }
    var chosen = apis[module.key];
    if (config.format === "scorm12") window.API = chosen;
    else window.API_1484_11 = chosen;
    showCmi(chosen);
    return chosen;
  }

  /* --- cmi5 and Tin Can: statements from the preview's LRS --- */

  var shownStatements = {};

  function addStatement(recorded) {
    if (!statementList || shownStatements[recorded.number]) return;
    shownStatements[recorded.number] = true;
    var s = recorded.statement;
    var item = document.createElement("li");
    var verb = s.verb && (s.verb.display && (s.verb.display["en-US"] || s.verb.display.en) || s.verb.id) || "?";
    var object = s.object && s.object.id || "";
    var head = document.createElement("p");
    head.textContent = recorded.number + ". " + verb + " " + object;
    var result = s.result ? " " + JSON.stringify(s.result) : "";
    if (result) head.textContent += result;
    var verdict = document.createElement("p");
    verdict.className = recorded.findings.length ? "pv-verdict pv-bad" : "pv-verdict pv-good";
    verdict.textContent = recorded.findings.length
      ? format(t.invalid, { count: recorded.findings.length }) + " : " +
        recorded.findings.map(function (f) { return (f.path ? f.path + " " : "") + f.message; }).join(" ; ")
      : t.valid;
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = "JSON";
    var pre = document.createElement("pre");
    pre.textContent = JSON.stringify(s, null, 2);
    details.appendChild(summary);
    details.appendChild(pre);
    item.appendChild(head);
    item.appendChild(verdict);
    item.appendChild(details);
    item.setAttribute("data-verb", verb);
    statementList.appendChild(item);
  }

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}) }).then(function (r) { return r.json(); });
  }

  /* --- launching and reloading --- */

  function launch() {
    var module = currentModule();
    if (config.format === "web") {
      frame.src = "/site/index.html";
      return;
    }
    if (config.format === "scorm12" || config.format === "scorm2004") {
      scormApi(module);
      frame.src = "/site/" + module.launch;
      return;
    }
    var settings = {};
    var mastery = masteryScore();
    if (mastery !== null) settings.masteryScore = mastery;
    if (launchInput && launchInput.value) settings.launchParameters = launchInput.value;
    post("/preview/launch?module=" + encodeURIComponent(module.key), settings).then(function (answer) {
      frame.src = answer.url;
    });
  }

  // After a rebuild the frame reloads on its own address: the runtime resumes on the
  // learner's page from its bookmark (localStorage, the CMI data or the LRS state).
  function reloadFrame() {
    try {
      frame.contentWindow.location.reload();
    } catch (e) {
      launch();
    }
  }

  function showBuild(data) {
    if (data.error) {
      errorText.textContent = data.error;
      errorBox.hidden = false;
      status.textContent = t.build_error;
      return;
    }
    errorBox.hidden = true;
    errorText.textContent = "";
    status.textContent = format(t.built, { generation: data.generation });
    if (data.generation !== generation) {
      generation = data.generation;
      reloadFrame();
    }
  }

  // The first launch waits for the event stream, so that no statement of it is missed.
  function listen(then) {
    var events = new EventSource("/preview/events");
    var started = false;
    events.addEventListener("build", function (event) {
      showBuild(JSON.parse(event.data));
      if (!started) {
        started = true;
        then();
      }
    });
    events.addEventListener("statement", function (event) { addStatement(JSON.parse(event.data)); });
  }

  if (select) select.addEventListener("change", launch);
  var settingsForm = document.getElementById("pv-settings");
  if (settingsForm) {
    settingsForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var module = currentModule();
      if (apis[module.key]) apis[module.key].inspector.reset();
      launch();
    });
  }
  var resetButton = document.getElementById("pv-reset");
  if (resetButton) {
    resetButton.addEventListener("click", function () {
      if (calls) calls.textContent = "";
      if (statementList) statementList.textContent = "";
      Object.keys(apis).forEach(function (k) { apis[k].inspector.reset(); });
      if (config.format === "cmi5" || config.format === "xapi") post("/preview/reset").then(launch);
      else launch();
    });
  }

  listen(function () {
    if (!statementList) {
      launch();
      return;
    }
    fetch("/preview/statements").then(function (r) { return r.json(); }).then(function (list) {
      list.forEach(addStatement);
      launch();
    });
  });
})();
