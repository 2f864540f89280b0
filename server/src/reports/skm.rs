//! The Indeks Kepuasan Masyarakat (IKM) of Permenpan RB 14/2017, exactly as the
//! regulation computes it:
//!
//! - NRR per unsur = total of its scores ÷ respondents (scores 1–4);
//! - IKM = Σ NRR × 1/9 (the exact weight, never a rounded 0.11), then × 25 to the
//!   25–100 scale, shown with two decimals (half up);
//! - mutu from that two-decimal value: A 88.31–100 (Sangat Baik), B 76.61–88.30 (Baik),
//!   C 65.00–76.60 (Kurang Baik), D 25.00–64.99 (Tidak Baik);
//! - the minimum sample for the period's population (visitors served) is Krejcie and
//!   Morgan's at 95 % confidence and ±5 %: s = χ²NP(1−P) ÷ (d²(N−1) + χ²P(1−P)) with
//!   χ² = 3.841, P = 0.5, d = 0.05, rounded to the nearest whole respondent as their
//!   published table is.
//!
//! Integer arithmetic where the regulation's boundaries are decided, so 88.305 never
//! turns into 88.30 through a binary fraction.

use antre_protocol::{
    PublicIkm, PublicSkm, Respondent, Respondents, SkmReport, UNSUR, UNSUR_COUNT, UnsurScore,
};
use rusqlite::Connection;

use super::{Period, Scope};
use crate::engine::Site;

/// Whose answers an SKM report covers, within the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkmFilter {
    pub agency: Option<String>,
    pub service: Option<String>,
    pub counter: Option<String>,
    pub officer: Option<String>,
}

/// IKM × 100 on the 25–100 scale, rounded half up: 2500 × total ÷ (9 × respondents),
/// `total` being every score given (Σ over unsur of each unsur's total).
pub fn ikm_x100(total: u64, respondents: u64) -> Option<u64> {
    if respondents == 0 {
        return None;
    }
    let numerator = 2500 * total;
    let denominator = 9 * respondents;
    Some((2 * numerator + denominator) / (2 * denominator))
}

/// The mutu and kinerja of an IKM given × 100.
pub fn mutu(ikm_x100: u64) -> (&'static str, &'static str) {
    match ikm_x100 {
        8831.. => ("A", "Sangat Baik"),
        7661..=8830 => ("B", "Baik"),
        6500..=7660 => ("C", "Kurang Baik"),
        _ => ("D", "Tidak Baik"),
    }
}

/// Krejcie and Morgan's minimum sample for a population of `n`.
pub fn min_sample(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let chi2 = 3.841_f64;
    let p = 0.5_f64;
    let d = 0.05_f64;
    let n = n as f64;
    let s = chi2 * n * p * (1.0 - p) / (d * d * (n - 1.0) + chi2 * p * (1.0 - p));
    // Rounded to the nearest respondent, as their published table is.
    s.round() as u64
}

/// The figures of one set of answers: `sums[i]` is the total of unsur i's scores.
pub fn figures(sums: [u64; UNSUR_COUNT], respondents: u64) -> Figures {
    if respondents == 0 {
        return Figures::default();
    }
    let n = respondents as f64;
    let nrr: Vec<f64> = sums.iter().map(|&s| s as f64 / n).collect();
    let ikm = ikm_x100(sums.iter().sum(), respondents).expect("respondents > 0");
    let weakest = (0..UNSUR_COUNT)
        .min_by(|&a, &b| sums[a].cmp(&sums[b]))
        .map(|i| UNSUR[i].code.to_string());
    let (mutu, kinerja) = mutu(ikm);
    Figures {
        unsur: nrr
            .iter()
            .zip(UNSUR.iter())
            .map(|(&nrr, u)| UnsurScore {
                code: u.code.into(),
                name: u.name.into(),
                nrr: round_to(nrr, 3),
                weighted: round_to(nrr / 9.0, 3),
                converted: round_to(nrr * 25.0, 2),
            })
            .collect(),
        nrr: nrr.iter().map(|&x| round_to(x, 3)).collect(),
        ikm: Some(ikm as f64 / 100.0),
        mutu: Some(mutu.into()),
        kinerja: Some(kinerja.into()),
        weakest,
    }
}

/// What [`figures`] gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub nrr: Vec<f64>,
    pub unsur: Vec<UnsurScore>,
    pub ikm: Option<f64>,
    pub mutu: Option<String>,
    pub kinerja: Option<String>,
    pub weakest: Option<String>,
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The SKM report of the answers given for visits of `period` matching `filter`.
pub fn report(conn: &Connection, period: Period, filter: &SkmFilter) -> anyhow::Result<SkmReport> {
    let params = rusqlite::params![
        period.from.to_string(),
        period.to.to_string(),
        filter.agency,
        filter.service,
        filter.counter,
        filter.officer,
    ];
    let (respondents, sums) = conn
        .prepare_cached(
            "SELECT TOTAL(respondents), TOTAL(s1), TOTAL(s2), TOTAL(s3), TOTAL(s4), TOTAL(s5),
                    TOTAL(s6), TOTAL(s7), TOTAL(s8), TOTAL(s9)
             FROM survey_daily WHERE day BETWEEN ?1 AND ?2
               AND (?3 IS NULL OR agency = ?3) AND (?4 IS NULL OR service = ?4)
               AND (?5 IS NULL OR counter = ?5) AND (?6 IS NULL OR officer = ?6)",
        )?
        .query_row(params, |r| {
            let mut sums = [0u64; UNSUR_COUNT];
            for (i, sum) in sums.iter_mut().enumerate() {
                *sum = r.get::<_, f64>(i + 1)? as u64;
            }
            Ok((r.get::<_, f64>(0)? as u64, sums))
        })?;
    let population: u64 = conn
        .prepare_cached(
            "SELECT TOTAL(served) FROM served_daily WHERE day BETWEEN ?1 AND ?2
               AND (?3 IS NULL OR agency = ?3) AND (?4 IS NULL OR service = ?4)
               AND (?5 IS NULL OR counter = ?5) AND (?6 IS NULL OR officer = ?6)",
        )?
        .query_row(params, |r| Ok(r.get::<_, f64>(0)? as u64))?;
    let figures = figures(sums, respondents);
    let min_sample = min_sample(population);
    Ok(SkmReport {
        from: period.from.to_string(),
        to: period.to.to_string(),
        agency: filter.agency.clone(),
        service: filter.service.clone(),
        counter: filter.counter.clone(),
        officer: filter.officer.clone(),
        respondents,
        nrr: figures.nrr,
        unsur: figures.unsur,
        ikm: figures.ikm,
        mutu: figures.mutu,
        kinerja: figures.kinerja,
        weakest: figures.weakest,
        population,
        min_sample,
        too_few: respondents < min_sample,
    })
}

/// Every respondent's row (U1–U9, profile, suggestion) in the order answered.
pub fn respondents(
    conn: &Connection,
    period: Period,
    scope: &Scope,
) -> anyhow::Result<Respondents> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, agency, service, u1, u2, u3, u4, u5, u6, u7, u8, u9,
                gender, age, education, occupation, suggestion
         FROM survey_answers WHERE day BETWEEN ?1 AND ?2 AND (?3 IS NULL OR agency = ?3)
         ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(
            rusqlite::params![period.from.to_string(), period.to.to_string(), scope.agency],
            |r| {
                let mut answers = Vec::with_capacity(UNSUR_COUNT);
                for i in 0..UNSUR_COUNT {
                    answers.push(r.get::<_, u8>(3 + i)?);
                }
                Ok(Respondent {
                    no: 0,
                    day: r.get(0)?,
                    agency: r.get(1)?,
                    service: r.get(2)?,
                    answers,
                    gender: r.get(12)?,
                    age: r.get(13)?,
                    education: r.get(14)?,
                    occupation: r.get(15)?,
                    suggestion: r.get(16)?,
                })
            },
        )?
        .enumerate()
        .map(|(i, row)| {
            row.map(|row| Respondent {
                no: i as u64 + 1,
                ..row
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Respondents {
        from: period.from.to_string(),
        to: period.to.to_string(),
        rows,
    })
}

/// The published IKM of the MPP and of each agency over `period`.
pub fn public(conn: &Connection, site: &Site, period: Period) -> anyhow::Result<PublicSkm> {
    let of = |agency: Option<&str>, name: &str| -> anyhow::Result<PublicIkm> {
        let filter = SkmFilter {
            agency: agency.map(str::to_string),
            ..SkmFilter::default()
        };
        let r = report(conn, period, &filter)?;
        Ok(PublicIkm {
            agency: agency.unwrap_or_default().to_string(),
            name: name.to_string(),
            respondents: r.respondents,
            ikm: r.ikm,
            mutu: r.mutu,
            kinerja: r.kinerja,
        })
    };
    let agencies = site
        .agencies
        .iter()
        .map(|a| of(Some(&a.code), &a.name))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(PublicSkm {
        site_name: site.name.clone(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        mpp: of(None, &site.name)?,
        agencies,
    })
}

/// The respondents as SKM reports lay them out: one line per respondent, U1–U9, then
/// the profile and the suggestion.
pub fn respondents_table(r: &Respondents) -> super::table::Table {
    use super::table::Cell;
    let mut headers = vec![
        "No".to_string(),
        "Tanggal / Date".into(),
        "Instansi / Agency".into(),
        "Layanan / Service".into(),
    ];
    headers.extend(UNSUR.iter().map(|u| u.code.to_string()));
    headers.extend(
        [
            "Jenis kelamin / Gender",
            "Usia / Age",
            "Pendidikan / Education",
            "Pekerjaan / Occupation",
            "Saran / Suggestion",
        ]
        .map(String::from),
    );
    let text = |v: &Option<String>| v.clone().map_or(Cell::Empty, Cell::Text);
    super::table::Table {
        name: "responden-skm".into(),
        title: vec![
            "Survei Kepuasan Masyarakat — data responden".into(),
            format!("{} s.d. {}", r.from, r.to),
        ],
        headers,
        rows: r
            .rows
            .iter()
            .map(|x| {
                let mut cells = vec![
                    Cell::from(x.no),
                    Cell::from(x.day.clone()),
                    Cell::from(x.agency.clone()),
                    Cell::from(x.service.clone()),
                ];
                cells.extend(x.answers.iter().map(|&a| Cell::from(u64::from(a))));
                cells.push(text(&x.gender));
                cells.push(x.age.map(u64::from).into());
                cells.push(text(&x.education));
                cells.push(text(&x.occupation));
                cells.push(text(&x.suggestion));
                cells
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worked example by hand: four respondents.
    ///
    /// | resp. | U1 U2 U3 U4 U5 U6 U7 U8 U9 |
    /// |-------|----------------------------|
    /// | 1     |  4  3  3  4  3  4  4  3  3 |
    /// | 2     |  3  3  2  4  3  3  4  2  3 |
    /// | 3     |  4  4  3  4  4  4  4  3  4 |
    /// | 4     |  3  2  2  4  3  3  3  2  3 |
    /// | total | 14 12 10 16 13 14 15 10 13 |  = 117
    ///
    /// NRR: 3.5, 3.0, 2.5, 4.0, 3.25, 3.5, 3.75, 2.5, 3.25.
    /// Σ NRR = 29.25; × 1/9 = 3.25; × 25 = 81.25 → mutu B, Baik.
    /// Weakest: U3 and U8 (2.5); the first, U3, is named.
    #[test]
    fn worked_example_by_hand() {
        let answers = [
            [4, 3, 3, 4, 3, 4, 4, 3, 3],
            [3, 3, 2, 4, 3, 3, 4, 2, 3],
            [4, 4, 3, 4, 4, 4, 4, 3, 4],
            [3, 2, 2, 4, 3, 3, 3, 2, 3],
        ];
        let mut sums = [0u64; 9];
        for a in answers {
            for (s, x) in sums.iter_mut().zip(a) {
                *s += x;
            }
        }
        assert_eq!(sums, [14, 12, 10, 16, 13, 14, 15, 10, 13]);
        let f = figures(sums, 4);
        assert_eq!(f.nrr, vec![3.5, 3.0, 2.5, 4.0, 3.25, 3.5, 3.75, 2.5, 3.25]);
        assert_eq!(f.ikm, Some(81.25));
        assert_eq!(f.mutu.as_deref(), Some("B"));
        assert_eq!(f.kinerja.as_deref(), Some("Baik"));
        assert_eq!(f.weakest.as_deref(), Some("U3"));
        assert_eq!(f.unsur[0].converted, 87.5);
    }

    #[test]
    fn the_weight_is_exactly_one_ninth() {
        // 3 respondents, total 100: 2500 × 100 ÷ 27 = 9259.259… → 92.59. With the
        // rounded weight 0.11 it would be Σ NRR (33.333…) × 0.11 × 25 = 91.67.
        assert_eq!(ikm_x100(100, 3), Some(9259));
    }

    #[test]
    fn ikm_rounds_half_up_at_two_decimals() {
        // 8 respondents, 81 points: 2500 × 81 ÷ 72 = 2812.5 exactly → 28.13.
        assert_eq!(ikm_x100(81, 8), Some(2813));
        assert_eq!(ikm_x100(9, 1), Some(2500));
        assert_eq!(ikm_x100(36, 1), Some(10000));
        assert_eq!(ikm_x100(0, 0), None);
    }

    #[test]
    fn mutu_boundaries() {
        assert_eq!(mutu(10000), ("A", "Sangat Baik"));
        assert_eq!(mutu(8831), ("A", "Sangat Baik"));
        assert_eq!(mutu(8830), ("B", "Baik"));
        assert_eq!(mutu(7661), ("B", "Baik"));
        assert_eq!(mutu(7660), ("C", "Kurang Baik"));
        assert_eq!(mutu(6500), ("C", "Kurang Baik"));
        assert_eq!(mutu(6499), ("D", "Tidak Baik"));
        assert_eq!(mutu(2500), ("D", "Tidak Baik"));
    }

    /// 202 respondents whose scores add up to `total`: most answer 3 everywhere, and
    /// the rest of the points (or the missing ones) spread one by one.
    fn sums_of(total: u64) -> [u64; 9] {
        let base = 3 * 202;
        let mut sums = [base; 9];
        let mut left = total as i64 - 9 * base as i64;
        let mut i = 0;
        while left != 0 {
            sums[i % 9] = (sums[i % 9] as i64 + left.signum()) as u64;
            left -= left.signum();
            i += 1;
        }
        sums
    }

    #[test]
    fn answers_that_land_on_each_side_of_the_boundaries() {
        // By hand, 2500 × total ÷ (9 × 202):
        // 6422 → 8831.13 → 88.31 A;  6421 → 8829.76 → 88.30 B;
        // 5571 → 7660.89 → 76.61 B;  5570 → 7659.52 → 76.60 C;
        // 4727 → 6500.28 → 65.00 C;  4726 → 6498.90 → 64.99 D.
        for (total, ikm, mutu) in [
            (6422, 88.31, "A"),
            (6421, 88.30, "B"),
            (5571, 76.61, "B"),
            (5570, 76.60, "C"),
            (4727, 65.00, "C"),
            (4726, 64.99, "D"),
        ] {
            let sums = sums_of(total);
            assert_eq!(sums.iter().sum::<u64>(), total);
            let f = figures(sums, 202);
            assert_eq!(f.ikm, Some(ikm), "total {total}");
            assert_eq!(f.mutu.as_deref(), Some(mutu), "total {total}");
        }
    }

    #[test]
    fn krejcie_and_morgan_table_values() {
        // From their published table: N → s.
        for (n, s) in [
            (10, 10),
            (50, 44),
            (100, 80),
            (500, 217),
            (1000, 278),
            (5000, 357),
            (100_000, 383),
        ] {
            assert_eq!(min_sample(n), s, "N = {n}");
        }
        assert_eq!(min_sample(0), 0);
    }
}
