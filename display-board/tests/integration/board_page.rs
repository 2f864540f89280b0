//! The hall board page in a real headless Chromium against the real server: a counter
//! calls and the board shows and says it; portrait layout; autoplay blocked; a server
//! restart while the board is open.

use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use serde_json::{Value, json};

/// Page loads, calls and reconnects on a shared, busy machine: generous, never a
/// performance claim.
pub const WAIT: Duration = Duration::from_secs(30);

/// Opens a board page and waits until it has its snapshot.
pub async fn open(browser: &Browser, server: &Server, path: &str) {
    browser.client.goto(&server.url(path)).await.unwrap();
    browser
        .wait_for(
            "window.board && board.connected && board.seq !== null",
            WAIT,
        )
        .await;
}

/// Issues a ticket for `service`, opens `counter` (as admin) and calls the next there.
pub async fn call(server: &Server, token: &str, counter: &str, service: &str) -> String {
    let ticket = issue(server, service).await;
    let res = act(server, token, counter, "open", None).await;
    assert_eq!(res.status(), 200);
    let res = act(server, token, counter, "call-next", None).await;
    assert_eq!(res.status(), 200);
    let called: antre_protocol::Ticket = res.json().await.unwrap();
    assert_eq!(called.number, ticket.number, "the only one waiting there");
    ticket.number
}

/// Makes the page's audio behave as a browser's before anyone touched the page: the
/// audio device stopped, and refused to start.
pub async fn block_sound(browser: &Browser) {
    let state = browser
        .client
        .execute_async(
            "const done = arguments[0]; \
             window.realResume = AudioContext.prototype.resume; \
             AudioContext.prototype.resume = function () { \
               return Promise.reject(new DOMException('no gesture', 'NotAllowedError')); }; \
             board.voice.ctx.suspend().then(() => done(board.voice.ctx.state));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state, "suspended");
}

/// What a tap allows: the audio may start again (the page starts it on the tap).
pub async fn unblock_sound(browser: &Browser) {
    browser
        .js("AudioContext.prototype.resume = window.realResume;")
        .await;
}

pub async fn shows_latest(browser: &Browser, number: &str, counter_name: &str) {
    browser
        .wait_for(
            &format!(
                "document.getElementById('latest-number').textContent === '{number}' && \
                 document.getElementById('latest-counter').textContent === '{counter_name}'"
            ),
            WAIT,
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_is_shown_big_and_said_in_indonesian() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    let token = login(&server, "admin").await;
    open(&browser, &server, "/board/B1").await;

    // Header: the MPP, the zone, the date in Indonesian in the site's time zone.
    assert_eq!(
        browser.text("site-name").await,
        "Mal Pelayanan Publik Kota Makassar"
    );
    assert!(browser.text("zone-name").await.contains("Zona A"));
    let date = browser.text("date").await;
    let days = [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ];
    let (day, rest) = date.split_once(", ").unwrap_or_else(|| panic!("{date}"));
    assert!(days.contains(&day), "{date}");
    let months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    assert!(
        rest.split(' ').nth(1).is_some_and(|m| months.contains(&m)),
        "{date}"
    );
    assert!(browser.text("clock").await.ends_with("WITA"));

    // A supervisor sets the running text; the open board shows it at once.
    let running = "Selamat datang di MPP Kota Makassar — Welcome";
    let res = client()
        .put(server.url("/api/v1/running-text"))
        .bearer_auth(login(&server, "penyelia").await)
        .json(&json!({"text": running}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    browser
        .wait_for(
            &format!("document.getElementById('ticker-text').textContent === '{running}'"),
            WAIT,
        )
        .await;

    // A counter calls: the number and the counter, big, flashing, and on the tile.
    let number = call(&server, &token, "L03", "DKP-KK").await;
    shows_latest(&browser, &number, "Loket 3").await;
    assert_eq!(
        browser
            .js("return document.getElementById('latest').classList.contains('flash');")
            .await,
        true
    );
    let tile = browser
        .js("return document.querySelector('.tile[data-counter=\"L03\"] .num').textContent;")
        .await;
    assert_eq!(tile, number);
    // Legible from 10 m: the number is at least 12 % of the screen height, and fits.
    let size = browser
        .js("const n = document.getElementById('latest-number'); \
         return [parseFloat(getComputedStyle(n).fontSize) / innerHeight, \
                 n.scrollWidth <= n.clientWidth];")
        .await;
    assert!(size[0].as_f64().unwrap() >= 0.12, "{size}");
    assert_eq!(size[1], true, "the number fits its panel");

    // And it is said: the announcement, in order, once per call (recall says it again).
    let expected = antre_board::call(&number, "loket tiga", "Loket 3")
        .unwrap()
        .text;
    assert!(
        expected.ends_with(" satu, silakan menuju loket tiga"),
        "{expected}"
    );
    browser
        .wait_for("board.said.length === 1", Duration::from_secs(60))
        .await;
    assert_eq!(browser.js("return board.said[0];").await, expected);
    browser.screenshot("board-1920x1080").await;
    let res = act(&server, &token, "L03", "recall", None).await;
    assert_eq!(res.status(), 200);
    browser
        .wait_for("board.said.length === 2", Duration::from_secs(60))
        .await;
    assert_eq!(browser.js("return board.said[1];").await, expected);

    // A call in zone B is not this board's.
    let other = call(&server, &token, "L15", "IMG-PASPOR-BARU").await;
    let second = call(&server, &token, "L01", "DKP-KTP").await;
    shows_latest(&browser, &second, "Loket 1").await;
    let recent = browser
        .js("return [...document.querySelectorAll('#recent .num')].map(e => e.textContent);")
        .await;
    assert_eq!(recent, json!([number]), "{other} was called in zone B");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portrait_board_of_the_whole_mpp() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    let token = login(&server, "admin").await;
    open(&browser, &server, "/board/B3?waiting=1").await;
    // The whole MPP: every counter, grouped by zone.
    let groups = browser
        .js("return [...document.querySelectorAll('.group h3')].map(e => e.textContent);")
        .await;
    assert_eq!(groups.as_array().unwrap().len(), 3, "{groups}");
    let tiles = browser
        .js("return document.querySelectorAll('.tile').length;")
        .await;
    assert_eq!(tiles, 30);
    let mut numbers = Vec::new();
    for (counter, service) in [
        ("L02", "DKP-KTP"),
        ("L16", "IMG-PASPOR-BARU"),
        ("L24", "PTSP-NIB"),
        ("L12", "POL-SKCK"),
    ] {
        numbers.push(call(&server, &token, counter, service).await);
    }
    for _ in 0..3 {
        issue(&server, "BPJSK-DAFTAR").await;
    }
    shows_latest(&browser, &numbers[3], "Loket 12").await;
    let recent = browser
        .js("return [...document.querySelectorAll('#recent .num')].map(e => e.textContent);")
        .await;
    assert_eq!(recent, json!([numbers[2], numbers[1], numbers[0]]));
    // Waiting counts come a few seconds after the tickets.
    browser
        .wait_for(
            "[...document.querySelectorAll('#queues li')].some(li => li.textContent.endsWith('3'))",
            WAIT,
        )
        .await;
    let layout = browser
        .js("const n = document.getElementById('latest-number'); \
         const r = (id) => document.getElementById(id).getBoundingClientRect(); \
         return [parseFloat(getComputedStyle(n).fontSize) / innerHeight, \
                 n.scrollWidth <= n.clientWidth, \
                 r('latest').bottom <= r('serving').top, \
                 r('serving').bottom <= r('history').top, \
                 r('history').bottom <= r('bottom').top + 1];")
        .await;
    assert!(layout[0].as_f64().unwrap() >= 0.12, "{layout}");
    assert_eq!(
        layout.as_array().unwrap()[1..],
        [true, true, true, true].map(Value::from),
        "panels stacked, nothing overlaps"
    );
    browser.screenshot("board-1080x1920").await;

    // The manager renames a counter: the board shows the new name without a reload,
    // and the counter keeps its state.
    let admin = server.api().with_token(&token);
    let config: Value = admin.json("/admin/config").await;
    let mut l12 = config["config"]["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "L12")
        .unwrap()
        .clone();
    l12["name"] = "Loket 12 Prioritas".into();
    let res = admin
        .put("/admin/counters/L12")
        .json(&l12)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    browser
        .wait_for(
            "document.querySelector(\"[data-counter='L12'] .name\").textContent === 'Loket 12 Prioritas'",
            WAIT,
        )
        .await;
    let shown = browser
        .js(
            "const t = document.querySelector(\"[data-counter='L12']\"); \
             return [t.classList.contains('closed'), t.querySelector('.num').textContent];",
        )
        .await;
    assert_eq!(
        shown,
        json!([false, numbers[3]]),
        "L12 still shows its call"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_autoplay_asks_for_a_tap_and_mute_silences() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1280, 720).await else {
        return;
    };
    let token = login(&server, "admin").await;
    open(&browser, &server, "/board?zone=A").await;
    // Play as a browser does before anyone touched the page.
    block_sound(&browser).await;
    let number = call(&server, &token, "L05", "SMS-PKB").await;
    shows_latest(&browser, &number, "Loket 5").await;
    browser
        .wait_for("!document.getElementById('enable-sound').hidden", WAIT)
        .await;
    assert_eq!(browser.js("return board.said.length;").await, 0);
    browser.screenshot("board-sound-blocked").await;
    // The tap: the call waiting is said then.
    unblock_sound(&browser).await;
    browser
        .js("document.getElementById('enable-sound').click();")
        .await;
    browser
        .wait_for("board.said.length === 1", Duration::from_secs(60))
        .await;
    assert!(
        browser
            .js("return document.getElementById('enable-sound').hidden;")
            .await
            .as_bool()
            .unwrap()
    );
    // Muted: calls are shown, not said.
    browser.js("document.getElementById('mute').click();").await;
    let res = act(&server, &token, "L05", "recall", None).await;
    assert_eq!(res.status(), 200);
    let next = call(&server, &token, "L06", "SMS-PKB").await;
    shows_latest(&browser, &next, "Loket 6").await;
    let state = browser
        .js("return [board.said.length, board.audioQueue.length, board.playing];")
        .await;
    assert_eq!(state, json!([1, 0, null]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_survives_a_server_restart_and_catches_up() {
    let mut server = Server::demo();
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    let token = login(&server, "admin").await;
    open(&browser, &server, "/board/B1").await;
    let before = call(&server, &token, "L02", "DKP-KTP").await;
    shows_latest(&browser, &before, "Loket 2").await;
    // Marks this page load: a reload would lose it.
    browser.js("window.sameLoad = true;").await;

    let addr = server.addr.clone();
    let status = server.terminate();
    assert!(status.success());
    browser
        .wait_for("!document.getElementById('offline').hidden", WAIT)
        .await;
    assert!(browser.text("offline").await.contains("Koneksi terputus"));
    assert!(browser.text("offline").await.contains("Connection lost"));
    browser.screenshot("board-connection-lost").await;

    // The same data on the same address; calls come before the board is back.
    let (data, _dir) = server.into_data();
    let server = Server::demo_at(&data, &addr);
    let token = login(&server, "admin").await;
    let first = call(&server, &token, "L03", "DKP-KK").await;
    let second = call(&server, &token, "L04", "DKP-LAHIR").await;
    shows_latest(&browser, &second, "Loket 4").await;
    browser
        .wait_for("document.getElementById('offline').hidden", WAIT)
        .await;
    let recent = browser
        .js("return [...document.querySelectorAll('#recent .num')].map(e => e.textContent);")
        .await;
    assert_eq!(recent, json!([first, before]));
    let state = browser
        .js("return [window.sameLoad === true, board.reconnects > 0];")
        .await;
    assert_eq!(state, json!([true, true]), "recovered without a reload");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4k_board_keeps_its_lists_bounded_through_many_calls() {
    let server = Server::demo();
    let Some(browser) = Browser::start(3840, 2160).await else {
        return;
    };
    let token = login(&server, "admin").await;
    // An unknown board says so instead of showing nothing.
    browser.client.goto(&server.url("/board/B9")).await.unwrap();
    browser
        .wait_for("!document.getElementById('fatal').hidden", WAIT)
        .await;
    assert!(browser.text("fatal").await.contains("tidak dikenal"));

    open(&browser, &server, "/board/B1").await;
    browser.js("document.getElementById('mute').click();").await;
    // BANK-BAYAR has no daily quota; L08 and L09 both serve it.
    for counter in ["L08", "L09"] {
        assert_eq!(
            act(&server, &token, counter, "open", None).await.status(),
            200
        );
    }
    let footprint = "return [document.getElementsByTagName('*').length, board.recent.length, \
                     board.said.length, board.audioQueue.length, board.counters.size];";
    let mut after_warm_up = Value::Null;
    let mut last = String::new();
    for i in 0..150 {
        let ticket = issue(&server, "BANK-BAYAR").await;
        let counter = if i % 2 == 0 { "L08" } else { "L09" };
        assert_eq!(
            act(&server, &token, counter, "call-next", None)
                .await
                .status(),
            200
        );
        last = ticket.number;
        if i == 19 {
            browser
                .wait_for(
                    &format!("board.latest && board.latest.number === '{last}'"),
                    WAIT,
                )
                .await;
            after_warm_up = browser.js(footprint).await;
        }
    }
    browser
        .wait_for(
            &format!("board.latest && board.latest.number === '{last}'"),
            WAIT,
        )
        .await;
    // 130 calls later the page holds exactly as much as before: bounded lists, no
    // leftover elements.
    assert_eq!(browser.js(footprint).await, after_warm_up);
    assert_eq!(after_warm_up[1], 8, "the last eight calls are kept");
    let size = browser
        .js("const n = document.getElementById('latest-number'); \
         return parseFloat(getComputedStyle(n).fontSize) / innerHeight;")
        .await;
    assert!(size.as_f64().unwrap() >= 0.12, "{size}");
    browser.screenshot("board-3840x2160").await;
    browser.close().await;
}

/// Call → shown on the board, through the real API and a real browser on loopback:
/// `cargo test -p antre-board --test integration board_page -- --ignored --nocapture`. Prints the
/// figures for docs/performance.md; asserts nothing about them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement for docs/performance.md"]
async fn measure_call_to_board_latency() {
    const CALLS: usize = 300;
    let server = Server::demo();
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    let token = login(&server, "admin").await;
    // BANK-BAYAR has no daily quota, and L08 and L09 both serve it.
    for counter in ["L08", "L09"] {
        assert_eq!(
            act(&server, &token, counter, "open", None).await.status(),
            200
        );
    }
    for _ in 0..CALLS {
        issue(&server, "BANK-BAYAR").await;
    }
    open(&browser, &server, "/board/B1").await;
    browser.js("document.getElementById('mute').click();").await;
    // In the page: call-next, and time until the board has drawn that number. Both
    // clocks are the page's, so nothing depends on two processes agreeing.
    let script = format!(
        "const done = arguments[0]; (async () => {{ \
           const times = []; \
           for (let i = 0; i < {CALLS}; i++) {{ \
             const counter = i % 2 ? 'L09' : 'L08'; \
             let want = null, shownAt = null, t0 = 0; \
             const shown = new Promise((resolve) => {{ board.onShown = (number, c) => {{ \
               if (c === counter && (want === null || number === want)) {{ shownAt = performance.now(); resolve(number); }} }}; }}); \
             t0 = performance.now(); \
             const res = await fetch('/api/v1/counters/' + counter + '/call-next', \
               {{ method: 'POST', headers: {{ authorization: 'Bearer {token}' }} }}); \
             const answeredAt = performance.now(); \
             const ticket = await res.json(); want = ticket.number; \
             const number = await shown; \
             if (number !== want) {{ await new Promise((r) => {{ board.onShown = (n) => {{ if (n === want) {{ shownAt = performance.now(); r(); }} }}; }}); }} \
             times.push([shownAt - t0, answeredAt - t0]); \
           }} \
           done(times); }})();"
    );
    let times = browser.client.execute_async(&script, vec![]).await.unwrap();
    let pairs: Vec<(f64, f64)> = serde_json::from_value(times).unwrap();
    for (what, mut ms) in [
        (
            "call → shown on the board",
            pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
        ),
        (
            "call → API answered (for comparison)",
            pairs.iter().map(|p| p.1).collect(),
        ),
        (
            "API answered → shown (stream and page)",
            pairs.iter().map(|p| p.0 - p.1).collect(),
        ),
    ] {
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
        println!(
            "{what}, {} calls: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms.len(),
            at(0.50),
            at(0.90),
            at(0.99),
            ms[ms.len() - 1]
        );
    }
    browser.close().await;
}
