//! What the page tests share: a site with long names, the layout measure for pages with
//! lists that scroll, the kiosk's on-screen keyboard, the services a list shows.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::{PASSWORD, antre_binary};

/// Generous: the server, Chromium and the agent share a busy two-core machine.
pub const LIMIT: Duration = Duration::from_secs(60);

/// The demo site's configuration file.
pub fn demo_toml() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/site.toml"))
        .unwrap()
}

/// `text` with `from` replaced once, which must be there (so an edit of the demo that
/// breaks a test's premise fails loudly instead of testing nothing).
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the demo site has {from:?}");
    text.replacen(from, to, 1)
}

/// An Argon2 hash of `secret`, made by `antre hash-password` from standard input.
pub fn hash_of(secret: &str) -> String {
    let mut child = Command::new(antre_binary())
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("antre hash-password starts");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{secret}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "antre hash-password");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The long site name of [`long_site`].
pub const LONG_SITE_NAME: &str = "Mal Pelayanan Publik Kota Makassar — Gedung Graha Pelayanan Terpadu \
     Lantai Satu sampai Tiga, Jalan Jenderal Ahmad Yani Nomor Dua";

/// The three places of KTP in [`long_site`], joined as the kiosk shows them.
pub const KTP_PLACES: &str = "Lantai 1 — Zona A, Lantai 2 — Zona B, Lantai 2 Sayap Timur — Zona C";

/// The demo site with the longest texts a screen must hold: a very long site name, a
/// long agency (Dukcapil: short and full names, both languages) and kiosk name, KTP
/// served in all three zones (the longest place line) with 96 minutes per visitor (so
/// one person ahead is "± 96 menit"), lost passports with a quota of one ticket a day.
/// Users `admin` and `petugas-l01` and kiosk K1's token are [`PASSWORD`]; K1 has the
/// server's own file printer (in `dir`), K2 no printer at all.
pub fn long_site(dir: &Path) -> PathBuf {
    let hash = hash_of(PASSWORD);
    let mut site = demo_toml();
    for (from, to) in [
        (
            "name = \"Mal Pelayanan Publik Kota Makassar\"",
            format!("name = \"{LONG_SITE_NAME}\""),
        ),
        (
            "short = \"Dukcapil\"",
            "short = \"Disdukcapil Kota Makassar\"".into(),
        ),
        (
            "name = \"Dinas Kependudukan dan Pencatatan Sipil Kota Makassar\"",
            "name = \"Dinas Kependudukan dan Pencatatan Sipil Kota Makassar — Unit Pelayanan \
             Terpadu Mal Pelayanan Publik Lantai Satu\""
                .into(),
        ),
        (
            "name_en = \"Makassar City Population and Civil Registration Office\"",
            "name_en = \"Makassar City Department of Population and Civil Registration — \
             Integrated Service Unit of the Public Service Mall, First Floor\""
                .into(),
        ),
        (
            "avg_service_min = 8\ndaily_quota = 150",
            "avg_service_min = 96\ndaily_quota = 150".into(),
        ),
        (
            "avg_service_min = 25\ndaily_quota = 10",
            "avg_service_min = 25\ndaily_quota = 1".into(),
        ),
        (
            "services = [\"IMG-PASPOR-BARU\", \"IMG-PASPOR-GANTI\"]",
            "services = [\"IMG-PASPOR-BARU\", \"IMG-PASPOR-GANTI\", \"DKP-KTP\"]".into(),
        ),
        (
            "services = [\"PTSP-NIB\", \"PTSP-KONSUL\"]",
            "services = [\"PTSP-NIB\", \"PTSP-KONSUL\", \"DKP-KTP\"]".into(),
        ),
        (
            "code = \"K1\"\nname = \"Anjungan Lobi Utama\"\nzone = \"A\"",
            format!(
                "code = \"K1\"\nname = \"Anjungan Mandiri Lobi Utama, Pintu Masuk Sebelah Timur\"\n\
                 zone = \"A\"\ntoken_hash = \"{hash}\"\nprinter = \"file://{}\"",
                dir.join("printer-K1").display()
            ),
        ),
    ] {
        site = replace_once(&site, from, &to);
    }
    site.push_str(&format!(
        "\n[[users]]\nusername = \"admin\"\nrole = \"admin\"\npassword_hash = \"{hash}\"\n\
         \n[[users]]\nusername = \"petugas-l01\"\nrole = \"officer\"\npassword_hash = \"{hash}\"\n\
         counters = [\"L01\"]\n"
    ));
    let path = dir.join("long-site.toml");
    std::fs::write(&path, site).unwrap();
    path
}

/// Marks, in lists that scroll, the entries not (wholly) in view, so that they are
/// measured on their own; the rest of the page is measured as it shows.
const MARK_SCROLLED_OUT: &str = r#"
const regions = arguments[0];
const scrolls = (el) => /(auto|scroll)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 1;
let marked = 0;
for (const region of document.querySelectorAll(regions)) {
  for (const list of [region, ...region.querySelectorAll('*')]) {
    if (!scrolls(list)) continue;
    const box = list.getBoundingClientRect();
    for (const entry of list.children) {
      const r = entry.getBoundingClientRect();
      const outOfView = r.top < box.top - 1 || r.bottom > box.bottom + 1;
      const sideways = r.left < box.left - 1 || r.right > box.right + 1;
      // Where the list's scrolled content starts and ends: an entry outside them can
      // never be scrolled to.
      const start = box.top + list.clientTop - list.scrollTop;
      const reachable = r.top >= start - 1 && r.bottom <= start + list.scrollHeight + 1;
      if (outOfView && !sideways && reachable && !entry.hasAttribute('data-overflow-ok')) {
        entry.setAttribute('data-overflow-ok', '');
        entry.setAttribute('data-scrolled-out', '');
        marked++;
      }
    }
  }
}
return marked;
"#;

/// Fails the test when anything in `regions` does not fit (the testkit's measure, see
/// [`Browser::overflowing`]), counting an entry of a scrolling list that is only out of
/// view (above or below, not sideways, and within what the list scrolls over) as
/// fitting when its own content fits its box: the list scrolls to it. `what` names the page, state and size.
pub async fn assert_fits(browser: &Browser, what: &str, regions: &str) {
    let marked = browser
        .client
        .execute(MARK_SCROLLED_OUT, vec![regions.into()])
        .await
        .unwrap();
    let mut found = browser.overflowing(regions).await;
    if marked.as_u64().unwrap_or(0) > 0 {
        browser
            .js("for (const e of document.querySelectorAll('[data-scrolled-out]')) e.removeAttribute('data-overflow-ok'); return true;")
            .await;
        found.extend(browser.overflowing("[data-scrolled-out]").await);
        browser
            .js("for (const e of document.querySelectorAll('[data-scrolled-out]')) e.removeAttribute('data-scrolled-out'); return true;")
            .await;
    }
    assert!(
        found.is_empty(),
        "{what}: overflowing:\n{}",
        found.join("\n")
    );
}

/// The service codes of the tiles in the list `css` (`#results`, `#services`), in order.
pub async fn tiles(browser: &Browser, css: &str) -> Vec<String> {
    let found = browser
        .eval(&format!(
            "[...document.querySelectorAll('{css} .tile')].map(t => t.dataset.service)"
        ))
        .await;
    serde_json::from_value(found).unwrap()
}

/// Types `text` on the kiosk's on-screen keyboard (clearing it first), key by key.
pub async fn type_on_screen(browser: &Browser, text: &str) {
    browser.click("#keyboard button[data-key='clear']").await;
    for c in text.chars() {
        browser
            .click(&format!("#keyboard button[data-key='{c}']"))
            .await;
    }
    browser
        .wait_for(
            &format!(
                "document.getElementById('search-echo').value === {}",
                serde_json::to_string(text).unwrap()
            ),
            LIMIT,
        )
        .await;
}
