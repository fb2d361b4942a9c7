// Takt pages: live refresh over server-sent events, keyboard re-ranking, focus kept across swaps.
// Everything here is optional: without htmx (static/vendor missing) the pages work as plain forms.
(function () {
  "use strict";
  var body = document.body;
  var lastFocus = null;

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function busyTyping() {
    var el = document.activeElement;
    return !!(el && el.closest && el.closest("[hx-trigger*='takt:changed']") &&
      (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA" || el.closest("details[open]")));
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

  document.addEventListener("click", function (event) {
    var t = event.target;
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

  // A pegging panel that opens below the list: bring it into view and put focus on its title.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "panel") return;
    var title = target.querySelector("h2");
    if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
  });

  ready(live);
})();
