//! The service search: what the kiosk, the counter page (both through
//! `server/assets/antre.js`, `buildIndex`/`search`) and the counter terminal client (this
//! module) find when someone types a few words. It is one search in two languages, so a
//! visitor and an officer who type the same words see the same services; both are held
//! to the cases in `client/search-cases.json`. Change them together.
//!
//! # The algorithm
//!
//! 1. **Normalise** every text: lower case; accents off (`é` → `e`); everything but
//!    letters `a`–`z` and digits `0`–`9` becomes one space; trimmed.
//! 2. **Index** each service with two sets of words: *strong* words, the service's
//!    keywords and its agency's short name (what people type: "ktp", "Dukcapil"), and
//!    *weak* words, its names in both languages, its agency's full name and its code;
//!    and its keywords as whole *phrases*.
//! 3. **Split the query** into words and drop the [`FILLER`] words that only carry the
//!    sentence ("saya mau …", "I want to …"), unless nothing else is left.
//! 4. **Score each word** against a set of words: 6 when it is one of them, 4 when one of
//!    them starts with it (two letters or more), 2 when it is one typo away (from four
//!    letters on: one edit, from eight letters on: two; an edit is a letter added,
//!    dropped, changed, or two neighbours swapped — optimal string alignment; a word of
//!    the set that is longer may also match by its start, "psapo" → "paspor"), else 0.
//!    A word's score for a service is its strong score plus one (keywords weigh more
//!    than names) or its weak score, whichever is higher; it is a *typo match* when the
//!    better of the two is 2.
//! 5. **A service matches** the words that score above 0 for it; its score is their sum,
//!    plus 3 when the words, joined by spaces, are exactly one of its keywords ("ktp",
//!    not "ktp digital").
//! 6. **Keep the services that match the most words**: every word when some service
//!    matches them all, in any order ("sim perpanjang"); otherwise those matching the
//!    greatest number, so words that only describe the situation ("bikin") still leave
//!    the service that fits. None when no service matches any word.
//! 7. **Typos only when needed**: when some kept service matches without a typo match,
//!    the ones with a typo match are dropped ("paspor" must not also list "lapor").
//! 8. **Order**: highest score first; equal scores by name (normalised, alphabetical),
//!    then by code.

use std::collections::{BTreeSet, HashSet};

use antre_protocol::{Agency, ServiceInfo, SiteInfo};

/// Words that only carry the sentence around what is looked for, in Bahasa Indonesia
/// (with its everyday forms) and English. None of them is a word that tells services
/// apart: "buat" (make: "buat paspor") and "baru" (new) are not here, nor "a" ("sim a").
pub const FILLER: &[&str] = &[
    // Bahasa Indonesia: who, wanting and asking, little words
    "saya",
    "aku",
    "gue",
    "gua",
    "kami",
    "kita",
    "anda",
    "mau",
    "ingin",
    "pengen",
    "pingin",
    "hendak",
    "akan",
    "perlu",
    "butuh",
    "mohon",
    "tolong",
    "minta",
    "bisa",
    "boleh",
    "dong",
    "deh",
    "sih",
    "nih",
    "ya",
    "yang",
    "untuk",
    "utk",
    "di",
    "ke",
    "dari",
    "dan",
    "atau",
    "dengan",
    "ini",
    "itu",
    "nya",
    "apa",
    "bagaimana",
    "gimana",
    "cara",
    "urus",
    "mengurus",
    "ngurus",
    "tentang",
    "soal",
    "sudah",
    "udah",
    "belum",
    "lagi",
    "juga",
    "ada",
    "punya",
    "saja",
    "aja",
    // English
    "i",
    "im",
    "me",
    "my",
    "we",
    "our",
    "you",
    "want",
    "wants",
    "would",
    "like",
    "need",
    "needs",
    "to",
    "the",
    "an",
    "for",
    "of",
    "on",
    "in",
    "at",
    "and",
    "or",
    "with",
    "please",
    "how",
    "do",
    "can",
    "could",
    "is",
    "are",
    "it",
    "this",
    "that",
    "about",
];

/// Score of a word that is one of the set's words.
const EXACT: u32 = 6;
/// Score of a word that starts one of the set's words.
const PREFIX: u32 = 4;
/// Score of a word one typo away.
const TYPO: u32 = 2;
/// Bonus when the words are exactly one of the service's keywords.
const PHRASE: u32 = 3;

/// Letters with accents, by the letter they become. Only letters that Unicode
/// decomposes into a letter and a combining mark (as `normalize('NFD')` in the page
/// does); others (`ø`, `đ`, `ł`) are not letters `a`–`z` and become spaces, in both.
const ACCENTED: &[(&str, char)] = &[
    ("àáâãäåāăą", 'a'),
    ("çćĉċč", 'c'),
    ("ď", 'd'),
    ("èéêëēĕėęě", 'e'),
    ("ĝğġģ", 'g'),
    ("ĥ", 'h'),
    ("ìíîïĩīĭį", 'i'),
    ("ĵ", 'j'),
    ("ķ", 'k'),
    ("ĺļľ", 'l'),
    ("ñńņň", 'n'),
    ("òóôõöōŏő", 'o'),
    ("ŕŗř", 'r'),
    ("śŝşš", 's'),
    ("ţť", 't'),
    ("ùúûüũūŭůűų", 'u'),
    ("ŵ", 'w'),
    ("ýÿŷ", 'y'),
    ("źżž", 'z'),
];

/// Step 1: lower case, accents off, anything but `a`–`z` and `0`–`9` as one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.to_lowercase().chars() {
        // Combining marks (a letter typed already decomposed) simply go.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = ACCENTED
            .iter()
            .find(|(letters, _)| letters.contains(c))
            .map_or(c, |&(_, base)| base);
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
}

/// Edits between two normalised words, a swap of neighbours counting as one (optimal
/// string alignment).
pub fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Step 4: how well one typed word matches a set of words.
fn word_score(q: &str, set: &BTreeSet<String>) -> u32 {
    let mut best = 0;
    for w in set {
        if w == q {
            return EXACT;
        }
        if q.len() >= 2 && w.starts_with(q) {
            best = best.max(PREFIX);
            continue;
        }
        if q.len() >= 4 {
            let allowed = if q.len() >= 8 { 2 } else { 1 };
            let whole = distance(q, w) <= allowed;
            let start = w.len() > q.len() && distance(q, &w[..q.len()]) <= allowed;
            if whole || start {
                best = best.max(TYPO);
            }
        }
    }
    best
}

/// One service, ready to be searched.
#[derive(Debug, Clone)]
struct Entry {
    service: ServiceInfo,
    strong: BTreeSet<String>,
    weak: BTreeSet<String>,
    phrases: HashSet<String>,
    name: String,
}

/// Every service of a site, indexed once (step 2) and searched as often as people type.
#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: Vec<Entry>,
}

/// A service kept by [`Index::search`], before ordering.
struct Found<'a> {
    entry: &'a Entry,
    matched: usize,
    score: u32,
    typo: bool,
}

impl Index {
    pub fn new(site: &SiteInfo) -> Index {
        Index::of(&site.services, &site.agencies)
    }

    /// The index of these services, whose agencies are among `agencies`.
    pub fn of(services: &[ServiceInfo], agencies: &[Agency]) -> Index {
        let entries = services
            .iter()
            .map(|s| {
                let agency = agencies.iter().find(|a| a.code == s.agency);
                let strong = normalize(&format!(
                    "{} {}",
                    s.keywords.join(" "),
                    agency.map_or("", |a| a.short.as_str())
                ));
                let weak = normalize(&format!(
                    "{} {} {} {}",
                    s.name,
                    s.name_en,
                    agency.map_or("", |a| a.name.as_str()),
                    s.code
                ));
                Entry {
                    service: s.clone(),
                    strong: words(&strong).collect(),
                    weak: words(&weak).collect(),
                    phrases: s.keywords.iter().map(|k| normalize(k)).collect(),
                    name: normalize(&s.name),
                }
            })
            .collect();
        Index { entries }
    }

    /// Every service, in the site's order.
    pub fn services(&self) -> impl Iterator<Item = &ServiceInfo> {
        self.entries.iter().map(|e| &e.service)
    }

    /// The services the text finds, best first (see the module's description). Empty
    /// for a blank text.
    pub fn search(&self, text: &str) -> Vec<&ServiceInfo> {
        let typed: Vec<String> = words(&normalize(text)).collect();
        let content: Vec<String> = typed
            .iter()
            .filter(|w| !FILLER.contains(&w.as_str()))
            .cloned()
            .collect();
        let query = if content.is_empty() { typed } else { content };
        if query.is_empty() {
            return Vec::new();
        }
        let phrase = query.join(" ");
        let mut found: Vec<Found<'_>> = Vec::new();
        for entry in &self.entries {
            let (mut matched, mut score, mut typo) = (0, 0, false);
            for q in &query {
                let strong = word_score(q, &entry.strong);
                let weak = word_score(q, &entry.weak);
                let sc = if strong > 0 { strong + 1 } else { 0 }.max(weak);
                if sc == 0 {
                    continue;
                }
                matched += 1;
                score += sc;
                typo |= strong.max(weak) == TYPO;
            }
            if matched == query.len() && entry.phrases.contains(&phrase) {
                score += PHRASE;
            }
            if matched > 0 {
                found.push(Found {
                    entry,
                    matched,
                    score,
                    typo,
                });
            }
        }
        let most = found.iter().map(|f| f.matched).max().unwrap_or(0);
        found.retain(|f| f.matched == most);
        if found.iter().any(|f| !f.typo) {
            found.retain(|f| !f.typo);
        }
        found.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.entry.name.cmp(&b.entry.name))
                .then_with(|| a.entry.service.code.cmp(&b.entry.service.code))
        });
        found.into_iter().map(|f| &f.entry.service).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// The demo site's agencies and services, read from the server's demo config the
    /// way `GET /api/v1/site` describes them (what the index uses; the rest is filler).
    fn demo_site() -> SiteInfo {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../server/demo/site.toml");
        let text = std::fs::read_to_string(path).expect("the demo site config");
        let config: toml::Table = toml::from_str(&text).expect("valid TOML");
        let list = |key: &str| -> Vec<toml::Value> {
            config
                .get(key)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        };
        let text_of = |v: &toml::Value, key: &str| -> String {
            v.get(key)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let agencies: Vec<Value> = list("agencies")
            .iter()
            .map(|a| {
                json!({"code": text_of(a, "code"), "short": text_of(a, "short"),
                       "name": text_of(a, "name"), "name_en": text_of(a, "name_en")})
            })
            .collect();
        let services: Vec<Value> = list("services")
            .iter()
            .map(|s| {
                let keywords: Vec<String> = s
                    .get("keywords")
                    .and_then(|k| k.as_array())
                    .map(|k| {
                        k.iter()
                            .filter_map(|w| w.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                json!({"code": text_of(s, "code"), "name": text_of(s, "name"),
                       "name_en": text_of(s, "name_en"), "prefix": text_of(s, "prefix"),
                       "agency": text_of(s, "agency"), "keywords": keywords,
                       "target_wait_s": 0, "hours": "00:00-24:00", "days": []})
            })
            .collect();
        serde_json::from_value(json!({
            "code": "MPP-DEMO", "name": "demo", "timezone": "Asia/Makassar",
            "agencies": agencies, "services": services,
            "counters": [], "zones": [], "kiosks": [], "boards": []
        }))
        .expect("a site description")
    }

    fn codes<'a>(found: &[&'a ServiceInfo]) -> Vec<&'a str> {
        found.iter().map(|s| s.code.as_str()).collect()
    }

    #[test]
    fn every_case_of_search_cases_json_passes_on_the_demo_site() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/search-cases.json");
        let cases: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let site = demo_site();
        assert!(site.services.len() > 40, "the whole demo site was read");
        let index = Index::new(&site);
        let known: HashSet<&str> = site.services.iter().map(|s| s.code.as_str()).collect();
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default()
        };
        let mut failures = Vec::new();
        let all = cases["cases"].as_array().expect("a list of cases");
        assert!(!all.is_empty());
        for case in all {
            let query = case["query"].as_str().unwrap();
            let found = codes(&index.search(query));
            let mut fail = |why: String| failures.push(format!("{query:?}: {why}; got {found:?}"));
            if let Some(first) = case["first"].as_str() {
                assert!(known.contains(first), "unknown code {first} in the cases");
                if found.first() != Some(&first) {
                    fail(format!("first should be {first}"));
                }
            }
            for code in strings(&case["includes"]) {
                assert!(known.contains(code.as_str()), "unknown code {code}");
                if !found.contains(&code.as_str()) {
                    fail(format!("should include {code}"));
                }
            }
            for code in strings(&case["excludes"]) {
                assert!(known.contains(code.as_str()), "unknown code {code}");
                if found.contains(&code.as_str()) {
                    fail(format!("should not include {code}"));
                }
            }
            if case["none"].as_bool() == Some(true) && !found.is_empty() {
                fail("should find nothing".into());
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn text_is_normalised_like_the_page_does() {
        assert_eq!(normalize("  KTP-el, Pérekaman!  "), "ktp el perekaman");
        assert_eq!(normalize("Ça\u{301}va"), "cava");
        assert_eq!(normalize("Ødegaard"), "degaard");
        assert_eq!(normalize("A/1  B"), "a 1 b");
        assert_eq!(normalize("—"), "");
    }

    #[test]
    fn distance_counts_a_swap_as_one_typo() {
        assert_eq!(distance("psapor", "paspor"), 1);
        assert_eq!(distance("pasport", "passport"), 1);
        assert_eq!(distance("paspor", "lapor"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn words_count_in_any_order_and_filler_is_ignored() {
        let index = Index::new(&demo_site());
        assert_eq!(
            codes(&index.search("perpanjang sim")),
            codes(&index.search("sim perpanjang"))
        );
        assert_eq!(
            codes(&index.search("saya mau perpanjang sim dong")),
            codes(&index.search("perpanjang sim"))
        );
        // Only filler: searched as typed ("saya" is one typo from "bayar").
        let only = codes(&index.search("saya mau"));
        assert!(only.contains(&"BANK-BAYAR"), "{only:?}");
        // A word nothing knows leaves the services matching the others.
        let found = codes(&index.search("npwp hari ini kemarin"));
        assert_eq!(found.first(), Some(&"KPP-NPWP"), "{found:?}");
        // Blank.
        assert!(index.search(" \t ").is_empty());
    }

    #[test]
    fn keywords_weigh_more_than_names_and_typos_only_help_when_nothing_else_matches() {
        let index = Index::new(&demo_site());
        // "lapor" is a keyword of the police report and a word of the tax return's
        // keyword "lapor pajak": typed alone it is the police report's own keyword.
        let found = codes(&index.search("lapor"));
        assert_eq!(found.first(), Some(&"POL-LAPOR"), "{found:?}");
        // "paspor" as typed: no typo neighbour ("lapor") comes along.
        assert!(!codes(&index.search("paspor")).contains(&"POL-LAPOR"));
        // A prefix counts ("pasp" → paspor).
        assert!(codes(&index.search("pasp")).contains(&"IMG-PASPOR-BARU"));
    }
}
