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

// Unit lookups (`/units/tim.json?q=`, JSON) where a list of every unit would be too long. Without
// this script the forms still work: the campaign form's «Tìm đơn vị» button shows the form
// again with the units found, and the home page's box goes to /thu-tuc-tai-xa, which lists
// the communes of a name.
// - `[data-unit-lookup]` on the campaign form: the authorities of the units found become
//   checkboxes; one checked moves to the chosen list (`data-chosen-list`).
// - `[data-commune-lookup]` on the home page: the current communes found become suggestions
//   of the box's datalist.
(function () {
  "use strict";
  function lookup(q, done) {
    fetch("/units/tim.json?q=" + encodeURIComponent(q), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.ok ? r.json() : { matches: [] };
    }).then(function (v) { done(v.matches || []); }, function () { done(null); });
  }
  function debounced(fn) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, 250);
    };
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  document.querySelectorAll("[data-unit-lookup]").forEach(function (box) {
    var out = document.getElementById(box.getAttribute("data-unit-lookup"));
    var chosen = document.getElementById(box.getAttribute("data-chosen-list"));
    if (!out || !chosen) return;
    var asked = "";
    function isChosen(id) {
      return chosen.querySelector("input[value='" + id + "']") !== null;
    }
    function show(q, matches) {
      out.textContent = "";
      if (matches === null) {
        out.appendChild(el("p", "muted", "Không tra cứu được; bấm «Tìm đơn vị» để tìm lại."));
        return;
      }
      out.appendChild(el("p", "picker-heading", "Kết quả tìm «" + q + "»: " + matches.length + " đơn vị"));
      var list = el("ul", "check-list");
      matches.forEach(function (m) {
        var offered = (m.authorities || []).filter(function (a) { return !isChosen(a.id); });
        if (offered.length === 0) {
          list.appendChild(el("li", "muted", m.text + ": không có cơ quan ban hành nào khác để chọn."));
        }
        offered.forEach(function (a) {
          var li = el("li");
          var label = el("label", "check");
          var input = document.createElement("input");
          input.type = "checkbox";
          input.name = "authorities";
          input.value = String(a.id);
          label.appendChild(input);
          label.appendChild(document.createTextNode(" "));
          var text = el("span", "", a.label);
          if (m.former_name) text.appendChild(el("span", "muted", " (trước đây: " + m.former_name + ")"));
          label.appendChild(text);
          li.appendChild(label);
          list.appendChild(li);
          input.addEventListener("change", function () {
            if (!input.checked) return;
            var empty = chosen.querySelector("[data-empty]");
            if (empty) empty.remove();
            chosen.appendChild(li);
            input.focus();
          });
        });
      });
      if (matches.length === 0) {
        list.appendChild(el("li", "muted", "Không tìm thấy đơn vị nào có tên hoặc tên trước đây là «" + q + "»."));
      }
      out.appendChild(list);
    }
    function run(force) {
      var q = box.value.trim();
      if (q === asked && !force) return;
      asked = q;
      if (q.length < 2) {
        if (force) out.textContent = "";
        return;
      }
      lookup(q, function (matches) { if (box.value.trim() === q) show(q, matches); });
    }
    box.addEventListener("input", debounced(function () { run(false); }));
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        run(true);
      }
    });
    var button = box.form && box.form.querySelector("button[name=tim]");
    // Enter in any other field of the form sends it with its main button, not with «Tìm đơn
    // vị» (the first button, which the browser would pick).
    var main = box.form && box.form.querySelector("button[data-default-submit]");
    if (main) {
      box.form.addEventListener("keydown", function (ev) {
        var t = ev.target;
        if (ev.key !== "Enter" || t === box || t.tagName !== "INPUT") return;
        ev.preventDefault();
        main.click();
      });
    }
    if (button) {
      button.addEventListener("click", function (ev) {
        if (box.value.trim().length >= 2) {
          ev.preventDefault();
          run(true);
        }
      });
    }
  });
  document.querySelectorAll("[data-commune-lookup]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("list"));
    if (!list) return;
    var home = Array.prototype.slice.call(list.children);
    var asked = "";
    box.addEventListener("input", debounced(function () {
      var q = box.value.trim();
      if (q === asked) return;
      asked = q;
      if (q.length < 2) {
        list.replaceChildren.apply(list, home);
        return;
      }
      lookup(q, function (matches) {
        if (matches === null || box.value.trim() !== q) return;
        var seen = {};
        var options = [];
        matches.forEach(function (m) {
          if (!m.current || m.level !== "xa") return;
          var key = m.name + "|" + m.context;
          if (seen[key]) return;
          seen[key] = true;
          var o = document.createElement("option");
          o.value = m.name;
          o.label = (m.context ? m.name + " (" + m.context + ")" : m.name) + (m.former_name ? " — trước đây: " + m.former_name : "");
          options.push(o);
        });
        list.replaceChildren.apply(list, options.length ? options : home);
      });
    }));
  });
})();
