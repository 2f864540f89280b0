//! The board page's queue of calls in a real headless Chromium that really plays them
//! (the testkit allows autoplay): a whole burst said and shown in order, in step; what a
//! call costs in audio after warm-up; a recall at the back of the queue; calls too old
//! to say shown as left out.

use std::time::Duration;

use antre_testkit::browser::Browser;
use antre_testkit::*;
use serde_json::{Value, json};

use crate::board_page::{WAIT, block_sound, call, open, unblock_sound};
use crate::burst;

/// Audio a call may cost after warm-up (docs/performance.md).
const AUDIO_BYTES_PER_CALL: f64 = 20_000.0;

/// Bytes of audio the page has transferred so far (clips and composed announcements),
/// by the Resource Timing API: headers included, a revalidated clip counts its 304.
async fn audio_bytes(browser: &Browser) -> (f64, u64) {
    let v = browser
        .js(
            "const audio = performance.getEntriesByType('resource').filter((e) => \
               e.name.includes('/api/v1/clips/') || e.name.includes('/announcement.wav')); \
             return [audio.reduce((sum, e) => sum + e.transferSize, 0), audio.length];",
        )
        .await;
    (v[0].as_f64().unwrap(), v[1].as_u64().unwrap())
}

/// The numbers in `selector`'s elements, in document order.
async fn numbers(browser: &Browser, selector: &str) -> Vec<String> {
    let v = browser
        .js(&format!(
            "return [...document.querySelectorAll('{selector}')].map(e => e.textContent);"
        ))
        .await;
    serde_json::from_value(v).unwrap()
}

/// Opening time at the demo MPP: 20 counters call their first visitor within the same
/// second. The lobby board says every call (the browser really plays them), in call
/// order, each on the big panel while it is said, all of them in the list at once; the
/// audio after warm-up stays within its budget. Runs about two minutes: 20 calls of
/// 5–6 s at the backlog's pace (no chime or "nomor antrian" after the first).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lobby_board_says_and_shows_a_whole_burst_in_order_and_in_step() {
    let server = Server::demo();
    let token = login(&server, "admin").await;
    burst::prepare(&server, &token, &burst::COUNTERS).await;
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    open(&browser, &server, "/board").await;
    browser
        .js("performance.setResourceTimingBufferSize(5000); return true;")
        .await;

    // Warm-up: one call, said in full, fetches the words every call has.
    // (None of the burst's counters serves KPP-NPWP.)
    let first = call(&server, &token, "L22", "KPP-NPWP").await;
    browser
        .wait_for("board.said.length === 1", Duration::from_secs(60))
        .await;
    let said = browser.js("return board.said[0];").await;
    assert!(
        said.as_str()
            .unwrap()
            .ends_with(" satu, silakan menuju loket dua puluh dua, lantai dua"),
        "{first}: a lobby board says the place: {said}"
    );
    let (warm_up_bytes, warm_up_requests) = audio_bytes(&browser).await;
    // A pause longer than a run's window: the burst is a run of its own.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(warm_up_requests > 0, "the clips came from the server");
    browser
        .js("window.shownOrder = []; \
             board.onShown = (number) => shownOrder.push(number); return true;")
        .await;

    let order = burst::fire(&server, &token, &burst::COUNTERS).await;
    let expected: Vec<&str> = order.iter().map(|o| o.0.as_str()).collect();
    // At once, every call is on the board: the first on the panel, being said, the 19
    // others in the list, marked as waiting, in the order they will be said.
    let all = serde_json::to_string(&expected).unwrap();
    browser
        .wait_for(
            &format!(
                "(() => {{ const want = {all}; \
                   const seen = [document.getElementById('latest-number').textContent, \
                     ...[...document.querySelectorAll('#recent li.waiting .num')].map(e => e.textContent)]; \
                   return JSON.stringify(seen) === JSON.stringify(want); }})()"
            ),
            WAIT,
        )
        .await;
    let playing = browser
        .js("return board.playing && board.playing.number;")
        .await;
    assert_eq!(playing, json!(expected[0]));
    // The lobby names the zone with the counter, on the panel and in the list.
    let zone = if order[0].1.as_str() <= "L14" {
        "Lantai 1 — Zona A"
    } else {
        "Lantai 2 — Zona B"
    };
    assert_eq!(
        browser.text("latest-place").await,
        zone,
        "{} at {}",
        order[0].0,
        order[0].1
    );
    let subs = numbers(&browser, "#recent li.waiting .sub").await;
    assert!(
        subs.iter().all(|s| s.starts_with("Lantai ")),
        "every waiting call with its zone: {subs:?}"
    );
    assert_eq!(
        browser.text("waiting-count").await,
        "19 menunggu disebut 19 waiting to be called"
    );
    browser.screenshot("board-1920x1080-burst-in-step").await;
    browser
        .assert_fits("lobby board, burst, 1920x1080", "header, main, footer")
        .await;
    browser
        .assert_accessible("lobby board, burst, 1920x1080")
        .await;

    // Every call said, in call order, each on the panel from its start to its end.
    browser
        .wait_for("board.said.length === 20 && !board.playing && board.audioQueue.length === 0 && board.log.length === 21", Duration::from_secs(300))
        .await;
    let log = browser.js("return board.log.slice(1);").await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 20);
    let said: Vec<&str> = log.iter().map(|l| l["number"].as_str().unwrap()).collect();
    assert_eq!(said, expected, "said in call order");
    for (i, (l, (number, counter))) in log.iter().zip(&order).enumerate() {
        assert_eq!(l["counter"], json!(counter));
        assert_eq!(l["panelAtStart"], json!(number), "{l}");
        assert_eq!(
            l["panelAtEnd"],
            json!(number),
            "the panel shows the call until it has been said: {l}"
        );
        let place = if counter.as_str() <= "L14" {
            ", lantai satu"
        } else {
            ", lantai dua"
        };
        assert!(l["text"].as_str().unwrap().ends_with(place), "{l}");
        // A run: the chime once, for the first; the English waits for a quiet moment
        // (the demo says none).
        assert_eq!(l["opening"], json!(i == 0), "{l}");
        assert_eq!(l["english"], json!(false), "{l}");
        // Really played: it lasted its length (onended of the last clip).
        let (start, end) = (l["start"].as_f64().unwrap(), l["end"].as_f64().unwrap());
        let length = l["durationMs"].as_f64().unwrap();
        assert!(length > 2_000.0, "{l}");
        assert!(end - start >= length - 250.0, "{l}");
    }
    for pair in log.windows(2) {
        assert!(
            pair[1]["start"].as_f64().unwrap() >= pair[0]["end"].as_f64().unwrap(),
            "one at a time: {} {}",
            pair[0],
            pair[1]
        );
    }
    let shown: Vec<String> =
        serde_json::from_value(browser.js("return shownOrder;").await).unwrap();
    assert_eq!(shown, expected, "each shown on the panel once, in order");
    // Screen readers heard the calls in order, each once (the log keeps the last five).
    let told = numbers(&browser, "#calls-log p").await;
    assert_eq!(told.len(), 5);
    for (text, (number, _)) in told.iter().zip(&order[15..]) {
        let (letters, digits) = number.split_at(number.find(|c: char| c.is_ascii_digit()).unwrap());
        let spoken = antre_board::terbilang(digits.parse().unwrap());
        assert!(
            text.contains(&format!(
                " {} {spoken},",
                letters
                    .chars()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            "{text} is {number}"
        );
    }

    // What the burst cost in audio: each new word once, nothing per call.
    let (bytes, requests) = audio_bytes(&browser).await;
    let per_call = (bytes - warm_up_bytes) / 20.0;
    println!(
        "audio transferred: warm-up call {warm_up_bytes:.0} bytes in {warm_up_requests} requests; \
         burst of 20 calls {:.0} bytes in {} requests, {per_call:.0} bytes per call",
        bytes - warm_up_bytes,
        requests - warm_up_requests
    );
    assert!(
        per_call <= AUDIO_BYTES_PER_CALL,
        "{per_call:.0} bytes of audio per call"
    );
    // The same calls again (recalls) need no download at all.
    let before = audio_bytes(&browser).await;
    for counter in ["L01", "L15", "L20"] {
        assert_eq!(
            act(&server, &token, counter, "recall", None).await.status(),
            200
        );
    }
    browser
        .wait_for(
            "board.said.length === 20 && board.log.length === 24 && !board.playing",
            Duration::from_secs(120),
        )
        .await;
    assert_eq!(audio_bytes(&browser).await, before);
    browser.close().await;
}

/// A recall waits its turn behind the calls made before it; a call that waited longer
/// than the bound is shown as left out and not said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recall_waits_its_turn_and_calls_too_old_are_left_out() {
    let server = Server::demo();
    let token = login(&server, "admin").await;
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    open(&browser, &server, "/board/B1").await;
    let a = call(&server, &token, "L01", "DKP-KTP").await;
    browser
        .wait_for(
            "board.said.length === 1 && !board.playing",
            Duration::from_secs(60),
        )
        .await;

    // Nobody has touched the page yet: calls wait (and show at once).
    block_sound(&browser).await;
    let b = call(&server, &token, "L03", "DKP-KK").await;
    browser
        .wait_for("!document.getElementById('enable-sound').hidden", WAIT)
        .await;
    let c = call(&server, &token, "L05", "SMS-PKB").await;
    assert_eq!(
        act(&server, &token, "L01", "recall", None).await.status(),
        200
    );
    browser
        .wait_for("board.audioQueue.length === 3", WAIT)
        .await;
    let queue = browser
        .js("return board.audioQueue.map((c) => [c.number, c.recall]);")
        .await;
    assert_eq!(
        queue,
        json!([[b, false], [c, false], [a, true]]),
        "the recall at the back"
    );
    let waiting = numbers(&browser, "#recent li.waiting .num").await;
    assert_eq!(waiting, [b.clone(), c.clone(), a.clone()]);
    browser.screenshot("board-1920x1080-sound-blocked").await;
    browser
        .assert_fits(
            "zone board, sound blocked, 1920x1080",
            "header, main, footer",
        )
        .await;
    browser
        .assert_accessible("zone board, sound blocked, 1920x1080")
        .await;
    unblock_sound(&browser).await;
    browser
        .js("document.getElementById('enable-sound').click();")
        .await;
    browser
        .wait_for(
            "board.said.length === 4 && !board.playing",
            Duration::from_secs(120),
        )
        .await;
    let said = browser
        .js("return board.log.map((l) => [l.number, l.recall]);")
        .await;
    assert_eq!(said, json!([[a, false], [b, false], [c, false], [a, true]]));

    // Calls that wait longer than ten minutes (here: the board's clock moves on while
    // they wait for a tap) are left out when their turn comes, and shown as such.
    block_sound(&browser).await;
    let d = call(&server, &token, "L07", "SMS-BBN").await;
    let e = call(&server, &token, "L10", "BPD-PBB").await;
    browser
        .wait_for("board.audioQueue.length === 2", WAIT)
        .await;
    browser
        .js("board.clockSkewMs += 10 * 60 * 1000 + 5000; return true;")
        .await;
    unblock_sound(&browser).await;
    browser
        .js("document.getElementById('enable-sound').click();")
        .await;
    browser
        .wait_for(
            "board.leftOut.length === 2 && board.audioQueue.length === 0 && !board.playing",
            WAIT,
        )
        .await;
    let left: Vec<Value> = serde_json::from_value(
        browser
            .js("return board.leftOut.map((l) => l.number);")
            .await,
    )
    .unwrap();
    assert_eq!(left, [json!(d), json!(e)]);
    let marked = numbers(&browser, "#recent li.left-out .num").await;
    assert_eq!(marked, [e.clone(), d.clone()], "newest first");
    assert!(
        browser
            .text("left-out-note")
            .await
            .starts_with("2 panggilan lebih dari 10 menit lalu tidak disebut"),
    );
    assert_eq!(browser.js("return board.said.length;").await, 4, "not said");
    browser.screenshot("board-1920x1080-left-out").await;
    browser
        .assert_fits(
            "zone board, calls left out, 1920x1080",
            "header, main, footer",
        )
        .await;
    browser
        .assert_accessible("zone board, calls left out, 1920x1080")
        .await;
    // A call made now is said.
    browser
        .js("board.clockSkewMs -= 10 * 60 * 1000 + 5000; return true;")
        .await;
    let f = call(&server, &token, "L11", "PDAM-SAMBUNG").await;
    browser
        .wait_for(
            "board.said.length === 5 && !board.playing",
            Duration::from_secs(60),
        )
        .await;
    assert_eq!(browser.js("return board.log[4].number;").await, json!(f));
    browser.close().await;
}

/// Without Web Audio (an old TV browser) the board plays the announcement the server
/// composed, in an <audio> element, and still shows each call while it is said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_web_audio_the_servers_announcement_is_played() {
    let server = Server::demo();
    let token = login(&server, "admin").await;
    let Some(browser) = Browser::start(1280, 720).await else {
        return;
    };
    open(&browser, &server, "/board/B1").await;
    let kind = browser
        .client
        .execute_async(
            "const done = arguments[0]; \
             import('/assets/board/voice.js').then((m) => { \
               const saved = window.AudioContext; \
               window.AudioContext = undefined; window.webkitAudioContext = undefined; \
               board.voice = m.createVoice(); \
               window.AudioContext = saved; \
               done(board.voice.kind); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kind, "element");
    let number = call(&server, &token, "L03", "DKP-KK").await;
    browser
        .wait_for(
            "board.said.length === 1 && !board.playing",
            Duration::from_secs(60),
        )
        .await;
    let log = browser.js("return board.log[0];").await;
    assert_eq!(log["number"], json!(number));
    assert_eq!(log["panelAtStart"], json!(number));
    assert_eq!(log["panelAtEnd"], json!(number));
    assert!(log["durationMs"].as_f64().unwrap() > 2_000.0, "{log}");
    let fetched = browser
        .js(
            "return performance.getEntriesByType('resource').map((e) => e.name) \
               .filter((n) => n.includes('/announcement.wav') || n.includes('/api/v1/clips/'));",
        )
        .await;
    let fetched: Vec<String> = serde_json::from_value(fetched).unwrap();
    assert!(
        fetched.iter().all(|n| n.contains("/announcement.wav")) && !fetched.is_empty(),
        "{fetched:?}"
    );
    browser.close().await;
}
