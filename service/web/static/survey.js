// The survey page, a little easier: focus on what just happened, length counters, declining
// reached from the introduction, and the form without page reloads (autosave with a visible
// state, live progress per section). The page works fully without this script.
(function () {
  "use strict";

  // What the page says first after a save or a refused post (the saved notice, or a list of
  // problems) takes the focus, so it is seen and read out wherever the button was.
  var first = document.getElementById("saved") ||
    document.getElementById("problems") ||
    document.getElementById("decline-problems");
  if (first) first.focus();

  // The page's words in its language: data-text-* on the survey form, each with its
  // {placeholders}; the page's language writes the numbers.
  var wordsFrom = document.getElementById("survey-form");
  var language = (wordsFrom && wordsFrom.getAttribute("data-language")) || "en";

  function words(key, values) {
    var text = (wordsFrom && wordsFrom.getAttribute("data-text-" + key)) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? values[name] : whole;
    });
  }

  function number(value) {
    return value.toLocaleString(language);
  }

  // Counters: "n of limit characters", once the text nears its limit, or always for a box
  // marked data-counter="always". Read out once typing pauses, not at every key.
  var counterStatus = document.getElementById("counter-status");
  var announce = null;

  function updateCounter(textarea) {
    var limit = Number(textarea.getAttribute("data-max-length"));
    var length = textarea.value.length;
    var text = "";
    if (length > limit) {
      var over = length - limit;
      text = words(over === 1 ? "over-one" : "over-many", { over: number(over), limit: number(limit) });
    } else if (length > limit * 0.9 || textarea.getAttribute("data-counter") === "always") {
      text = words("count", { length: number(length), limit: number(limit) });
    }
    var counter = document.getElementById(textarea.id + "-counter");
    counter.textContent = text;
    counter.classList.toggle("over", length > limit);
    return text;
  }

  function counterTyped(textarea) {
    var text = updateCounter(textarea);
    clearTimeout(announce);
    if (counterStatus && text) {
      announce = setTimeout(function () {
        counterStatus.textContent = text;
      }, 1000);
    }
  }

  var counted = document.querySelectorAll("textarea[data-max-length]");
  Array.prototype.forEach.call(counted, updateCounter);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-max-length]")) {
      counterTyped(event.target);
    }
  });

  // A link to a place inside closed details (declining, from the introduction) opens them
  // first, so the browser scrolls to what the link names.
  function openAround(target) {
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("a[href^='#']"), function (link) {
    var target = document.getElementById(link.hash.slice(1));
    if (target && target.closest("details")) {
      link.addEventListener("click", function () {
        openAround(target);
      });
    }
  });

  // A link in a list of problems puts the keyboard on the field, not just the view.
  Array.prototype.forEach.call(document.querySelectorAll(".error-summary a"), function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.hash.slice(1));
      if (!target) return;
      var field = target.matches("input, textarea") ? target : target.querySelector("input, textarea");
      if (!field) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });

  var form = document.getElementById("survey-form");
  if (!form || !window.fetch || !window.FormData) return;

  var status = document.getElementById("save-status");
  var csrfToken = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var saving = false;
  var again = false;

  function show(text, state) {
    status.textContent = text;
    status.setAttribute("data-state", state);
  }


  function save() {
    clearTimeout(timer);
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    show(words("saving"), "saving");
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          var refusal = [403, 409, 422].indexOf(response.status) >= 0 ? "refused-" + response.status : "refused";
          show(words(refusal), "error");
          return;
        }
        return response.json().then(function (body) {
          show(words("saved-at", { time: body.saved_at_text }), "saved");
        });
      })
      .catch(function () {
        show(words("offline"), "error");
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function saveSoon(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function answeredIn(root) {
    return Array.prototype.filter.call(root.querySelectorAll("fieldset.item"), function (item) {
      return item.querySelector("input:checked") !== null;
    }).length;
  }

  function updateProgress() {
    Array.prototype.forEach.call(form.querySelectorAll("section.skill"), function (section) {
      var counter = section.querySelector("[data-answered]");
      if (counter) counter.textContent = answeredIn(section);
    });
    form.querySelector("[data-answered-total]").textContent = answeredIn(form);
  }

  form.addEventListener("change", function (event) {
    var item = event.target.closest("fieldset.item");
    if (item) item.classList.remove("has-error");
    updateProgress();
    saveSoon(300);
  });

  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") saveSoon(1500);
  });

  // A change still waiting for its autosave goes out as the page is left; the CSRF token
  // travels in the form data, since a beacon cannot carry headers.
  window.addEventListener("pagehide", function () {
    if (timer !== null && navigator.sendBeacon) {
      clearTimeout(timer);
      timer = null;
      navigator.sendBeacon(form.getAttribute("data-autosave-url"), new FormData(form));
    }
  });
})();
