//! A site whose counters are shared: the demo MPP with two officers assigned to L01
//! (`siti` also to L26), as at a change of shift, and the longest names an MPP gives
//! its services and agencies, for the layout checks. Every password and device token is
//! the demo's ([`PASSWORD`]).

use std::io::Write;
use std::process::{Command, Stdio};

use antre_testkit::{PASSWORD, Server, antre_binary};

/// `antre serve` on the shared site, on a fresh data directory.
pub fn server() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let site = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/site.toml"),
    )
    .unwrap();
    let site = site
        .replacen(
            "name = \"Persetujuan Bangunan Gedung (PBG) & Sertifikat Laik Fungsi (SLF)\"\n\
             name_en = \"Building approval (PBG) & certificate of occupancy (SLF)\"",
            "name = \"Persetujuan Bangunan Gedung (PBG), Sertifikat Laik Fungsi (SLF) dan \
             Perubahan Fungsi Bangunan Gedung untuk Usaha Mikro, Kecil dan Menengah\"\n\
             name_en = \"Building approval (PBG), certificate of occupancy (SLF) and change \
             of use of buildings for micro, small and medium enterprises\"",
            1,
        )
        .replacen(
            "short = \"DPMPTSP\"",
            "short = \"DPMPTSP Kota Makassar (Perizinan Terpadu Satu Pintu)\"",
            1,
        );
    assert!(site.contains("Usaha Mikro"), "the demo's PBG name changed");
    assert!(site.contains("(Perizinan Terpadu Satu Pintu)\""));
    let hash = hash(PASSWORD);
    // Kiosks and boards present the same token as in the demo.
    let site = site
        .replace(
            "[[kiosks]]\n",
            &format!("[[kiosks]]\ntoken_hash = \"{hash}\"\n"),
        )
        .replace(
            "[[boards]]\n",
            &format!("[[boards]]\ntoken_hash = \"{hash}\"\n"),
        );
    let user = |name: &str, role: &str, counters: &str| {
        format!(
            "\n[[users]]\nusername = \"{name}\"\nrole = \"{role}\"\npassword_hash = \"{hash}\"\ncounters = [{counters}]\n"
        )
    };
    let config = format!(
        "{site}{}{}{}{}",
        user("admin", "admin", ""),
        user("penyelia", "supervisor", ""),
        user("siti", "officer", "\"L01\", \"L26\""),
        user("budi", "officer", "\"L01\""),
    );
    let path = dir.path().join("site.toml");
    std::fs::write(&path, config).unwrap();
    let server = Server::serve(&path, &dir.path().join("data"));
    (dir, server)
}

/// `antre hash-password`, the way a manager makes the config's hashes.
fn hash(password: &str) -> String {
    let mut child = Command::new(antre_binary())
        .arg("hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("antre hash-password runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
