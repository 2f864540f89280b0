//! `antre demo` on a new data directory starts with the previous 60 days of history
//! (server/src/demo_history): read back through the reports API and the SQLite file,
//! every agency had visitors who were served, some missed their call, some were
//! transferred, some answered the survey, and today is empty.

use antre_protocol::{Heatmap, PublicSkm, SkmReport, Summary};
use antre_testkit::server::Server;
use jiff::ToSpan;
use serde_json::Value;

#[tokio::test]
async fn a_new_demo_starts_with_sixty_days_of_history_and_an_empty_today() {
    let server = Server::demo_with_history();
    let api = server.api();
    let site = antre_testkit::server::site(&server).await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get(&site.timezone).unwrap())
        .date();
    let (first, last) = (today - 60.days(), today.yesterday().unwrap());
    let admin = api.as_user("admin").await;
    let period = format!("from={first}&to={last}");

    let by_agency: Summary = admin
        .json(&format!("/reports/summary?{period}&group=agency"))
        .await;
    for agency in &site.agencies {
        let row = by_agency
            .rows
            .iter()
            .find(|r| r.key == agency.code)
            .unwrap_or_else(|| panic!("no visitors for {}", agency.code));
        assert!(row.issued > 0 && row.served > 0, "{row:?}");
    }
    let total = &by_agency.total;
    assert!(total.issued > 3_000, "about a hundred a day: {total:?}");
    // A few percent missed their call and were never reinstated; some were sent to
    // another service; a few left the line; some had priority.
    assert!(total.no_show * 100 > total.issued, "{total:?}");
    assert!(total.no_show * 100 < total.issued * 6, "{total:?}");
    assert!(total.transferred_out > 0 && total.transferred_in == total.transferred_out);
    assert!(total.cancelled > 0 && total.priority > 0, "{total:?}");
    assert!(total.served * 10 > total.issued * 9, "{total:?}");
    assert!(
        total.wait.mean_s.unwrap() > 60.0,
        "visitors wait: {total:?}"
    );

    // Mid-morning is busier than lunch and the weekend, Sunday is closed.
    let heat: Heatmap = admin.json(&format!("/reports/heatmap?{period}")).await;
    let monday = &heat.cells[0];
    assert!(
        monday[9] > monday[12] && monday[10] > monday[12],
        "{monday:?}"
    );
    assert!(monday[13] > monday[12], "the bump after lunch: {monday:?}");
    assert!(heat.cells[5].iter().sum::<u64>() < monday.iter().sum::<u64>() / 2);
    assert_eq!(heat.cells[6].iter().sum::<u64>(), 0, "Sunday");

    // The SKM: about a quarter to a third answered, mostly 3 and 4, agencies differ.
    let skm: SkmReport = admin.json(&format!("/reports/skm?{period}")).await;
    assert!(skm.respondents * 5 > total.served, "{skm:?}");
    assert!(skm.respondents * 5 < total.served * 2, "{skm:?}");
    let ikm = skm.ikm.unwrap();
    assert!((76.61..=92.0).contains(&ikm), "{ikm}");
    let public: PublicSkm = api.json("/skm").await;
    let ikms: Vec<f64> = public.agencies.iter().filter_map(|a| a.ikm).collect();
    assert_eq!(ikms.len(), site.agencies.len(), "{public:?}");
    let (low, high) = ikms
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
    assert!(high - low > 5.0, "agencies are rated differently: {ikms:?}");
    let bpn: SkmReport = admin
        .json(&format!("/reports/skm?{period}&agency=BPN"))
        .await;
    assert_eq!(bpn.weakest.as_deref(), Some("U3"), "{bpn:?}");
    let respondents: Value = admin
        .json(&format!("/reports/skm/respondents?{period}"))
        .await;
    let rows = respondents["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["gender"].is_string() && r["age"].is_u64())
    );
    assert!(rows.iter().any(|r| r["suggestion"].is_string()));

    // Officers worked at every counter, with breaks.
    let officers: Value = admin.json(&format!("/reports/officers?{period}")).await;
    let officers = officers["rows"].as_array().unwrap();
    assert!(officers.len() >= site.counters.len(), "{officers:?}");
    assert!(officers.iter().all(|o| o["paused_s"].as_u64() > Some(0)));

    // The audit trail shows calls out of turn, with their reasons.
    let audit: Value = admin
        .json(&format!("/audit?{period}&out_of_order=true"))
        .await;
    let calls = audit["events"].as_array().unwrap();
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|e| e["detail"]["reason"].is_string()));

    // Today is the newcomer's: nothing issued, nobody waiting, every counter closed.
    let today_summary: Summary = admin
        .json(&format!("/reports/summary?from={today}&to={today}"))
        .await;
    assert_eq!(today_summary.total.issued, 0);
    let conn = rusqlite::Connection::open(server.data.join("antre.sqlite3")).unwrap();
    let (today_tickets, live): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM tickets WHERE day = ?1),
                    (SELECT COUNT(*) FROM tickets WHERE status IN
                        ('waiting', 'called', 'serving', 'held', 'no_show'))",
            [today.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((today_tickets, live), (0, 0));
    let open: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM counters WHERE status != 'closed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 0);
    let first_ticket = antre_testkit::server::issue(&server, "DKP-KTP").await;
    assert_eq!(
        first_ticket.number, "A001",
        "today's numbering starts afresh"
    );
}
