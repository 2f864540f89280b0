//! Reports, the survey and the audit trail over HTTP on the real binary: who may see
//! what, the survey's refusals, the files (the XLSX read back holds the JSON's
//! figures), the public IKM.

use std::io::Cursor;

use antre_testkit::*;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

/// One visit served at L01 by its officer; answers the ticket's tracking token.
async fn serve_one(server: &Server) -> (String, String) {
    let officer = server.api().as_user("petugas-l01").await;
    let ticket = server.api().issue("DKP-KTP").await;
    assert_eq!(officer.act("L01", "open", None).await.status(), 200);
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
    (ticket.number, ticket.track_token.unwrap())
}

#[tokio::test]
async fn a_served_visitor_answers_once_from_the_counter_tablet() {
    let server = Server::demo();
    let officer = server.api().as_user("petugas-l01").await;
    let waiting = server.api().issue("DKP-KTP").await;
    // Not served yet: refused.
    let res = officer
        .post("/surveys")
        .json(&json!({"track_token": waiting.track_token, "answers": vec![4; 9]}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "not_served".into()));
    assert_eq!(officer.act("L01", "open", None).await.status(), 200);
    assert_eq!(officer.act("L01", "call-next", None).await.status(), 200);
    assert_eq!(officer.act("L01", "complete", None).await.status(), 200);
    // The tablet at L01 learns which visit just ended, and its secret.
    let visit: Value = officer.json("/counters/L01/survey").await;
    assert_eq!(visit["number"], waiting.number.as_str());
    let token = visit["track_token"].as_str().unwrap().to_string();
    // Another officer's tablet may not ask about L01.
    let other = server.api().as_user("petugas-l02").await;
    let res = other.get("/counters/L01/survey").send().await.unwrap();
    assert_eq!(res.status(), 403);
    for bad in [
        json!({"track_token": token, "answers": vec![4; 8]}),
        json!({"track_token": token, "answers": [4, 4, 4, 4, 4, 4, 4, 4, 5]}),
        json!({"track_token": token, "answers": vec![4; 9], "profile": {"gender": "x"}}),
    ] {
        let res = server
            .api()
            .post("/surveys")
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await, (400, "invalid_survey".into()), "{bad}");
    }
    let answer = json!({"track_token": token, "answers": [4, 4, 4, 4, 4, 4, 4, 4, 3],
        "profile": {"gender": "p", "age": 34, "education": "s1", "occupation": "swasta"},
        "suggestion": "Ruang tunggu nyaman."});
    let res = server
        .api()
        .post("/surveys")
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap()["number"],
        waiting.number.as_str()
    );
    let res = server
        .api()
        .post("/surveys")
        .json(&answer)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "already_answered".into()));
    // Answered: the tablet has nothing more to offer.
    let visit: Value = officer.json("/counters/L01/survey").await;
    assert!(visit.is_null());

    // Nine answers, 35 points: 2500 × 35 ÷ 9 = 9722.2 → 97.22, A, Sangat Baik.
    let admin = server.api().as_user("admin").await;
    let skm: Value = admin.json("/reports/skm").await;
    assert_eq!(skm["respondents"], 1);
    assert_eq!(skm["ikm"], 97.22);
    assert_eq!(skm["mutu"], "A");
    assert_eq!(skm["kinerja"], "Sangat Baik");
    assert_eq!(skm["weakest"], "U9");
    let public: Value = server.api().json("/skm").await;
    assert_eq!(public["mpp"]["ikm"], 97.22);
    let duk = public["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "DUKCAPIL")
        .unwrap();
    assert_eq!(duk["respondents"], 1);
    let questions: Value = server.api().json("/surveys/questions").await;
    assert_eq!(questions.as_array().unwrap().len(), 9);
    assert_eq!(questions[3]["labels"][3], "Gratis");
    // The respondents' row keeps the profile and the suggestion, and no ticket.
    let rows: Value = admin.json("/reports/skm/respondents").await;
    let row = &rows["rows"][0];
    assert_eq!(row["answers"], json!([4, 4, 4, 4, 4, 4, 4, 4, 3]));
    assert_eq!(row["education"], "s1");
    assert!(row.get("number").is_none() && row.get("track_token").is_none());
    // The audit trail says a survey was answered, not what.
    let audit: Value = admin.json("/audit?type=survey.answered").await;
    let event = &audit["events"][0];
    assert_eq!(event["type"], "survey.answered");
    assert!(event["detail"].get("survey").is_none(), "{event}");
}

#[tokio::test]
async fn officers_see_no_reports_and_a_supervisor_of_one_agency_sees_only_it() {
    let server = Server::demo();
    // A day with a visitor waiting and nobody served yet is a day of the week's report.
    let waiting = server.api().issue("DKP-KK").await;
    let admin = server.api().as_user("admin").await;
    let week: Value = admin
        .json(&format!("/reports/weekly?week={}", waiting.day))
        .await;
    assert_eq!(
        (week["visitors"].as_u64(), week["served"].as_u64()),
        (Some(1), Some(0))
    );
    serve_one(&server).await;
    let officer = server.api().as_user("petugas-l01").await;
    for path in [
        "/reports/summary",
        "/reports/skm",
        "/reports/recap",
        "/audit",
        "/audit/chain",
    ] {
        let res = officer.get(path).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
    }
    let res = admin
        .put("/admin/users/penyelia-imi")
        .json(&json!({"role": "supervisor", "agency": "IMIGRASI",
            "password": "sandi-rahasia-imi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let imi = server
        .api()
        .log_in("penyelia-imi", "sandi-rahasia-imi")
        .await;
    // A password an admin gave must be changed first.
    let res = imi
        .post("/auth/password")
        .json(&json!({"current": "sandi-rahasia-imi", "new": "sandi-baru-imigrasi"}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let imi = server
        .api()
        .log_in("penyelia-imi", "sandi-baru-imigrasi")
        .await;
    let summary: Value = imi.json("/reports/summary?group=agency").await;
    assert_eq!(summary["agency"], "IMIGRASI");
    assert_eq!(
        summary["total"]["issued"], 0,
        "the Dukcapil visit is not theirs"
    );
    let res = imi
        .get("/reports/summary?agency=DUKCAPIL")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (403, "agency_forbidden".into()));
    let audit: Value = imi.json("/audit").await;
    assert!(
        audit["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "ticket.issued"),
        "no Dukcapil ticket in Immigration's audit trail"
    );
    let all: Value = admin.json("/reports/summary?group=agency").await;
    assert_eq!(all["total"]["issued"], 2);
    assert_eq!(all["total"]["served"], 1);
}

#[tokio::test]
async fn the_files_hold_the_same_figures_as_the_json() {
    let server = Server::demo();
    serve_one(&server).await;
    let admin = server.api().as_user("admin").await;
    let summary: Value = admin.json("/reports/summary?group=service").await;
    let row = summary["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "DKP-KTP")
        .unwrap()
        .clone();
    assert_eq!(row["served"], 1);

    let res = admin
        .get("/reports/summary?group=service&format=xlsx")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("Kelompok / Group".into())))
        .expect("a header row");
    let column = |name: &str| {
        rows[header]
            .iter()
            .position(|c| matches!(c, Data::String(s) if s.starts_with(name)))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let line = rows
        .iter()
        .find(|r| r.first() == Some(&Data::String("DKP-KTP".into())))
        .expect("the service's line");
    for (name, field) in [
        ("Diterbitkan", "issued"),
        ("Dilayani", "served"),
        ("Umum", "walk_in"),
    ] {
        assert_eq!(
            line[column(name)],
            Data::Float(row[field].as_f64().unwrap()),
            "{name}"
        );
    }

    let res = admin
        .get("/reports/summary?group=service")
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let line = csv.lines().find(|l| l.starts_with("DKP-KTP,")).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(cells[2], "1", "issued");
    assert_eq!(cells[6], "1", "served (after walk-in, priority, booked)");

    for path in [
        "/reports/recap?format=xlsx",
        "/reports/weekly?format=xlsx",
        "/reports/officers?format=xlsx",
        "/reports/skm/respondents?format=xlsx",
    ] {
        let res = admin.get(path).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let bytes = res.bytes().await.unwrap().to_vec();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert!(book.worksheet_range_at(0).unwrap().is_ok(), "{path}");
    }
    for (path, code) in [
        ("/reports/summary?from=2026-13-01", "invalid_period"),
        (
            "/reports/summary?from=2026-02-01&to=2026-01-01",
            "invalid_period",
        ),
        (
            "/reports/summary?from=2020-01-01&to=2026-01-01",
            "period_too_long",
        ),
        ("/reports/summary?group=colour", "invalid_group"),
        ("/reports/summary?format=pdf", "invalid_format"),
        ("/reports/recap?month=2026-1", "invalid_period"),
        ("/audit?type=nothing", "invalid_type"),
    ] {
        let res = admin.get(path).send().await.unwrap();
        assert_eq!(error_of(res).await, (400, code.into()), "{path}");
    }
    let chain: Value = admin.json("/audit/chain").await;
    assert_eq!(chain["intact"], true);
    assert_eq!(chain["verified_seq"], chain["head_seq"]);
}
