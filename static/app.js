// Small enhancements; every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });

  // After a choice the new passage's heading gets focus, so screen readers start there.
  if (location.hash === "#passage") {
    // Keep the address clean, so a reload does not announce the choice again.
    if (history.replaceState && location.search.indexOf("chose=") !== -1) {
      history.replaceState(null, "", location.pathname + location.hash);
    }
    var heading = document.getElementById("passage");
    if (heading) { heading.focus(); }
  }

  // Filter the case-notes list as the learner types.
  var filter = document.getElementById("notes-filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      document.querySelectorAll(".note-group").forEach(function (group) {
        var any = false;
        group.querySelectorAll("li").forEach(function (li) {
          var hit = !q || li.textContent.toLowerCase().indexOf(q) !== -1;
          li.hidden = !hit;
          any = any || hit;
        });
        group.hidden = !any;
        if (q && any) { group.open = true; }
      });
    });
  }

  // Save notes on their own as soon as a box is ticked.
  var form = document.getElementById("play-form");
  var status = document.getElementById("notes-status");
  if (form && form.dataset.notesUrl) {
    document.querySelectorAll('input[name="notes"]').forEach(function (box) {
      box.addEventListener("change", function () {
        var data = new FormData();
        data.append("csrf_token", form.querySelector('[name="csrf_token"]').value);
        data.append("step", form.querySelector('[name="step"]').value);
        data.append("notes-shown", "1");
        document.querySelectorAll('input[name="notes"]:checked').forEach(function (b) {
          data.append("notes", b.value);
        });
        fetch(form.dataset.notesUrl, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (body) { if (status) { status.textContent = body.message; } })
          .catch(function () { if (status) { status.textContent = ""; } });
      });
    });
  }

  document.querySelectorAll(".js-print").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // A printed debrief shows every section, folded or not; folding is restored afterwards.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details.group"),
      function (d) { return !d.open; });
    folded.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
  });
})();

// Author pages: reload when the story file changes (live reload while writing).
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) { return; }
  var known = live.dataset.hash;
  setInterval(function () {
    fetch(live.dataset.versionUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (v) { if (v.hash !== known) { location.reload(); } })
      .catch(function () {});
  }, 800);
})();

// Wide passage graphs open centred on the start passage, not on an empty left edge.
document.querySelectorAll(".graph-wrap").forEach(function (wrap) {
  wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
});
