//! The board at every supported screen size (1080p, portrait 1080×1920, 4K) in every
//! state a hall sees — idle, a lobby board with its waiting panel, a burst of calls
//! waiting to be said, reconnecting — with long names everywhere: nothing cut, nothing
//! overlapping (the testkit's overflow measure), no serious accessibility violation
//! (axe-core), and a screenshot of each under `artifacts/screenshots/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;

use crate::board_page::{WAIT, call, open};
use crate::burst;

/// A long site name, as some regencies' MPPs have.
const SITE_NAME: &str = "Mal Pelayanan Publik Kabupaten Kepulauan Siau Tagulandang Biaro — \
                         Gedung Pelayanan Terpadu Satu Atap";

/// An `antre hash-password` hash of the tests' password.
fn hash(password: &str) -> String {
    let mut child = Command::new(antre_binary())
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The demo site with long names (the site, a zone) and an admin and kiosk K1 that
/// know the tests' password.
fn long_names_site(dir: &Path) -> PathBuf {
    let demo = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/site.toml"),
    )
    .unwrap();
    let hash = hash(PASSWORD);
    let site =
        demo.replacen(
            "name = \"Mal Pelayanan Publik Kota Makassar\"",
            &format!("name = \"{SITE_NAME}\""),
            1,
        )
        .replacen(
            "name = \"Lantai 1 — Zona A\"",
            "name = \"Lantai Dasar Gedung Utama — Zona A\"",
            1,
        )
        .replacen(
            "code = \"K1\"\n",
            &format!("code = \"K1\"\ntoken_hash = \"{hash}\"\n"),
            1,
        ) + &format!(
            "\n[[users]]\nusername = \"admin\"\nrole = \"admin\"\npassword_hash = \"{hash}\"\n"
        );
    let path = dir.join("site.toml");
    std::fs::write(&path, site).unwrap();
    path
}

/// Everything fits and axe finds nothing serious; keeps a screenshot.
async fn check(browser: &Browser, size: &str, state: &str) {
    let what = format!("board {size}, {state}");
    browser.screenshot(&format!("board-{size}-{state}")).await;
    browser.assert_fits(&what, "header, main, footer").await;
    browser.assert_accessible(&what).await;
}

async fn every_state_fits(width: u32, height: u32) {
    let dir = tempfile::tempdir().unwrap();
    let config = long_names_site(dir.path());
    let mut server = Server::serve(&config, &dir.path().join("data"));
    let token = login(&server, "admin").await;
    let Some(browser) = Browser::start(width, height).await else {
        return;
    };
    let size = format!("{width}x{height}");

    // Idle: a zone's board after a call, said and done.
    open(&browser, &server, "/board/B2").await;
    assert!(browser.text("site-name").await.starts_with("Mal Pelayanan"));
    call(&server, &token, "L22", "KPP-NPWP").await;
    browser
        .wait_for(
            "board.said.length === 1 && !board.playing",
            Duration::from_secs(60),
        )
        .await;
    // After the flash: the panel as it stays.
    browser
        .wait_for(
            "!document.getElementById('latest').classList.contains('flash')",
            WAIT,
        )
        .await;
    check(&browser, &size, "idle").await;
    // Focus (a remote's or keyboard's) shows on the dark footer: a white ring.
    let ring = browser
        .js("const b = document.getElementById('mute'); b.focus(); \
             const s = getComputedStyle(b); \
             return [b.matches(':focus-visible'), s.outlineStyle, s.outlineColor, parseFloat(s.outlineWidth)];")
        .await;
    assert_eq!(ring[0], true, "{ring}");
    assert_eq!(ring[1], "solid", "{ring}");
    assert_eq!(ring[2], "rgb(255, 255, 255)", "{ring}");
    assert!(ring[3].as_f64().unwrap() >= 3.0, "{ring}");
    browser.screenshot(&format!("board-{size}-focus")).await;
    browser
        .js("document.activeElement.blur(); return true;")
        .await;

    // A lobby board with its waiting panel: people waiting for services of every zone.
    for (service, n) in [
        ("DKP-KTP", 4),
        ("SMS-PKB", 3),
        ("IMG-PASPOR-BARU", 5),
        ("BPJSK-DAFTAR", 2),
        ("PTSP-NIB", 3),
        ("KMG-HAJI", 1),
        ("BPN-PERALIHAN", 2),
        ("KPP-NPWP", 1),
    ] {
        for _ in 0..n {
            issue(&server, service).await;
        }
    }
    open(&browser, &server, "/board?waiting=1").await;
    browser
        .wait_for("document.querySelectorAll('#queues li').length >= 4", WAIT)
        .await;
    check(&browser, &size, "lobby-waiting").await;

    // The opening burst: twenty calls at once, all but the one being said waiting.
    burst::prepare(&server, &token, &burst::COUNTERS).await;
    burst::fire(&server, &token, &burst::COUNTERS).await;
    browser
        .wait_for(
            "board.playing && board.audioQueue.length >= 18 && \
             document.querySelectorAll('#recent li.waiting').length === board.audioQueue.length",
            WAIT,
        )
        .await;
    check(&browser, &size, "burst").await;

    // Reconnecting: the server is gone.
    server.terminate();
    browser
        .wait_for("!document.getElementById('offline').hidden", WAIT)
        .await;
    check(&browser, &size, "reconnecting").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_fits_a_1080p_screen() {
    every_state_fits(1920, 1080).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_fits_a_portrait_screen() {
    every_state_fits(1080, 1920).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_fits_a_4k_screen() {
    every_state_fits(3840, 2160).await;
}
