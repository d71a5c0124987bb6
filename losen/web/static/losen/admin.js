/* Losen's additions to Django's admin (templates/admin/base_site.html): names for the
 * fields Django's admin leaves unnamed (WCAG 1.3.1, 4.1.2).
 *
 * - Autocomplete fields (select2) name their box by the text shown in it, which is empty
 *   until a choice is made, so a screen reader hears an unnamed combobox (axe-core's
 *   aria-input-field-name). Each box is named by its field's label as well.
 * - A date and time field is two inputs after the plain words "Date:" and "Time:", and the
 *   field's label points at neither (axe-core's label). Each input is named by the field's
 *   label and its word. */
(function () {
  "use strict";

  function nameAutocompleteBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      var shown = container.querySelector(".select2-selection__rendered");
      var box = container.querySelector(".select2-selection");
      if (shown) {
        shown.setAttribute("aria-labelledby", label.id);
      }
      if (box) {
        box.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
      }
    });
  }

  function nameDateTimeInputs() {
    document.querySelectorAll("p.datetime").forEach(function (paragraph) {
      var row = paragraph.closest(".form-row");
      var label = row ? row.querySelector("label") : null;
      var field = label ? label.textContent.trim().replace(/:$/, "") : "";
      var word = "";
      paragraph.childNodes.forEach(function (node) {
        if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
          word = node.textContent.trim().replace(/:$/, "");
        } else if (node.tagName === "INPUT" && node.type !== "hidden" && !node.labels.length) {
          if (!node.hasAttribute("aria-label")) {
            node.setAttribute("aria-label", [field, word].filter(Boolean).join(", "));
          }
        }
      });
    });
  }

  function nameFields() {
    nameAutocompleteBoxes();
    nameDateTimeInputs();
  }

  /* After Django's autocomplete.js has made the boxes (on jQuery's ready), and for each
   * inline row added later. */
  function soon() {
    window.setTimeout(nameFields, 0);
  }
  window.addEventListener("load", soon);
  document.addEventListener("formset:added", soon);
})();
