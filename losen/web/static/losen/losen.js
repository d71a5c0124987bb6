/* Losen: small enhancements only. Every page works without this file (losen.css does
 * the layout): the menu is a <details> disclosure, and a table that is too wide for a
 * phone scrolls inside its own box. Loaded from 'self' under the Content-Security-Policy:
 * no inline code, no eval. */
(function () {
  "use strict";

  /* The width above which the menu is always open: the same as in losen.css. */
  var wide = window.matchMedia("(min-width: 48em)");

  function menu() {
    return document.getElementById("site-menu");
  }

  /* On a wide screen the menu is open (losen.css hides its button); on a phone it starts
   * closed. Turning the phone or resizing the window follows along. */
  function syncMenu() {
    var details = menu();
    if (details) {
      details.open = wide.matches;
      details.setAttribute("data-opens-wide", "");
    }
  }

  /* Escape closes the open menu on a phone and gives the focus back to its button. */
  function closeMenuOnEscape(event) {
    var details = menu();
    if (event.key !== "Escape" || !details || !details.open || wide.matches) {
      return;
    }
    details.open = false;
    details.querySelector("summary").focus();
  }

  var counter = 0;

  /* The table's name for its scrolling box: its caption, what names the table, the
   * heading just before it, or a plain "Table". */
  function nameBox(box, table) {
    var labelledBy = table.getAttribute("aria-labelledby");
    if (!labelledBy && table.caption) {
      if (!table.caption.id) {
        counter += 1;
        table.caption.id = "table-caption-" + counter;
      }
      labelledBy = table.caption.id;
    }
    if (!labelledBy) {
      for (var before = box.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          if (!before.id) {
            counter += 1;
            before.id = "table-heading-" + counter;
          }
          labelledBy = before.id;
          break;
        }
      }
    }
    if (labelledBy) {
      box.setAttribute("aria-labelledby", labelledBy);
    } else {
      box.setAttribute("aria-label", table.getAttribute("aria-label") || document.body.dataset.tableLabel || "");
    }
  }

  /* A box that scrolls is a named region one can reach with the keyboard (to scroll it
   * with the arrow keys); a box whose table fits is neither. */
  function markScrolling(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("role");
      box.removeAttribute("tabindex");
    }
  }

  var watcher = window.ResizeObserver
    ? new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          markScrolling(entry.target.closest(".table-scroll"));
        });
      })
    : null;

  /* Every data table not already in a scrolling box gets one. */
  function boxTables(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table.table") : [];
    if (root.matches && root.matches("table.table")) {
      tables = [root];
    }
    Array.prototype.forEach.call(tables, function (table) {
      var box = table.parentElement;
      if (box.classList.contains("table-scroll")) {
        if (box.hasAttribute("tabindex") || box.classList.contains("table-scroll--auto")) {
          return; /* a box the template made focusable, or one boxed already */
        }
        box.classList.add("table-scroll--auto");
      } else {
        box = document.createElement("div");
        box.className = "table-scroll table-scroll--auto";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      nameBox(box, table);
      markScrolling(box);
      if (watcher) {
        watcher.observe(box);
        watcher.observe(table);
      }
    });
  }

  function start() {
    syncMenu();
    if (wide.addEventListener) {
      wide.addEventListener("change", syncMenu);
    }
    document.addEventListener("keydown", closeMenuOnEscape);
    boxTables(document.body);
    /* Content swapped in by htmx (search results, a section saved) is boxed too. */
    document.body.addEventListener("htmx:load", function (event) {
      boxTables(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
