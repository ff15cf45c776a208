// The period's kind follows the field being filled: typing a term checks "Nhiệm kỳ", a date
// checks "Từ ngày đến ngày", a year checks "Năm". Without this script the server does the same
// for a kind whose own field was left empty (reports/dashboard/selection.py).
(function () {
  "use strict";
  var kinds = { id_year: "year", id_term: "term", id_from: "custom", id_to: "custom" };
  Object.keys(kinds).forEach(function (id) {
    var field = document.getElementById(id);
    if (!field || !field.form) { return; }
    field.addEventListener("input", function () {
      var radio = field.form.querySelector('input[name="kind"][value="' + kinds[id] + '"]');
      if (radio) { radio.checked = true; }
    });
  });
})();
