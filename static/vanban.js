// Small enhancements of forms that work without this script (nothing here is needed to use
// them): «Tất cả khớp» on the inspection form fills every procedure left blank with what the
// system records, and a filter box narrows a long list of checkboxes. No library, no CDN.
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
        item.hidden = q !== "" && fold(item.getAttribute("data-filter-text")).indexOf(q) < 0 && !item.querySelector("input:checked");
      });
    });
  });
})();
