//! The service search: what the kiosk, the counter page (both through
//! `server/assets/antre.js`, `buildIndex`/`search`) and the counter terminal client (this
//! module) find when someone types a few words. It is one search in two languages, so a
//! visitor and an officer who type the same words see the same services; both are held
//! to the cases in `client/search-cases.json`. Change them together.
//!
//! # The algorithm
//!
//! Written out once, above `buildIndex` in `server/assets/antre.js`; this module follows
//! it step by step (the step numbers below are that description's), and a test holds
//! the two lists of filler words to each other.

use std::collections::{BTreeSet, HashSet};

use antre_protocol::{Agency, ServiceInfo, SiteInfo};

/// Words that describe the asker or the asking, not a service (Bahasa Indonesia,
/// everyday and written, and English): the same words as `FILLER` in the page module.
pub const FILLER: &str = "saya aku gue gua gw kami kita anda kamu mau ingin pengen pingin hendak \
    akan perlu butuh bikin buat membuat urus mengurus ngurus tolong mohon minta untuk utk yang \
    yg dan di ke dari dengan dgn ini itu ada bisa apa bagaimana gimana cara caranya sudah udah \
    sedang lagi dong ya punya nya tentang soal pak bu i im me my we our you want wanna would \
    like need to a an the for of and in at on please how do does can get make is are with about";

fn is_filler(word: &str) -> bool {
    FILLER.split_whitespace().any(|f| f == word)
}

/// Score of a word that is one of the set's words.
const EXACT: u32 = 6;
/// Score of a word that starts one of the set's words.
const PREFIX: u32 = 4;
/// Score of a word one typo away.
const TYPO: u32 = 2;
/// Bonus when the words are exactly one of the service's keywords.
const PHRASE: u32 = 3;
/// Bonus when a word starts a word of the service's own name.
const NAMED: u32 = 1;

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
        if best < TYPO && q.len() >= 4 {
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

/// A query's or a keyword's words without repeats and filler, sorted and joined: word
/// order does not matter ("hilang ktp" is the keyword "ktp hilang").
fn word_set<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let set: BTreeSet<&str> = words.filter(|w| !is_filler(w)).collect();
    set.into_iter().collect::<Vec<_>>().join(" ")
}

/// One service, ready to be searched (step 3).
#[derive(Debug, Clone)]
struct Entry {
    service: ServiceInfo,
    keywords: BTreeSet<String>,
    name: BTreeSet<String>,
    other: BTreeSet<String>,
    phrases: HashSet<String>,
}

/// Every service of a site, indexed once and searched as often as people type.
#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: Vec<Entry>,
}

/// One word's score for one service (step 5).
#[derive(Debug, Clone, Copy)]
struct Match {
    score: u32,
    typo: bool,
}

impl Index {
    pub fn new(site: &SiteInfo) -> Index {
        Index::of(&site.services, &site.agencies)
    }

    /// The index of these services, whose agencies are among `agencies`.
    pub fn of(services: &[ServiceInfo], agencies: &[Agency]) -> Index {
        let set = |text: String| -> BTreeSet<String> { words(&normalize(&text)).collect() };
        let entries = services
            .iter()
            .map(|s| {
                let agency = agencies.iter().find(|a| a.code == s.agency);
                Entry {
                    service: s.clone(),
                    keywords: set(format!(
                        "{} {}",
                        s.keywords.join(" "),
                        agency.map_or("", |a| a.short.as_str())
                    )),
                    name: set(format!("{} {}", s.name, s.name_en)),
                    other: set(format!(
                        "{} {}",
                        agency.map_or("", |a| a.name.as_str()),
                        s.code
                    )),
                    phrases: s
                        .keywords
                        .iter()
                        .map(|k| word_set(normalize(k).split(' ').filter(|w| !w.is_empty())))
                        .filter(|p| !p.is_empty())
                        .collect(),
                }
            })
            .collect();
        Index { entries }
    }

    /// Every service, in the site's order.
    pub fn services(&self) -> impl Iterator<Item = &ServiceInfo> {
        self.entries.iter().map(|e| &e.service)
    }

    /// The services the text finds, best first (steps 2, 5, 6 and 7). Empty when no
    /// word is left.
    pub fn search(&self, text: &str) -> Vec<&ServiceInfo> {
        let normalized = normalize(text);
        let mut query: Vec<&str> = Vec::new();
        for word in normalized.split(' ').filter(|w| !w.is_empty()) {
            if !is_filler(word) && !query.contains(&word) {
                query.push(word);
            }
        }
        if query.is_empty() {
            return Vec::new();
        }
        let scores: Vec<Vec<Match>> = self
            .entries
            .iter()
            .map(|e| {
                query
                    .iter()
                    .map(|q| {
                        let k = word_score(q, &e.keywords);
                        let by_name = word_score(q, &e.name);
                        let n = by_name.max(word_score(q, &e.other));
                        let named = if by_name >= PREFIX { NAMED } else { 0 };
                        let score = if k > 0 { k + 1 } else { 0 }.max(n);
                        Match {
                            score: if score > 0 { score + named } else { 0 },
                            typo: k.max(n) == TYPO,
                        }
                    })
                    .collect()
            })
            .collect();
        // A typo counts only for a word nothing matches as typed.
        let typed: Vec<bool> = (0..query.len())
            .map(|i| scores.iter().any(|row| row[i].score > 0 && !row[i].typo))
            .collect();
        let key = word_set(query.iter().copied());
        let mut found: Vec<(usize, usize, u32)> = Vec::new();
        for (order, (entry, row)) in self.entries.iter().zip(&scores).enumerate() {
            let (mut count, mut total) = (0, 0);
            for (j, m) in row.iter().enumerate() {
                if m.score == 0 || (m.typo && typed[j]) {
                    continue;
                }
                count += 1;
                total += m.score;
            }
            if count == 0 {
                continue;
            }
            if entry.phrases.contains(&key) {
                total += PHRASE;
            }
            found.push((order, count, total));
        }
        if found.iter().any(|f| f.1 == query.len()) {
            found.retain(|f| f.1 == query.len());
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        found
            .into_iter()
            .map(|(order, _, _)| &self.entries[order].service)
            .collect()
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
        // Only filler: nothing is asked for.
        assert!(index.search("saya mau").is_empty());
        // A word nothing knows leaves the services matching the others.
        let found = codes(&index.search("npwp hari ini kemarin"));
        assert_eq!(found.first(), Some(&"KPP-NPWP"), "{found:?}");
        // Blank.
        assert!(index.search(" \t ").is_empty());
    }

    #[test]
    fn the_filler_words_are_those_of_the_page_module() {
        let js = include_str!("../../server/assets/antre.js");
        let start = js
            .find("export const FILLER = new Set((")
            .expect("the page's FILLER");
        let end = start + js[start..].find(").split(' '))").expect("its end");
        let page: BTreeSet<&str> = js[start..end]
            .split('\'')
            .skip(1)
            .step_by(2)
            .flat_map(str::split_whitespace)
            .collect();
        let here: BTreeSet<&str> = FILLER.split_whitespace().collect();
        assert!(page.len() > 50, "{page:?}");
        assert_eq!(here, page);
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
