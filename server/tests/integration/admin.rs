//! The manager's configuration API on the real binary: every contract route, every bad
//! input the contract names, the audit trail, restarts, and the command line's export
//! and import.

use std::process::Command;

use antre_protocol::{EventKind, SiteInfo};
use antre_testkit::*;
use serde_json::{Value, json};

fn agency(name: &str) -> Value {
    json!({"short": "BPOM", "name": name, "name_en": "Food and Drug Authority"})
}

fn new_service(prefix: &str) -> Value {
    json!({
        "agency": "BPOM", "prefix": prefix, "name": "Registrasi Pangan Olahan",
        "name_en": "Processed food registration", "target_wait_min": 20, "avg_service_min": 10,
        "keywords": ["izin edar", "bpom"]
    })
}

async fn version_of(res: &reqwest::Response) -> u64 {
    res.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_admin_adds_an_agency_a_service_and_a_counter_which_serves_at_once() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let mut ws = subscribe(&server, "").await;
    a_snapshot(&mut ws).await;

    let config: Value = admin.json("/admin/config").await;
    let start = config["version"].as_u64().unwrap();
    assert!(config["config"]["users"][0].get("password_hash").is_none());
    assert!(config["config"]["kiosks"][0].get("token_hash").is_none());
    assert_eq!(config["config"]["kiosks"][0]["has_token"], true);

    let res = admin
        .put("/admin/agencies/BPOM")
        .json(&agency("Badan POM"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(version_of(&res).await, start + 1);
    // The change reaches subscribers at once, with who made it and what changed.
    let event = next_event(&mut ws, EventKind::SiteChanged).await;
    assert_eq!(event.detail.by.as_deref(), Some("admin"));
    assert_eq!(event.detail.changes.len(), 1);
    assert_eq!(event.detail.changes[0].item, "agency");
    assert!(event.detail.changes[0].before.is_none());

    let res = admin
        .put("/admin/services/BPOM-PANGAN")
        .json(&new_service("PO"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let counter = json!({"name": "Loket 31", "zone": "B", "agency": "BPOM",
                         "services": ["BPOM-PANGAN"]});
    let res = admin
        .put("/admin/counters/L31")
        .json(&counter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let now = version_of(&res).await;
    assert_eq!(now, start + 3);

    let site: SiteInfo = server.api().json("/site").await;
    assert!(site.services.iter().any(|s| s.code == "BPOM-PANGAN"));
    // A ticket for the new service, called at the new counter.
    let ticket = issue(&server, "BPOM-PANGAN").await;
    assert_eq!(ticket.number, "PO001");
    assert_eq!(admin.act("L31", "open", None).await.status(), 200);
    let res = admin.act("L31", "call-next", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], ticket.id);
}

#[tokio::test]
async fn bad_edits_are_refused_with_what_is_wrong_and_change_nothing() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let start: Value = admin.json("/admin/config").await;
    let start = start["version"].as_u64().unwrap();

    // An unknown field: 400 naming it.
    let mut body = agency("Badan POM");
    body["colour"] = "red".into();
    let res = admin
        .put("/admin/agencies/BPOM")
        .json(&body)
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(
        text.contains("invalid_body") && text.contains("colour"),
        "{text}"
    );
    // A prefix another service has: 409 naming that service.
    admin
        .put("/admin/agencies/BPOM")
        .json(&agency("Badan POM"))
        .send()
        .await
        .unwrap();
    let res = admin
        .put("/admin/services/BPOM-PANGAN")
        .json(&new_service("A"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let text = res.text().await.unwrap();
    assert!(
        text.contains("prefix_taken") && text.contains("DKP-KTP"),
        "{text}"
    );
    // A reference to an unknown zone: 422 naming it.
    let counter = json!({"name": "Loket 31", "zone": "Z9", "agency": "BPOM", "services": []});
    let res = admin
        .put("/admin/counters/L31")
        .json(&counter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Z9"));
    // A service with a waiting ticket, and an open counter, cannot be removed.
    let ticket = issue(&server, "DKP-KK").await;
    let (status, code) =
        error_of(admin.delete("/admin/services/DKP-KK").send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (409, "service_in_use"));
    assert_eq!(admin.act("L01", "open", None).await.status(), 200);
    let (status, code) = error_of(admin.delete("/admin/counters/L01").send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (409, "counter_open"));
    // A change made against an older version is refused.
    let res = admin
        .put("/admin/agencies/BPOM")
        .header("if-match", format!("\"{start}\""))
        .json(&agency("Badan Pengawas Obat dan Makanan"))
        .send()
        .await
        .unwrap();
    let (status, code) = error_of(res).await;
    assert_eq!((status, code.as_str()), (409, "version_conflict"));
    // Officers, supervisors and strangers may not edit.
    for (api, expected) in [
        (server.api().as_user("petugas-l01").await, 403),
        (server.api().as_user("penyelia").await, 403),
        (server.api(), 401),
        (server.api().as_device(), 401),
    ] {
        let res = api
            .put("/admin/agencies/BPOM")
            .json(&agency("X"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "as {:?}", api.token);
        assert_eq!(
            api.get("/admin/config").send().await.unwrap().status(),
            expected
        );
    }
    // Nothing was half-applied: only the agency put went through; the ticket waits.
    let after: Value = admin.json("/admin/config").await;
    assert_eq!(after["version"].as_u64().unwrap(), start + 1);
    assert_eq!(
        after["config"]["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["code"] == "BPOM")
            .count(),
        1
    );
    let waiting: Value = admin.json(&format!("/tickets/{}", ticket.id)).await;
    assert_eq!(waiting["status"], "waiting");
}

#[tokio::test]
async fn a_new_kiosk_gets_a_token_once_and_a_rotated_token_ends_the_old_one() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let res = admin
        .put("/admin/kiosks/K9")
        .json(&json!({"name": "Kios Lantai 2", "zone": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let answer: Value = res.json().await.unwrap();
    let token = answer["token"].as_str().unwrap().to_string();
    assert!(answer["item"].get("token_hash").is_none());
    let kiosk = server.api().with_token(&token);
    let ticket = kiosk.issue("DKP-KTP").await;
    assert_eq!(ticket.kiosk.as_deref(), Some("K9"));
    // Renamed without rotating: the token stays, and is not shown again.
    let res = admin
        .put("/admin/kiosks/K9")
        .json(&json!({"name": "Kios Barat", "zone": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.json::<Value>().await.unwrap().get("token").is_none());
    kiosk.issue("DKP-KTP").await;
    // Rotated: the old token no longer works, the new one does.
    let res = admin
        .put("/admin/kiosks/K9?rotate_token=true")
        .json(&json!({"name": "Kios Barat", "zone": "B"}))
        .send()
        .await
        .unwrap();
    let rotated = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(rotated, token);
    let res = kiosk
        .post("/tickets")
        .json(&json!({"service": "DKP-KTP"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let ticket = server.api().with_token(&rotated).issue("DKP-KTP").await;
    assert_eq!(ticket.kiosk.as_deref(), Some("K9"));
}

#[tokio::test]
async fn users_are_made_disabled_and_removed_and_their_tokens_follow() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let body = json!({"role": "officer", "counters": ["L05"], "password": "sandi-rahasia-1"});
    let res = admin
        .put("/admin/users/budi")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let item = res.json::<Value>().await.unwrap()["item"].clone();
    assert!(item.get("password").is_none() && item.get("password_hash").is_none());
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "budi", "password": "sandi-rahasia-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let budi = server.api().with_token(&token);
    assert_eq!(budi.get("/auth/me").send().await.unwrap().status(), 200);
    // Too short a password is refused; the rules are about length only.
    let res = admin
        .put("/admin/users/budi")
        .json(&json!({"role": "officer", "password": "pendek"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (422, "password_length".into()));
    // Disabled: the open session ends at once, and log-in fails.
    let res = admin
        .put("/admin/users/budi")
        .json(&json!({"role": "officer", "counters": ["L05"], "disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(budi.get("/auth/me").send().await.unwrap().status(), 401);
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "budi", "password": "sandi-rahasia-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        admin
            .delete("/admin/users/budi")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        admin
            .delete("/admin/users/budi")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The last admin stays.
    let res = admin.delete("/admin/users/admin").send().await.unwrap();
    assert_eq!(error_of(res).await, (409, "last_admin".into()));
}

#[tokio::test]
async fn every_change_is_in_the_chained_log_and_survives_a_restart() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    admin
        .put("/admin/agencies/BPOM")
        .json(&agency("Badan POM"))
        .send()
        .await
        .unwrap();
    let mut renamed: Value = admin.json("/admin/config").await;
    let l02 = renamed["config"]["counters"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["code"] == "L02")
        .unwrap()
        .take();
    let mut l02 = l02;
    l02["name"] = "Loket 2 (Prioritas)".into();
    let res = admin
        .put("/admin/counters/L02")
        .json(&l02)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let version = version_of(&res).await;
    let (data, _dir) = server.into_data();

    // Both changes are site.changed events, before and after, and the chain holds.
    let conn = rusqlite::Connection::open(data.join("antre.sqlite3")).unwrap();
    let payloads: Vec<String> = conn
        .prepare("SELECT payload FROM events WHERE kind = 'site.changed' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(payloads.len(), 2);
    let last: Value = serde_json::from_str(&payloads[1]).unwrap();
    let change = &last["detail"]["changes"][0];
    assert_eq!(change["item"], "counter");
    assert_eq!(change["before"]["name"], "Loket 2");
    assert_eq!(change["after"]["name"], "Loket 2 (Prioritas)");
    assert_eq!(last["detail"]["by"], "admin");
    let out = Command::new(antre_binary())
        .args(["verify", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The demo's own configuration is unchanged, so the database's stays in use.
    let server = Server::demo_in(&data);
    let admin = server.api().as_user("admin").await;
    let config: Value = admin.json("/admin/config").await;
    assert_eq!(config["version"].as_u64().unwrap(), version);
    let site: SiteInfo = server.api().json("/site").await;
    let l02 = site.counters.iter().find(|c| c.code == "L02").unwrap();
    assert_eq!(l02.name, "Loket 2 (Prioritas)");
    assert!(site.agencies.iter().any(|a| a.code == "BPOM"));
}

#[tokio::test]
async fn export_then_import_changes_nothing_and_an_edit_imports_exactly_its_difference() {
    let server = Server::demo();
    issue(&server, "DKP-KTP").await;
    let (data, _dir) = server.into_data();
    let antre = |args: &[&str]| {
        let out = Command::new(antre_binary())
            .args(args)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "antre {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let exported = antre(&["config", "export"]);
    let file = data.parent().unwrap().join("site.toml");
    std::fs::write(&file, &exported).unwrap();
    let file_arg = file.display().to_string();
    let said = antre(&["config", "import", &file_arg]);
    assert!(said.starts_with("no differences"), "{said}");

    let edited = exported.replacen("name = \"Loket 3\"", "name = \"Loket Tiga\"", 1);
    assert_ne!(edited, exported, "the demo names counter L03 Loket 3");
    std::fs::write(&file, edited).unwrap();
    let said = antre(&["config", "import", &file_arg, "--dry-run"]);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines[0], "~ counter L03: name \"Loket 3\" → \"Loket Tiga\"");
    assert_eq!(lines.len(), 2, "{said}");
    let said = antre(&["config", "import", &file_arg]);
    assert!(said.contains("1 differences applied"), "{said}");
    assert!(antre(&["config", "export"]).contains("name = \"Loket Tiga\""));
    // Stored in the log, and the chain holds.
    assert!(antre(&["verify"]).contains("tables match the log"));

    // A server started with that file uses it as it is, without importing it again.
    let server = Server::serve(&file, &data);
    assert!(!server.log().contains("changed since it was last imported"));
    let site: SiteInfo = server.api().json("/site").await;
    let l03 = site.counters.iter().find(|c| c.code == "L03").unwrap();
    assert_eq!(l03.name, "Loket Tiga");
}

#[tokio::test]
async fn a_holiday_closes_a_service_for_the_day_and_the_site_settings_change() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let site: SiteInfo = server.api().json("/site").await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get(&site.timezone).unwrap())
        .date()
        .to_string();
    let holiday = json!({"name": "Cuti Bersama", "name_en": "Collective leave",
                         "services": ["DKP-KK"]});
    let res = admin
        .put(&format!("/admin/holidays/{today}"))
        .json(&holiday)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = server
        .api()
        .as_device()
        .post("/tickets")
        .json(&json!({"service": "DKP-KK"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "service_closed");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Cuti Bersama")
    );
    let queues: Vec<Value> = server.api().json("/queues").await;
    let kk = queues.iter().find(|q| q["service"] == "DKP-KK").unwrap();
    assert_eq!(
        (kk["state"].as_str(), kk["holiday"].as_str()),
        (Some("closed"), Some("Cuti Bersama"))
    );
    issue(&server, "DKP-KTP").await;
    // A holiday naming an unknown service is refused, naming it.
    let res = admin
        .put("/admin/holidays/2026-12-25")
        .json(&json!({"name": "Natal", "services": ["NOPE"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("NOPE"));
    // Removed: the service opens again.
    let res = admin
        .delete(&format!("/admin/holidays/{today}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    issue(&server, "DKP-KK").await;

    // The site's settings: a new name reaches /site; the code stays.
    let mut settings: Value = admin.json("/admin/config").await;
    let mut section = settings["config"]["site"].take();
    section["name"] = "MPP Kota Makassar (Uji)".into();
    let res = admin
        .put("/admin/site")
        .json(&section)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let site: SiteInfo = server.api().json("/site").await;
    assert_eq!(site.name, "MPP Kota Makassar (Uji)");
    section["code"] = "MPP-LAIN".into();
    let res = admin
        .put("/admin/site")
        .json(&section)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// Logs in with a password; the answer.
async fn log_in(server: &Server, username: &str, password: &str) -> Value {
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "log-in {username}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_password_an_admin_gives_must_be_changed_before_anything_else() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let body = json!({"role": "officer", "counters": ["L05"], "password": "dari-admin-123"});
    assert_eq!(
        admin
            .put("/admin/users/budi")
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let first = log_in(&server, "budi", "dari-admin-123").await;
    assert_eq!(first["must_change_password"], true);
    let budi = server.api().with_token(first["token"].as_str().unwrap());
    // Who one is: yes; work: not yet.
    assert_eq!(budi.get("/auth/me").send().await.unwrap().status(), 200);
    let (status, code) = error_of(budi.act("L05", "open", None).await).await;
    assert_eq!((status, code.as_str()), (403, "password_change_required"));
    // A wrong current password, and a too short new one, are refused.
    let change = |current: &str, new: &str| {
        budi.post("/auth/password")
            .json(&json!({"current": current, "new": new}))
            .send()
    };
    let (status, code) = error_of(change("salah-sekali", "baru-punya-budi").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "wrong_password"));
    let (status, code) = error_of(change("dari-admin-123", "pendek").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "password_length"));
    let res = change("dari-admin-123", "baru-punya-budi").await.unwrap();
    assert_eq!(res.status(), 200);
    let fresh: Value = res.json().await.unwrap();
    assert!(fresh.get("must_change_password").is_none());
    // The old token ended with the old password; the new one works.
    assert_eq!(budi.get("/auth/me").send().await.unwrap().status(), 401);
    let budi = server.api().with_token(fresh["token"].as_str().unwrap());
    assert_eq!(budi.act("L05", "open", None).await.status(), 200);
    log_in(&server, "budi", "baru-punya-budi").await;
    // A reset by the admin asks for a new one again.
    let reset = json!({"role": "officer", "counters": ["L05"], "password": "reset-oleh-admin"});
    admin
        .put("/admin/users/budi")
        .json(&reset)
        .send()
        .await
        .unwrap();
    assert_eq!(
        log_in(&server, "budi", "reset-oleh-admin").await["must_change_password"],
        true
    );
}

#[tokio::test]
async fn a_supervisor_of_one_agency_works_with_its_counters_and_tickets_only() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let body = json!({"role": "supervisor", "agency": "IMIGRASI", "password": "awal-penyelia-1"});
    assert_eq!(
        admin
            .put("/admin/users/penyelia-img")
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let first = log_in(&server, "penyelia-img", "awal-penyelia-1").await;
    let sup = server.api().with_token(first["token"].as_str().unwrap());
    let res = sup
        .post("/auth/password")
        .json(&json!({"current": "awal-penyelia-1", "new": "penyelia-imigrasi"}))
        .send()
        .await
        .unwrap();
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["agency"], "IMIGRASI");
    let site: SiteInfo = server.api().json("/site").await;
    let theirs: Vec<String> = site
        .counters
        .iter()
        .filter(|c| c.agency == "IMIGRASI")
        .map(|c| c.code.clone())
        .collect();
    assert!(!theirs.is_empty());
    assert_eq!(me["counters"], json!(theirs));
    let sup = server.api().with_token(me["token"].as_str().unwrap());
    let (status, code) = error_of(sup.act("L01", "open", None).await).await;
    assert_eq!((status, code.as_str()), (403, "counter_not_assigned"));
    assert_eq!(sup.act(&theirs[0], "open", None).await.status(), 200);
    let ktp = issue(&server, "DKP-KTP").await;
    let paspor = issue(&server, "IMG-PASPOR-BARU").await;
    let cancel = |id: u64| sup.post(&format!("/tickets/{id}/cancel")).send();
    assert_eq!(cancel(ktp.id).await.unwrap().status(), 403);
    assert_eq!(cancel(paspor.id).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_whole_configuration_is_imported_through_the_api_and_never_without_an_admin() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let data = server.data.clone();
    let exported = Command::new(antre_binary())
        .args(["config", "export", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    // A running server's directory is claimed, so export reads it only.
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let toml = String::from_utf8(exported.stdout).unwrap();
    assert!(
        toml.len() > 16 * 1024,
        "the demo is larger than an ordinary body"
    );
    let res = admin
        .put("/admin/config?dry_run=true")
        .json(&json!({"toml": toml}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(
        answer["changes"],
        json!([]),
        "the same configuration changes nothing"
    );
    let edited = toml.replacen("name = \"Loket 3\"", "name = \"Loket Tiga\"", 1);
    let res = admin
        .put("/admin/config")
        .json(&json!({"toml": edited}))
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["applied"], true);
    assert_eq!(answer["changes"].as_array().unwrap().len(), 1);
    // A file without users would leave nobody to manage the site.
    let cut = edited.find("[[users]]").unwrap();
    let res = admin
        .put("/admin/config")
        .json(&json!({"toml": &edited[..cut]}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (409, "last_admin".into()));
}

#[tokio::test]
async fn the_first_start_without_a_file_is_set_up_from_the_machine_itself() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::first_start(&data);
    let res = server.api().get("/site").send().await.unwrap();
    assert_eq!(res.status(), 404, "no site yet");
    assert_eq!(
        client()
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    let page = client().get(server.url("/setup")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Penyiapan situs"));
    let short =
        json!({"name": "MPP Kabupaten Gowa", "timezone": "Asia/Makassar", "password": "pendek"});
    let res = server
        .api()
        .post("/setup")
        .json(&short)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (422, "password_length".into()));
    let body = json!({"name": "MPP Kabupaten Gowa", "timezone": "Asia/Makassar",
                      "password": "admin-gowa-pertama"});
    let res = server
        .api()
        .post("/setup")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // The same server now serves that site, and its admin logs in.
    let mut site = None;
    for _ in 0..100 {
        if let Ok(res) = server.api().get("/site").send().await
            && res.status() == 200
        {
            site = Some(res.json::<SiteInfo>().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let site = site.expect("the site is served after its setup");
    assert_eq!(
        (site.name.as_str(), site.timezone.as_str()),
        ("MPP Kabupaten Gowa", "Asia/Makassar")
    );
    let res = server
        .api()
        .post("/auth/login")
        .json(&json!({"username": "admin", "password": "admin-gowa-pertama"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn zones_and_boards_are_made_and_removed_and_a_zone_in_use_stays() {
    let server = Server::demo();
    let admin = server.api().as_user("admin").await;
    let zone = json!({"name": "Lantai 3 — Zona D", "spoken_name": "lantai tiga"});
    assert_eq!(
        admin
            .put("/admin/zones/D")
            .json(&zone)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let res = admin
        .put("/admin/boards/B9")
        .json(&json!({"name": "Layar Zona D", "zone": "D"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let board: Value = res.json().await.unwrap();
    assert!(
        board["token"].as_str().is_some_and(|t| t.len() >= 16),
        "{board}"
    );
    let site: SiteInfo = server.api().json("/site").await;
    assert!(site.zones.iter().any(|z| z.code == "D"));
    assert!(
        site.boards
            .iter()
            .any(|b| b.code == "B9" && b.zone.as_deref() == Some("D"))
    );
    // The zone has a board: it stays until the board goes, which the refusal names.
    let res = admin.delete("/admin/zones/D").send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("B9"));
    assert_eq!(
        admin
            .delete("/admin/boards/B9")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        admin
            .delete("/admin/zones/D")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        admin
            .delete("/admin/zones/D")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // An unknown kind of item is no path at all.
    let res = admin
        .put("/admin/widgets/X")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (404, "not_found".into()));
}
