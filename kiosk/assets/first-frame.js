// The site's time from the first frame: the zone the kiosk last learned from the server
// (kiosk.js keeps it), before the module and the site description load. Nothing (rather
// than the PC's own zone) until the kiosk has known its site once. A plain script loaded
// where the clock stands, so it runs before the page is first painted (and pages run no
// inline script: their Content-Security-Policy forbids it).
(function () {
  try {
    var zone = localStorage.getItem("antre.kiosk.timezone");
    if (!zone) return;
    var parts = new Intl.DateTimeFormat("id-ID", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date());
    document.getElementById("clock-time").textContent = parts.filter(function (p) { return p.type !== "literal"; }).map(function (p) { return p.value; }).join(":");
    document.getElementById("clock-zone").textContent = localStorage.getItem("antre.kiosk.zone_abbr") || "";
    document.getElementById("clock").dataset.zone = zone;
  } catch (e) { /* an unknown zone: kiosk.js fills the clock when the site comes */ }
})();
