//! The site replaced at run time: what a change may do to tickets already in line.

use super::*;

/// The test site with `edit` applied to its TOML.
fn edited(edit: impl Fn(&str) -> String) -> Arc<Site> {
    crate::config::SiteConfig::from_toml(&edit(SITE))
        .unwrap()
        .site()
        .unwrap()
}

fn replace(h: &mut Harness, site: Arc<Site>, now: Timestamp) -> Result<Outcome, DomainError> {
    h.engine.apply(
        Command::ReplaceSite {
            site,
            by: Some("admin".into()),
            expected_version: None,
        },
        now,
    )
}

#[test]
fn a_renamed_service_keeps_its_waiting_tickets_and_their_numbers() {
    let mut h = Harness::new();
    let first = h.issue("KTP", None, at(0)).unwrap();
    let second = h.issue("KTP", None, at(1)).unwrap();
    let renamed = edited(|s| {
        s.replace("name = \"KTP-el\"", "name = \"KTP Elektronik\"")
            .replace("prefix = \"A\"", "prefix = \"E\"")
    });
    let out = replace(&mut h, renamed, at(2)).unwrap();
    assert_eq!(out.affected, Affected::Nothing);
    assert_eq!(
        h.engine.site().service("KTP").unwrap().name,
        "KTP Elektronik"
    );
    let waiting: Vec<String> = h
        .engine
        .waiting("KTP")
        .iter()
        .map(|t| t.number.clone())
        .collect();
    assert_eq!(waiting, ["A001", "A002"]);
    h.act("L2", "budi", OPEN, at(3)).unwrap();
    assert_eq!(h.call_next("L2", "budi", at(4)), Some(first));
    assert_eq!(h.label(first), "A001");
    // New tickets take the new prefix; the old numbers stay as they were printed.
    let third = h.issue("KTP", None, at(5)).unwrap();
    assert_eq!(h.label(third), "E001");
    assert_eq!(h.call_next("L2", "budi", at(6)), Some(second));
}

#[test]
fn removing_a_service_with_tickets_is_refused_until_they_are_cancelled() {
    let mut h = Harness::new();
    let waiting = h.issue("KK", None, at(0)).unwrap();
    // KK is served only at L1; drop it from L1 and from the site.
    let without_kk = edited(|s| {
        let start = s.find("[[services]]\ncode = \"KK\"").unwrap();
        let end = s[start..].find("[[counters]]").unwrap() + start;
        format!("{}{}", &s[..start], &s[end..]).replace("[\"KTP\", \"KK\"]", "[\"KTP\"]")
    });
    let before = h.engine.snapshot(0, at(1));
    let refused = replace(&mut h, without_kk.clone(), at(1)).unwrap_err();
    assert_eq!(
        refused,
        DomainError::ServiceInUse {
            service: "KK".into(),
            tickets: 1
        }
    );
    assert!(refused.message().contains("KK"), "{}", refused.message());
    assert_eq!(
        before,
        h.engine.snapshot(0, at(1)),
        "a refusal changes nothing"
    );
    assert!(h.engine.site().service("KK").is_some());
    h.engine
        .apply(
            Command::Cancel {
                ticket: waiting,
                reason: Some("layanan ditutup".into()),
                by: Some("admin".into()),
            },
            at(2),
        )
        .unwrap();
    replace(&mut h, without_kk, at(3)).unwrap();
    assert!(h.engine.site().service("KK").is_none());
    assert_eq!(
        h.issue("KK", None, at(4)),
        Err(DomainError::ServiceNotFound)
    );
}

#[test]
fn an_open_counter_cannot_be_removed_and_a_new_one_starts_closed() {
    let mut h = Harness::new();
    h.act("L2", "budi", OPEN, at(0)).unwrap();
    let swap = edited(|s| {
        s.replace(
            "code = \"L2\"\nname = \"Loket 2\"",
            "code = \"L3\"\nname = \"Loket 3\"",
        )
    });
    assert_eq!(
        replace(&mut h, swap.clone(), at(1)).unwrap_err(),
        DomainError::CounterOpen {
            counter: "L2".into()
        }
    );
    h.act("L2", "budi", CounterCommand::Close, at(2)).unwrap();
    replace(&mut h, swap, at(3)).unwrap();
    assert!(h.engine.counter_state("L2").is_none());
    assert_eq!(
        h.engine.counter_state("L3").unwrap().status,
        CounterStatus::Closed
    );
    h.act("L3", "budi", OPEN, at(4)).unwrap();
}

#[test]
fn the_change_is_one_event_listing_each_item_before_and_after() {
    let mut h = Harness::new();
    let site = edited(|s| {
        s.replace("name = \"Loket 2\"", "name = \"Loket Dua\"")
            + "\n[[zones]]\ncode = \"B\"\nname = \"Zona B\"\n"
    });
    let out = replace(&mut h, site, at(0)).unwrap();
    assert_eq!(out.changes.len(), 1);
    let change = &out.changes[0];
    assert_eq!(change.kind, EventKind::SiteChanged);
    assert_eq!(change.detail.by.as_deref(), Some("admin"));
    let items: Vec<(&str, &str, bool, bool)> = change
        .detail
        .changes
        .iter()
        .map(|c| {
            (
                c.item.as_str(),
                c.code.as_str(),
                c.before.is_some(),
                c.after.is_some(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [("counter", "L2", true, true), ("zone", "B", false, true)]
    );
    let counter = &change.detail.changes[0];
    assert_eq!(counter.before.as_ref().unwrap()["name"], "Loket 2");
    assert_eq!(counter.after.as_ref().unwrap()["name"], "Loket Dua");
    // The same site again changes nothing but is still recorded (who looked and saved).
    let same = h.engine.site().clone();
    let out = replace(&mut h, same, at(1)).unwrap();
    assert!(out.changes[0].detail.changes.is_empty());
}
