//! What visitors do once called, and what they answer in the SKM survey.
//!
//! Rules:
//!
//! 1. Most visitors come to the counter within a minute or so of their call; some come
//!    only after a recall, and a few never come (a no-show after one or two recalls). A
//!    visitor put back in line, or taken back from a hold, comes.
//! 2. Time at the counter varies around the service's usual time (log-normal, a long
//!    tail of difficult cases), at least a minute.
//! 3. A few visitors turn out to need another service ("no wrong door"): they are
//!    transferred to a related one, of the same agency or another. A few must fetch a
//!    document and are held, then taken back.
//! 4. About a quarter to a third of served visitors answer the survey (the share
//!    varies by agency), scoring mostly 3 and 4. Agencies differ in how well they are
//!    rated, and one (the land office) is rated clearly lower on completion time. About
//!    two thirds give a profile; a few write a suggestion.

use antre_protocol::{SurveyProfile, SurveyRecord, UNSUR_COUNT};
use jiff::SignedDuration;

use super::rng::{Rng, hash};

/// How a visitor answers a call (rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// Recalls before coming, or before the no-show.
    pub recalls: u8,
    pub no_show: bool,
    /// From the call (or the last recall) to arriving at the counter, or to the no-show.
    pub delay: SignedDuration,
}

const NO_SHOW: f64 = 0.035;
const LATE: f64 = 0.06;

pub fn when_called(rng: &mut Rng, surely_comes: bool) -> Fate {
    if !surely_comes && rng.chance(NO_SHOW) {
        return Fate {
            recalls: if rng.chance(0.5) { 2 } else { 1 },
            no_show: true,
            delay: SignedDuration::from_secs(rng.secs(60, 100)),
        };
    }
    if !surely_comes && rng.chance(LATE) {
        return Fate {
            recalls: 1,
            no_show: false,
            delay: SignedDuration::from_secs(rng.secs(60, 100)),
        };
    }
    Fate {
        recalls: 0,
        no_show: false,
        delay: SignedDuration::from_secs(rng.secs(15, 80)),
    }
}

/// Time at the counter (rule 2).
pub fn service_time(rng: &mut Rng, usual_s: u32) -> SignedDuration {
    const SIGMA: f64 = 0.45;
    let factor = (SIGMA * rng.normal() - SIGMA * SIGMA / 2.0).exp();
    let secs = (f64::from(usual_s) * factor).clamp(60.0, 4.0 * f64::from(usual_s.max(60)));
    SignedDuration::from_secs(secs.round() as i64)
}

/// Related services a visitor may turn out to need, with the officer's note (rule 3).
/// Services missing from the site are skipped.
pub const RELATED: [(&str, &str, &str); 21] = [
    ("DKP-KTP", "DKP-KK", "Data KK perlu diperbarui dulu"),
    (
        "DKP-KK",
        "DKP-PINDAH",
        "Pindah domisili, bukan perubahan KK",
    ),
    ("DKP-IKD", "DKP-KTP", "KTP-el rusak, perlu cetak ulang"),
    ("DKP-LAHIR", "DKP-KIA", "Sekalian pembuatan KIA"),
    (
        "IMG-INFO",
        "IMG-PASPOR-BARU",
        "Berkas lengkap, langsung permohonan",
    ),
    (
        "IMG-PASPOR-GANTI",
        "IMG-PASPOR-HILANG",
        "Paspor lama hilang",
    ),
    ("SMS-PKB", "SMS-5TH", "Sudah jatuh tempo lima tahunan"),
    ("SMS-PKB", "SMS-BBN", "Kendaraan belum balik nama"),
    ("BPJSK-UBAH", "BPJSK-FASKES", "Hanya pindah faskes"),
    ("BPJSK-DAFTAR", "DKP-KK", "NIK belum terdaftar di KK"),
    ("BPJSTK-INFO", "BPJSTK-JHT", "Langsung klaim JHT"),
    ("KPP-EFIN", "KPP-NPWP", "Belum punya NPWP"),
    (
        "POL-SKCK-PJG",
        "POL-SKCK",
        "SKCK lama sudah lewat masa berlaku",
    ),
    ("PTSP-KONSUL", "PTSP-NIB", "Langsung pengajuan NIB"),
    ("PTSP-KONSUL", "PTSP-PBG", "Langsung pengajuan PBG"),
    ("BPN-INFO", "BPN-PERALIHAN", "Berkas peralihan hak lengkap"),
    ("BPD-PBB", "BPD-BPHTB", "Perlu validasi BPHTB"),
    (
        "KMG-NIKAH",
        "DKP-KAWIN",
        "Pencatatan perkawinan di Dukcapil",
    ),
    ("PA-AKTA", "PA-PERKARA", "Perlu mendaftarkan perkara"),
    ("NAKER-AK1", "POL-SKCK", "Perlu SKCK untuk melamar kerja"),
    ("BANK-BAYAR", "SMS-PKB", "Pajak kendaraan dibayar di Samsat"),
];

/// Of the visitors of a service with a related one, those transferred to it.
pub const TRANSFER: f64 = 0.04;
/// Visitors held to fetch a document.
pub const HOLD: f64 = 0.015;
pub const HOLD_NOTES: [&str; 3] = [
    "Melengkapi fotokopi berkas",
    "Mengambil dokumen di kendaraan",
    "Menunggu legalisir berkas",
];

/// A visitor whose number was passed over gets a reinstatement this often.
pub const REINSTATED: f64 = 0.4;

/// Calls of a particular ticket out of turn, among calls with others waiting before it
/// (the lines are short: a few dozen in the 60 days).
pub const OUT_OF_TURN: f64 = 0.25;
pub const OUT_OF_TURN_REASONS: [&str; 4] = [
    "Berkas sudah diverifikasi di meja informasi",
    "Melanjutkan layanan sebelumnya",
    "Pengunjung lansia tanpa tiket prioritas",
    "Nomor terlewat, dipanggil kembali",
];

pub const CANCEL_REASONS: [&str; 3] = [
    "Pengunjung meninggalkan antrean",
    "Berkas belum lengkap, kembali besok",
    "Pengunjung salah lokasi layanan",
];

/// How an agency is rated, against the baseline, and an unsur it is rated clearly
/// lower on (rule 4).
struct Rating {
    agency: &'static str,
    lean: f64,
    /// The unsur (0 for U1) and how much lower.
    weak: Option<(usize, f64)>,
}

const fn rated(agency: &'static str, lean: f64) -> Rating {
    Rating {
        agency,
        lean,
        weak: None,
    }
}

/// The demo's agencies; others get a rating from their code.
const AGENCY_RATING: [Rating; 15] = [
    rated("DUKCAPIL", 0.0),
    rated("IMIGRASI", 0.2),
    rated("SAMSAT", -0.15),
    rated("BPJS-KES", 0.1),
    rated("BPJS-TK", 0.15),
    rated("KPP", 0.2),
    rated("POLRESTABES", -0.05),
    rated("DPMPTSP", 0.1),
    rated("SULSELBAR", 0.35),
    rated("BAPENDA", 0.0),
    // Waktu penyelesaian (U3): land certificates take long.
    Rating {
        agency: "BPN",
        lean: -0.1,
        weak: Some((2, -0.9)),
    },
    rated("KEMENAG", 0.25),
    rated("PDAM", -0.25),
    rated("DISNAKER", 0.05),
    rated("PA", 0.15),
];

/// The usual answer, and how each unsur leans from it (U1…U9): many services are free
/// (biaya rated high), complaint handling is the usual weak point.
const BASELINE: f64 = 3.25;
const UNSUR_LEAN: [f64; UNSUR_COUNT] = [0.0, -0.05, -0.15, 0.35, 0.0, 0.05, 0.1, -0.2, 0.05];

fn rating(agency: &str) -> (f64, Option<(usize, f64)>) {
    AGENCY_RATING
        .iter()
        .find(|r| r.agency == agency)
        .map(|r| (r.lean, r.weak))
        .unwrap_or_else(|| ((hash(agency) % 50) as f64 / 100.0 - 0.2, None))
}

/// Of an agency's served visitors, those who answer the survey.
pub fn response_rate(agency: &str) -> f64 {
    0.22 + (hash(agency) % 140) as f64 / 1000.0
}

const SUGGESTIONS: [&str; 12] = [
    "Pelayanan cepat dan ramah, terima kasih.",
    "Mohon tambah kursi di ruang tunggu.",
    "Petugas sangat membantu dan sabar menjelaskan.",
    "Antrean pagi hari terlalu panjang, mohon tambah loket.",
    "AC ruang tunggu kurang dingin.",
    "Petunjuk arah ke loket sebaiknya lebih jelas.",
    "Area parkir sering penuh.",
    "Informasi persyaratan di situs web belum lengkap.",
    "Prosesnya cepat, tidak sampai setengah jam.",
    "Mohon sediakan tempat fotokopi di dalam gedung.",
    "Suara panggilan antrean kurang jelas di lantai dua.",
    "Pertahankan pelayanannya, sudah bagus.",
];

/// Said of the agency rated low on one unsur.
const WEAK_SUGGESTIONS: [&str; 2] = [
    "Penyelesaian berkas terlalu lama, mohon dipercepat.",
    "Waktu tunggu sertifikat tidak sesuai yang dijanjikan.",
];

/// One visitor's survey answer about a visit to `agency` (rule 4).
pub fn survey(rng: &mut Rng, agency: &str) -> SurveyRecord {
    let (lean, weak) = rating(agency);
    let mood = 0.25 * rng.normal();
    let answers = (0..UNSUR_COUNT)
        .map(|u| {
            let weak_lean = weak.filter(|(w, _)| *w == u).map_or(0.0, |(_, l)| l);
            let x = BASELINE + lean + UNSUR_LEAN[u] + weak_lean + mood + 0.45 * rng.normal();
            x.round().clamp(1.0, 4.0) as u8
        })
        .collect();
    let profile = rng.chance(0.65).then(|| profile(rng));
    let suggestion = rng.chance(0.08).then(|| {
        if weak.is_some() && rng.chance(0.6) {
            rng.pick(&WEAK_SUGGESTIONS).to_string()
        } else {
            rng.pick(&SUGGESTIONS).to_string()
        }
    });
    SurveyRecord {
        answers,
        profile,
        suggestion,
    }
}

/// One of a questionnaire's choices, or none (the question skipped).
fn choose(rng: &mut Rng, table: &[(&str, f64)]) -> Option<String> {
    let weights: Vec<f64> = table.iter().map(|t| t.1).collect();
    rng.chance(0.92)
        .then(|| table[rng.weighted(&weights)].0.to_string())
}

fn profile(rng: &mut Rng) -> SurveyProfile {
    const EDUCATION: [(&str, f64); 7] = [
        ("sd", 5.0),
        ("smp", 10.0),
        ("sma", 40.0),
        ("diploma", 12.0),
        ("s1", 27.0),
        ("s2", 5.0),
        ("s3", 1.0),
    ];
    const OCCUPATION: [(&str, f64); 7] = [
        ("pns", 12.0),
        ("tni", 2.0),
        ("polri", 2.0),
        ("swasta", 35.0),
        ("wirausaha", 25.0),
        ("pelajar", 8.0),
        ("lainnya", 16.0),
    ];
    let gender = rng
        .chance(0.95)
        .then(|| if rng.chance(0.52) { "l" } else { "p" }.to_string());
    let age = rng
        .chance(0.9)
        .then(|| (38.0 + 12.0 * rng.normal()).round().clamp(17.0, 75.0) as u8);
    let education = choose(rng, &EDUCATION);
    let occupation = choose(rng, &OCCUPATION);
    SurveyProfile {
        gender,
        age,
        education,
        occupation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_score(agency: &str, unsur: usize) -> f64 {
        let mut rng = Rng::new(3);
        let n = 2000;
        let total: u32 = (0..n)
            .map(|_| u32::from(survey(&mut rng, agency).answers[unsur]))
            .sum();
        f64::from(total) / f64::from(n)
    }

    #[test]
    fn rule_4_scores_lean_to_3_and_4_agencies_differ_and_one_unsur_is_weak() {
        let mut rng = Rng::new(9);
        let mut counts = [0u32; 5];
        for _ in 0..2000 {
            let answer = survey(&mut rng, "DUKCAPIL");
            assert_eq!(answer.answers.len(), UNSUR_COUNT);
            for a in answer.answers {
                counts[usize::from(a)] += 1;
            }
            if let Some(p) = answer.profile {
                assert_eq!(p.invalid_field(), None, "{p:?}");
            }
        }
        assert_eq!(counts[0], 0);
        assert!(
            counts[3] + counts[4] > 4 * (counts[1] + counts[2]),
            "{counts:?}"
        );
        assert!(mean_score("SULSELBAR", 0) > mean_score("PDAM", 0) + 0.3);
        assert!(
            mean_score("BPN", 2) < mean_score("BPN", 0) - 0.6,
            "BPN's U3"
        );
        for agency in ["DUKCAPIL", "BPN", "SOMETHING-ELSE"] {
            assert!((0.22..0.37).contains(&response_rate(agency)));
        }
    }

    #[test]
    fn rule_1_a_few_never_come_and_those_put_back_always_do() {
        let mut rng = Rng::new(5);
        let fates: Vec<Fate> = (0..10_000).map(|_| when_called(&mut rng, false)).collect();
        let no_shows = fates.iter().filter(|f| f.no_show).count();
        assert!((250..=450).contains(&no_shows), "{no_shows}");
        assert!(fates.iter().filter(|f| f.no_show).all(|f| f.recalls >= 1));
        assert!((0..1000).all(|_| !when_called(&mut rng, true).no_show));
    }
}
