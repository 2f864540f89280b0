//! Byte-level snapshots of the printed ticket at 48 and 32 columns.
//!
//! The expected bytes live in `tests/snapshots/*.bin`, with a readable decode beside
//! them (`*.txt`). After an intended layout change, regenerate both with
//! `UPDATE_SNAPSHOTS=1 cargo test -p antre-kiosk --test integration layout_snapshots` and review
//! the `.txt` diff.

use std::path::PathBuf;

use antre_kiosk::decode::{Piece, decode, preview};
use antre_kiosk::layout::{LayoutOptions, Paper, QrMode, render};
use antre_protocol::{PrintJob, Priority, Ticket, TicketStatus};

const URL: &str = "http://192.168.1.10:8080/t/3f9a1c0d5e7b2a4c6d8e0f1a2b3c4d5e";

/// A ticket of KTP; `places`: where the service is served.
fn job(priority: Option<Priority>, places: &[&str]) -> PrintJob {
    PrintJob {
        site_name: "Mal Pelayanan Publik Kota Makassar".into(),
        ticket: Ticket {
            id: 42,
            number: "A017".into(),
            service: "DKP-KTP".into(),
            status: TicketStatus::Waiting,
            priority,
            position: Some(12),
            estimated_wait_s: Some(1450),
            track_token: Some("3f9a1c0d5e7b2a4c6d8e0f1a2b3c4d5e".into()),
            issued_at: "2026-11-23T08:05:12.345+08:00".into(),
            day: "2026-11-23".into(),
            counter: None,
            called_at: None,
            started_at: None,
            finished_at: None,
            recalls: 0,
            transfers: 0,
            kiosk: Some("K1".into()),
            note: None,
            booking: None,
            place_at: None,
        },
        service_name: "Perekaman dan Pencetakan KTP Elektronik".into(),
        service_name_en: "Electronic ID Card (e-KTP) Recording and Printing".into(),
        agency_short: "Dukcapil".into(),
        agency_name: "Dinas Kependudukan dan Pencatatan Sipil Kota Makassar".into(),
        public_url: None,
        footer: Some("Terima kasih — layanan ini GRATIS / free of charge".into()),
        places: places.iter().map(|p| p.to_string()).collect(),
        requirements: vec![
            "Fotokopi Kartu Keluarga (KK)".into(),
            "Berusia 17 tahun atau sudah/pernah menikah".into(),
        ],
    }
}

fn check(name: &str, bytes: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let bin = dir.join(format!("{name}.bin"));
    let txt = dir.join(format!("{name}.txt"));
    let text = preview(bytes);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&bin, bytes).unwrap();
        std::fs::write(&txt, &text).unwrap();
    }
    let expected_text = std::fs::read_to_string(&txt)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_SNAPSHOTS=1", txt.display()));
    // The readable diff first: it says what changed.
    assert_eq!(text, expected_text, "{name}: decoded layout changed");
    let expected = std::fs::read(&bin).unwrap();
    assert!(
        expected == bytes,
        "{name}: bytes differ from {}",
        bin.display()
    );
}

fn texts(bytes: &[u8]) -> Vec<String> {
    decode(bytes)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn ticket_80mm_48_columns() {
    let options = LayoutOptions {
        paper: Paper::Mm80,
        qr: QrMode::Native,
    };
    let bytes = render(&job(None, &["Lantai 1 — Zona A"]), URL, options, false).unwrap();
    check("ticket-80mm", &bytes);
    let pieces = decode(&bytes);
    assert_eq!(pieces.first(), Some(&Piece::Init));
    assert!(
        pieces.contains(&Piece::Size(8, 8)),
        "the number at the largest size"
    );
    assert!(pieces.contains(&Piece::QrData(URL.into())));
    assert!(pieces.contains(&Piece::QrPrint));
    assert_eq!(pieces.last(), Some(&Piece::Cut));
    let lines = texts(&bytes);
    assert!(lines.iter().all(|l| l.len() <= 48), "{lines:#?}");
    // Where to go, under its heading, in double height.
    let heading = lines
        .iter()
        .position(|l| l == "LOKASI LAYANAN / LOCATION")
        .expect("the place's heading");
    assert_eq!(lines[heading + 1], "Lantai 1 - Zona A", "{lines:#?}");
    assert!(pieces.contains(&Piece::Size(1, 2)));
    // What to bring, one item per bullet.
    let needs = lines
        .iter()
        .position(|l| l == "PERSYARATAN / REQUIREMENTS")
        .expect("the requirements' heading");
    assert_eq!(
        lines[needs + 1],
        "- Fotokopi Kartu Keluarga (KK)",
        "{lines:#?}"
    );
    for expected in [
        "A017",
        "23-11-2026 08:05 WITA",
        "12 orang / people",
        "~25 menit / min",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(expected)),
            "{expected} in {lines:#?}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Terima kasih - layanan ini GRATIS"))
    );
}

#[test]
fn ticket_58mm_32_columns_priority() {
    let options = LayoutOptions {
        paper: Paper::Mm58,
        qr: QrMode::Native,
    };
    // A service served in two zones: both places, joined.
    let places = ["Lantai 1 — Zona A", "Lantai 2 Sayap Timur — Zona C"];
    let bytes = render(&job(Some(Priority::Lansia), &places), URL, options, false).unwrap();
    check("ticket-58mm-priority", &bytes);
    let lines = texts(&bytes);
    assert!(lines.iter().all(|l| l.len() <= 32), "{lines:#?}");
    let heading = lines
        .iter()
        .position(|l| l == "LOKASI LAYANAN / LOCATION")
        .expect("the place's heading");
    assert_eq!(
        lines[heading + 1..heading + 3],
        ["Lantai 1 - Zona A,", "Lantai 2 Sayap Timur - Zona C"],
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l.contains("LANSIA")));
    assert!(decode(&bytes).contains(&Piece::Reverse(true)));
}

#[test]
fn ticket_58mm_raster_qr_for_printers_without_qr() {
    let options = LayoutOptions {
        paper: Paper::Mm58,
        qr: QrMode::Raster,
    };
    // No counter serves the service (yet): no place, no heading.
    let bytes = render(&job(None, &[]), URL, options, true).unwrap();
    check("ticket-58mm-raster-reprint", &bytes);
    assert!(!texts(&bytes).iter().any(|l| l.contains("LOKASI")));
    let pieces = decode(&bytes);
    assert!(!pieces.iter().any(|p| matches!(p, Piece::QrData(_))));
    let raster = pieces.iter().find_map(|p| match p {
        Piece::Raster(w, h) => Some((*w, *h)),
        _ => None,
    });
    let (w, h) = raster.expect("a raster QR code");
    assert!(w <= 384 && w == h, "{w}x{h}");
    assert!(texts(&bytes).iter().any(|l| l.contains("REPRINT")));
}
