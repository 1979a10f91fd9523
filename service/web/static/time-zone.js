// The browser's time zone, told to the server: a `tz` cookie, so that every page shows its
// dates and times on the viewer's clock, and the hidden `time_zone` field of the forms that
// take a date and a time, so that what is typed is read in the zone it was typed in.
// Without this script the pages use UTC and say so.
(function () {
  "use strict";

  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;

  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax" +
    (location.protocol === "https:" ? "; Secure" : "");

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  // A moment as this browser's clock shows it, in the form a date-and-time input holds.
  function onThisClock(iso) {
    var moment = new Date(iso);
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()) +
      "T" + pad(moment.getHours()) + ":" + pad(moment.getMinutes());
  }

  // A form shown before the server knew this zone (the first page): its zone, its hint and
  // a value filled from a known moment (the current deadline) move to this browser's
  // clock. A suggestion ("two weeks from today, at 17:00") and anything typed stay.
  Array.prototype.forEach.call(document.querySelectorAll("input[name=time_zone]"), function (field) {
    if (field.value === zone) return;
    var form = field.form;
    field.value = zone;
    Array.prototype.forEach.call(form.querySelectorAll("input[data-instant]"), function (input) {
      if (input.value === input.defaultValue) input.value = onThisClock(input.getAttribute("data-instant"));
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-time-zone-phrase]"), function (phrase) {
      // The page's language's words, with the zone put in.
      var inUtc = phrase.getAttribute("data-in-utc") || "in UTC";
      var inZone = phrase.getAttribute("data-in-zone") || "in your time zone, {zone}";
      phrase.textContent = zone === "UTC" ? inUtc : inZone.replace("{zone}", zone);
    });
  });
})();
