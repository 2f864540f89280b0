//! The kiosk gets ready for the next visitor by itself: after its idle time it is back in
//! Bahasa Indonesia, on the start screen, in normal mode; its clock shows the site's
//! time from the first frame; without its device token it tells staff, discreetly.

use std::sync::{Arc, Mutex};

use antre_testkit::browser::Browser;
use antre_testkit::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::pages::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_its_idle_time_the_kiosk_is_indonesian_at_the_start_in_normal_mode() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    // The idle time from the address (seconds), kept when the token is taken out of it.
    browser
        .client
        .goto(&server.url(&format!("/kiosk/K1?idle=4#token={PASSWORD}")))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    assert_eq!(browser.eval("antreKiosk.idleMs").await, 4000);
    assert_eq!(
        browser.eval("location.search + location.hash").await,
        "?idle=4"
    );

    // A visitor switches to English, chooses a priority and starts a search...
    browser.click("#lang-button").await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "en");
    browser.click("#priority-button").await;
    browser.click("#dialog button[data-choice='2']").await; // ibu hamil
    assert_eq!(
        browser
            .eval("document.getElementById('priority-button').getAttribute('aria-pressed')")
            .await,
        "true"
    );
    browser.click("#search-box").await;
    browser.click("#keyboard button[data-key='k']").await;
    assert_eq!(
        browser
            .eval("[document.getElementById('view-search').hidden, document.getElementById('search-echo').value, antreKiosk.resets]")
            .await,
        serde_json::json!([false, "k", 0]),
        "the search is open with what was typed"
    );
    browser.screenshot("kiosk-before-idle-portrait").await;

    // ...and walks away: the kiosk is ready for the next person.
    browser
        .wait_for(
            "!document.getElementById('view-home').hidden && antreKiosk.resets === 1",
            LIMIT,
        )
        .await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "id");
    assert!(
        browser
            .text("home-heading")
            .await
            .starts_with("Pilih instansi"),
        "{}",
        browser.text("home-heading").await
    );
    assert_eq!(browser.text("lang-main").await, "English");
    assert_eq!(
        browser
            .eval("document.getElementById('priority-button').getAttribute('aria-pressed')")
            .await,
        "false"
    );
    assert_eq!(
        browser
            .eval("document.getElementById('search-echo').value")
            .await,
        ""
    );
    browser.screenshot("kiosk-after-idle-portrait").await;

    // A ticket taken now is a normal one.
    let mut ws = subscribe(&server, "").await;
    browser.click("button[data-agency='DUKCAPIL']").await;
    browser.click("button[data-service='DKP-KK']").await;
    let issued = next_event(&mut ws, antre_protocol::EventKind::TicketIssued).await;
    let ticket = issued.ticket.expect("the ticket");
    assert_eq!((ticket.service.as_str(), ticket.priority), ("DKP-KK", None));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_without_its_token_tells_staff_discreetly() {
    let server = Server::demo();
    let Some(browser) = Browser::start(1920, 1080).await else {
        return;
    };
    browser.client.goto(&server.url("/kiosk/K2")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    let warning = browser
        .eval(
            "(() => { const w = document.getElementById('token-warning'); const r = w.getBoundingClientRect(); \
             return { shown: !w.hidden && r.width > 0, text: w.textContent.replace(/\\s+/g, ' ').trim(), \
               en: w.querySelector('[lang=en]').textContent.trim(), inHeader: !!w.closest('header'), \
               small: parseFloat(getComputedStyle(w).fontSize) < parseFloat(getComputedStyle(document.getElementById('site-name')).fontSize) * 0.75, \
               area: r.width * r.height / (innerWidth * innerHeight) }; })()",
        )
        .await;
    assert_eq!(warning["shown"], true, "{warning}");
    assert_eq!(
        warning["text"],
        "Token kios belum dipasang / Kiosk token not set"
    );
    assert_eq!(warning["en"], "/ Kiosk token not set");
    assert_eq!(
        warning["inHeader"], true,
        "in a corner of the header: {warning}"
    );
    assert_eq!(warning["small"], true, "small print: {warning}");
    assert!(warning["area"].as_f64().unwrap() < 0.02, "{warning}");
    browser.screenshot("kiosk-no-token-landscape").await;
    browser.assert_accessible("kiosk without token").await;

    // Given its token (in the address's fragment, once), the kiosk says nothing.
    browser
        .client
        .goto(&server.url(&format!("/kiosk/K2#token={PASSWORD}")))
        .await
        .unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('token-warning').hidden")
            .await,
        true
    );
    // ...also after a restart of the page (the token stays in local storage).
    browser.client.refresh().await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    assert_eq!(
        browser
            .eval("document.getElementById('token-warning').hidden")
            .await,
        true
    );
    browser.close().await;
}

/// An HTTP relay in front of the server that forwards every request, except that it
/// never answers requests for paths starting with one of `held` (so a page waits for
/// them for ever). One request per connection (`Connection: close`), so each request
/// is seen; WebSocket upgrades pass through.
struct HoldingRelay {
    base: String,
    held: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl HoldingRelay {
    async fn start(target: &str) -> HoldingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let held: Arc<Mutex<Vec<String>>> = Arc::default();
        let target = target.to_string();
        let task = {
            let held = held.clone();
            tokio::spawn(async move {
                let parked = Arc::new(Mutex::new(Vec::new()));
                while let Ok((inbound, _)) = listener.accept().await {
                    let (target, held, parked) = (target.clone(), held.clone(), parked.clone());
                    tokio::spawn(async move {
                        relay_one(inbound, &target, &held, &parked).await;
                    });
                }
            })
        };
        HoldingRelay { base, held, task }
    }

    fn hold(&self, path_prefix: &str) {
        self.held.lock().unwrap().push(path_prefix.to_string());
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for HoldingRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay_one(
    mut inbound: TcpStream,
    target: &str,
    held: &Mutex<Vec<String>>,
    parked: &Mutex<Vec<TcpStream>>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        let Ok(n) = inbound.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_string();
    let path = text.split(' ').nth(1).unwrap_or_default().to_string();
    if held.lock().unwrap().iter().any(|p| path.starts_with(p)) {
        parked.lock().unwrap().push(inbound);
        return;
    }
    let websocket = text.to_ascii_lowercase().contains("upgrade: websocket");
    let mut request: String = text
        .trim_end()
        .lines()
        .filter(|l| websocket || !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    if !websocket {
        request.push_str("Connection: close\r\n");
    }
    request.push_str("\r\n");
    let Ok(mut outbound) = TcpStream::connect(target).await else {
        return;
    };
    if outbound.write_all(request.as_bytes()).await.is_err()
        || outbound.write_all(&head[end..]).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_shows_the_site_time_from_the_first_frame() {
    let server = Server::demo(); // Asia/Makassar (WITA)
    let relay = HoldingRelay::start(&server.addr).await;
    let Some(browser) = Browser::start(1080, 1920).await else {
        return;
    };
    // The time in a zone, as the kiosk writes it, in the browser: now and a minute ago
    // (the minute may turn between the two readings).
    let times = |zone: &str| {
        format!(
            "[0, 60000].map((ago) => new Intl.DateTimeFormat('id-ID', {{ timeZone: {zone}, hour: '2-digit', \
             minute: '2-digit', hourCycle: 'h23' }}).formatToParts(new Date(Date.now() - ago)) \
             .filter((p) => p.type !== 'literal').map((p) => p.value).join(':'))"
        )
    };

    // The first start ever: the kiosk learns its site (and keeps its time zone).
    browser.client.goto(&relay.url("/kiosk/K1")).await.unwrap();
    browser
        .wait_for("document.body.dataset.ready === '1'", LIMIT)
        .await;
    let site_times = browser.eval(&times("'Asia/Makassar'")).await;
    let device_times = browser.eval(&times("undefined")).await;
    assert_ne!(
        site_times[0], device_times[0],
        "this test needs a browser whose own zone is not the site's"
    );
    let shown = browser.text("clock-time").await;
    assert!(
        site_times
            .as_array()
            .unwrap()
            .contains(&shown.clone().into()),
        "{shown} is the site's time {site_times}"
    );
    assert_eq!(browser.text("clock-zone").await, "WITA");

    // The next start, with the server not answering for the site description and the
    // page's scripts not loaded at all (held): the clock is right from the page's first
    // frame, before any script but the page's own runs.
    relay.hold("/api/v1/site");
    relay.hold("/assets/kiosk/kiosk.js");
    relay.hold("/assets/antre.js");
    browser
        .js("const f = document.createElement('iframe'); f.id = 'again'; f.src = '/kiosk/K1'; \
             f.style.cssText = 'position:fixed;inset:0;width:100%;height:100%;border:0;background:#fff'; \
             document.body.appendChild(f); return true;")
        .await;
    browser
        .wait_for(
            "document.getElementById('again').contentDocument?.getElementById('clock-time')?.textContent",
            LIMIT,
        )
        .await;
    let first = browser
        .eval(
            "(() => { const d = document.getElementById('again').contentDocument; \
             return { time: d.getElementById('clock-time').textContent, zone: d.getElementById('clock-zone').textContent, \
               scripts: !!document.getElementById('again').contentWindow.antreKiosk, ready: d.body.dataset.ready || '' }; })()",
        )
        .await;
    assert_eq!(
        first["scripts"], false,
        "the page's module never ran: {first}"
    );
    assert_eq!(first["ready"], "", "{first}");
    let site_times = browser.eval(&times("'Asia/Makassar'")).await;
    assert!(
        site_times.as_array().unwrap().contains(&first["time"]),
        "the site's time {site_times}, not the device's: {first}"
    );
    assert_eq!(first["zone"], "WITA");
    browser.screenshot("kiosk-clock-before-site-portrait").await;
    browser.close().await;
}
