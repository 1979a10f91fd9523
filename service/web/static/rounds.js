// "More rows" on the start page adds one empty rater row in place, without a round trip.
// Without this script the button posts the form and the page comes back with more rows.
(function () {
  "use strict";
  var rows = document.querySelector("[data-rater-rows]");
  var button = document.querySelector("[data-more-rows]");
  if (!rows || !button) {
    return;
  }
  var PATTERN = /^raters-\d+-/;

  button.addEventListener("click", function (event) {
    var all = rows.querySelectorAll("[data-rater-row]");
    var last = all[all.length - 1];
    if (!last) {
      return;
    }
    event.preventDefault();
    var index = all.length;
    var row = last.cloneNode(true);
    row.classList.remove("has-error");
    // A fresh row has no errors, so nothing for its fields to point at.
    row.querySelectorAll(".field-error").forEach(function (error) {
      error.remove();
    });
    row.querySelectorAll("input, select, label").forEach(function (element) {
      ["id", "name", "for"].forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value) {
          element.setAttribute(attribute, value.replace(PATTERN, "raters-" + index + "-"));
        }
      });
      element.removeAttribute("aria-invalid");
      element.removeAttribute("aria-describedby");
      if (element.tagName === "INPUT") {
        element.value = "";
      } else if (element.tagName === "SELECT") {
        element.selectedIndex = 0;
      }
    });
    // The cloned row's legend, in the page's language, with the new row's number.
    var legend = row.querySelector("legend");
    legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
    rows.appendChild(row);
    row.querySelector("input").focus();
  });
})();
