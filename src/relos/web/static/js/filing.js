/* The filing form: add/remove elements, show the fields of each element's kind, and check
 * the filing live against the agreement (POST /deployments/check, the same service as
 * POST /api/v1/deployments/validate), showing each problem beside its field. */
(function () {
  "use strict";
  var form = document.getElementById("filing");
  if (!form) { return; }
  var csrf = document.body.dataset.csrf;
  var statusBox = document.getElementById("check-status");
  var messages = document.getElementById("check-messages").dataset;
  var elements = document.getElementById("elements");
  var template = document.getElementById("element-template");
  var timer = null;
  var sequence = 0;
  var touched = {};

  function showKind(fieldset) {
    var kind = fieldset.querySelector("[data-kind-select]").value;
    fieldset.querySelectorAll("[data-kind]").forEach(function (group) {
      var on = group.dataset.kind === kind;
      group.hidden = !on;
      group.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    });
  }

  function renumber() {
    var fieldsets = elements.querySelectorAll("fieldset.element");
    fieldsets.forEach(function (fs, n) {
      fs.querySelector("[data-element-number]").textContent = String(n + 1);
      var remove = fs.querySelector("[data-remove-element]");
      remove.hidden = fieldsets.length < 2;
    });
  }

  function nextIndex() {
    var max = -1;
    elements.querySelectorAll("fieldset.element").forEach(function (fs) {
      max = Math.max(max, parseInt(fs.dataset.element, 10));
    });
    return max + 1;
  }

  function addElement() {
    var index = String(nextIndex());
    var html = template.innerHTML.split("__i__").join(index);
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fieldset = holder.querySelector("fieldset");
    elements.appendChild(fieldset);
    var previous = fieldset.previousElementSibling;
    if (previous) {
      ["facility", "start", "end"].forEach(function (name) {
        var from = previous.querySelector('[name$=".' + name + '"]');
        var to = fieldset.querySelector('[name$=".' + name + '"]');
        if (from && to) { to.value = from.value; }
      });
    }
    showKind(fieldset);
    renumber();
    fieldset.querySelector("select").focus();
    schedule();
  }

  function clearProblems() {
    form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showProblems(problems) {
    clearProblems();
    var general = [];
    problems.forEach(function (problem) {
      // Say "required" only about fields the officer has been to; rules are always shown.
      if (problem.input && !touched[problem.key]) { return; }
      var slot = form.querySelector('[data-error-for="' + CSS.escape(problem.key) + '"]');
      var input = form.querySelector('[name="' + CSS.escape(problem.key) + '"]');
      if (!slot) { general.push(problem.text); return; }
      slot.textContent = slot.textContent ? slot.textContent + " " + problem.text : problem.text;
      if (input) { input.setAttribute("aria-invalid", "true"); }
    });
    return general;
  }

  function check() {
    var mine = ++sequence;
    statusBox.textContent = messages.checking;
    statusBox.className = "check-status";
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      if (mine !== sequence) { return; }
      var general = showProblems(result.problems);
      if (result.ok && result.status === "pending_host_consent") {
        // Only rules the host may waive are broken, and the exception is asked for.
        statusBox.textContent = "";
        statusBox.appendChild(document.createTextNode(messages.pending));
        var list = document.createElement("ul");
        result.excepted.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        statusBox.appendChild(list);
        statusBox.className = "check-status pending";
      } else if (result.ok) {
        statusBox.textContent = messages.ok;
        statusBox.className = "check-status ok";
      } else if (result.may_ask && exceptionsAllowed()) {
        statusBox.textContent = [messages.mayAsk].concat(general).join(" ");
        statusBox.className = "check-status bad";
      } else if (result.problems.every(function (p) { return p.input; })) {
        statusBox.textContent = messages.incomplete;
        statusBox.className = "check-status";
      } else {
        statusBox.textContent = [messages.bad].concat(general).join(" ");
        statusBox.className = "check-status bad";
      }
      form.dataset.checked = result.ok ? "ok" : "bad";
    }).catch(function () {
      if (mine === sequence) { statusBox.textContent = ""; }
    });
  }

  function exceptionsAllowed() {
    var select = form.querySelector('[name="agreement"]');
    var option = select && select.options[select.selectedIndex];
    return Boolean(option && option.dataset.exceptions === "1");
  }

  function schedule() {
    // An amendment is judged on submit: a plain check would count its own old elements.
    if (!form.dataset.check) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 350);
  }

  elements.querySelectorAll("fieldset.element").forEach(showKind);
  renumber();
  form.addEventListener("input", function (event) {
    if (event.target.name) { touched[event.target.name] = true; }
    schedule();
  });
  form.addEventListener("focusout", function (event) {
    if (event.target.name) { touched[event.target.name] = true; }
  });
  form.addEventListener("change", function (event) {
    if (event.target.name) { touched[event.target.name] = true; }
    if (event.target.matches("[data-kind-select]")) { showKind(event.target.closest("fieldset")); }
    schedule();
  });
  elements.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-element]");
    if (!button) { return; }
    button.closest("fieldset").remove();
    renumber();
    schedule();
  });
  document.getElementById("add-element").addEventListener("click", addElement);
}());
