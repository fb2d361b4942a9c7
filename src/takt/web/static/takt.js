// Takt pages: live refresh over server-sent events, keyboard re-ranking, focus kept across swaps.
// Everything here is optional: without htmx (static/vendor missing) the pages work as plain forms.
(function () {
  "use strict";
  var body = document.body;
  var lastFocus = null;

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // A tick box is not typing: its tick is put back after a refresh (see the Make list below).
  var NOT_TYPED = { checkbox: true, radio: true, button: true, submit: true };
  function busyTyping() {
    var el = document.activeElement;
    var typing = el && (el.tagName === "SELECT" || el.tagName === "TEXTAREA" ||
      (el.tagName === "INPUT" && !NOT_TYPED[el.type]));
    return !!(el && el.closest && el.closest("[hx-trigger*='takt:changed']") &&
      (typing || el.closest("details[open]")));
  }

  var pending = false;
  function refresh() {
    if (!window.htmx) return;
    if (busyTyping()) { pending = true; return; }  // do not wipe what an operator is typing
    pending = false;
    window.htmx.trigger(body, "takt:changed");
  }
  document.addEventListener("focusout", function () {
    if (pending) setTimeout(function () { if (!busyTyping() && pending) refresh(); }, 50);
  });

  function live() {
    var url = body.getAttribute("data-live");
    if (!url || !window.EventSource || !window.htmx) return;
    var state = document.getElementById("live-state");
    var source = new EventSource(url);
    var opened = false;
    source.addEventListener("changed", refresh);
    source.addEventListener("open", function () {
      if (state) state.hidden = true;
      if (opened) refresh();  // a reconnect may have missed changes
      opened = true;
    });
    source.addEventListener("error", function () {
      if (state) { state.textContent = "Reconnecting…"; state.hidden = false; }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  // Alt+Up / Alt+Down on a Make row presses its move button.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    var row = event.target.closest && event.target.closest("tr[data-number]");
    if (!row) return;
    var button = row.querySelector("button[data-move='" + (event.key === "ArrowUp" ? "up" : "down") + "']");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });

  // "Add a line" on a new order's form: one more empty line row, numbered after the last.
  function addLine(button) {
    var count = document.getElementById("line-count");
    var body = document.getElementById("new-lines");
    if (!count || !body || !window.htmx) return;
    var n = parseInt(count.value, 10) + 1;
    if (n > parseInt(button.getAttribute("data-max") || "50", 10)) return;
    window.htmx.ajax("GET", button.getAttribute("data-add-line") + "?n=" + n,
      { target: "#new-lines", swap: "beforeend" }).then(function () {
        count.value = String(n);
        var select = document.getElementById("sku-" + n);
        if (select) select.focus();
      });
  }

  document.addEventListener("click", function (event) {
    var t = event.target;
    var adding = t.closest && t.closest("[data-add-line]");
    if (adding) { event.preventDefault(); addLine(adding); return; }
    if (t.closest("[data-dismiss]")) t.closest(".alert").remove();
    if (t.closest("[data-close-panel]")) {
      var panel = document.getElementById("panel");
      if (panel) panel.innerHTML = "";
    }
  });

  // Keep keyboard focus on the button that was pressed (or its row) after the table is swapped.
  document.addEventListener("htmx:beforeRequest", function () {
    var el = document.activeElement;
    lastFocus = el && el.id ? el.id : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (!target || !lastFocus) return;
    var again = document.getElementById(lastFocus);
    if (again && again.disabled) {
      var other = lastFocus.indexOf("up-") === 0 ? "down-" + lastFocus.slice(3) : "up-" + lastFocus.slice(5);
      again = document.getElementById(other);
    }
    if (again && document.activeElement === body) again.focus();
    lastFocus = null;
  });

  // A dialog whose content htmx fetched (the Buy list's Receive…): open it once it is there,
  // focus its first field; closing it empties it (Esc, the × or Close button).
  var opener = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.getAttribute && elt.getAttribute("data-open-dialog")) opener = elt;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var dialog = target && target.closest && target.closest("dialog");
    if (!dialog) return;
    if (!dialog.open && dialog.showModal) dialog.showModal();
    var field = dialog.querySelector("[aria-invalid='true'], input:not([type=hidden]), button");
    if (field) field.focus();
  });
  document.addEventListener("click", function (event) {
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (!closer) return;
    var dialog = closer.closest("dialog");
    if (dialog) dialog.close();
  });
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog || dialog.tagName !== "DIALOG") return;
    var body = dialog.querySelector("#dialog-body");
    if (body) body.innerHTML = "";
    if (opener && document.body.contains(opener)) opener.focus();
    opener = null;
  }, true);

  // A pegging panel that opens below the list: bring it into view and put focus on its title.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "panel") return;
    var title = target.querySelector("h2");
    if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
  });

  // Drag and drop on the Make list (SortableJS, when static/vendor has it): the dropped row's
  // new neighbours go to the server, which answers with the re-ranked table.
  function sortable(root) {
    if (!window.Sortable || !root || !root.querySelectorAll) return;
    var bodies = root.matches && root.matches("[data-sortable]") ? [root] : root.querySelectorAll("[data-sortable]");
    Array.prototype.forEach.call(bodies, function (tbody) {
      if (tbody.getAttribute("data-sortable-on")) return;
      tbody.setAttribute("data-sortable-on", "1");
      window.Sortable.create(tbody, {
        handle: ".drag-handle",
        draggable: "tr[data-number]",
        animation: 150,
        forceFallback: true,  // mouse and touch alike (no native drag image)
        ghostClass: "drag-ghost",
        chosenClass: "drag-chosen",
        onEnd: function (evt) {
          if (evt.oldIndex === evt.newIndex) return;
          var form = document.getElementById(tbody.getAttribute("data-sortable"));
          if (!form) return;
          var row = evt.item;
          var prev = row.previousElementSibling;
          var next = row.nextElementSibling;
          form.elements.number.value = row.getAttribute("data-number");
          form.elements.after.value = prev ? prev.getAttribute("data-number") : "";
          form.elements.before.value = prev ? "" : (next ? next.getAttribute("data-number") : "");
          if (window.htmx) window.htmx.trigger(form, "submit"); else form.submit();
        }
      });
    });
  }
  document.addEventListener("htmx:load", function (event) { sortable(event.target); });

  // The Make list's ticked orders (for printing travellers) survive its refreshes: a live
  // update or a re-rank renders the table anew on the server, so the ticks are kept here and
  // put back on the new rows.
  var ticked = new Set();
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || box.type !== "checkbox" || box.getAttribute("form") !== "make-print") return;
    if (box.checked) ticked.add(box.value); else ticked.delete(box.value);
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!ticked.size) return;
    var boxes = document.querySelectorAll("#make-table input[type=checkbox][form=make-print]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (ticked.has(box.value)) box.checked = true;
    });
  });

  ready(live);
  ready(function () { sortable(document); });
})();
