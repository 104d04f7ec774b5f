// vanban: small enhancements of pages that work without this script.
// - `.tabs` (a list of in-page links and one section per link) become ARIA tabs, operable
//   with the arrow keys, Home and End; without the script every section is shown.
// - `[data-print]` buttons print the page; `[data-share]` links open the device's share
//   sheet (Web Share API) or copy the address, and say so in `[data-share-status]`.
(function () {
  "use strict";

  function tabs(root) {
    var list = root.querySelector(".tabs-list");
    if (!list) return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a[href^='#']"));
    var panels = links.map(function (a) {
      return document.getElementById(a.getAttribute("href").slice(1));
    });
    if (links.length === 0 || panels.indexOf(null) !== -1) return;
    list.setAttribute("role", "tablist");
    links.forEach(function (a, i) {
      var panel = panels[i];
      a.setAttribute("role", "tab");
      a.id = a.id || "tab-" + panel.id;
      a.setAttribute("aria-controls", panel.id);
      if (a.parentNode && a.parentNode !== list) a.parentNode.setAttribute("role", "presentation");
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", a.id);
      panel.setAttribute("tabindex", "0");
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        select(i, true);
      });
      a.addEventListener("keydown", function (ev) {
        var next = null;
        if (ev.key === "ArrowRight" || ev.key === "ArrowDown") next = (i + 1) % links.length;
        else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") next = (i - 1 + links.length) % links.length;
        else if (ev.key === "Home") next = 0;
        else if (ev.key === "End") next = links.length - 1;
        if (next !== null) {
          ev.preventDefault();
          select(next, true);
        }
      });
    });
    root.classList.add("tabs-on");

    function select(n, focus) {
      links.forEach(function (a, i) {
        var on = i === n;
        a.setAttribute("aria-selected", on ? "true" : "false");
        a.setAttribute("tabindex", on ? "0" : "-1");
        panels[i].hidden = !on;
      });
      if (focus) links[n].focus();
    }

    var start = panels.findIndex(function (p) {
      return "#" + p.id === window.location.hash;
    });
    select(start < 0 ? 0 : start, false);
  }

  function share(link) {
    var status = document.querySelector("[data-share-status]");
    function say(text) {
      if (status) status.textContent = text;
    }
    link.addEventListener("click", function (ev) {
      var url = link.getAttribute("href");
      var title = link.getAttribute("data-share-title") || document.title;
      if (navigator.share) {
        ev.preventDefault();
        navigator.share({ title: title, url: url }).catch(function () {});
      } else if (navigator.clipboard && window.isSecureContext) {
        ev.preventDefault();
        navigator.clipboard.writeText(url).then(
          function () { say("Đã sao chép địa chỉ của trang."); },
          function () { say("Không sao chép được; địa chỉ: " + url); }
        );
      }
      // Otherwise the link opens the address itself, which the reader can copy.
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".tabs"), tabs);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-share]"), share);
    // Printing shows every tab (the print stylesheet also does, for a page printed before
    // this script ran).
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".tabs-on [role=tabpanel]"), function (p) {
        p.setAttribute("data-was-hidden", p.hidden ? "1" : "");
        p.hidden = false;
      });
    });
    window.addEventListener("afterprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("[data-was-hidden]"), function (p) {
        p.hidden = p.getAttribute("data-was-hidden") === "1";
        p.removeAttribute("data-was-hidden");
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Small enhancements of forms that work without this script (nothing here is needed to use
// them): «Tất cả khớp» on the inspection form fills every procedure left blank with what the
// system records, and a filter box narrows a long list of checkboxes or of a select's options.
// No library, no CDN.
(function () {
  "use strict";
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  }
  document.querySelectorAll("[data-all-match]").forEach(function (button) {
    var form = button.closest("form");
    if (!form) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var filled = 0;
      form.querySelectorAll("select[data-system]").forEach(function (select) {
        if (select.value === "") {
          select.value = select.getAttribute("data-system");
          filled += 1;
        }
      });
      var out = form.querySelector("[data-all-match-status]");
      if (out) {
        out.textContent = "Đã điền «khớp» cho " + filled + " thủ tục để trống. Hãy sửa những thủ tục khác rồi bấm «Ghi biên bản».";
      }
    });
  });
  document.querySelectorAll("[data-filter-list]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("data-filter-list"));
    if (!list) { return; }
    box.closest("[hidden]") && box.closest("[hidden]").removeAttribute("hidden");
    box.addEventListener("input", function () {
      var q = fold(box.value.trim());
      list.querySelectorAll("[data-filter-text]").forEach(function (item) {
        // A ticked box, or the option chosen in a list, stays in view.
        item.hidden = q !== "" && fold(item.getAttribute("data-filter-text")).indexOf(q) < 0 && !item.selected && !item.querySelector("input:checked");
      });
    });
  });
})();
