//! Headless Chromium driven through ChromeDriver (WebDriver), for page tests.
//!
//! Chromium and ChromeDriver come from Debian's `chromium` and `chromium-driver`
//! packages, which `.ci/run` installs. Without them a page test is skipped with a note,
//! so the README's test command passes on a machine with only the Rust toolchain;
//! `ANTRE_REQUIRE_BROWSER=1` (set by `.ci/run`) turns the skip into a failure, so CI
//! can never pass without having run them.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Generous: the page loads its site description and may reconnect first.
const LOGIN_FORM_WAIT: Duration = Duration::from_secs(30);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium window of a fixed size.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium with a `width`×`height` viewport, or `None` when Chromium or
    /// ChromeDriver is not installed (and `ANTRE_REQUIRE_BROWSER` is not set).
    pub async fn start(width: u32, height: u32) -> Option<Browser> {
        let chromium = std::env::var("ANTRE_CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
        let chromedriver =
            std::env::var("ANTRE_CHROMEDRIVER").unwrap_or_else(|_| CHROMEDRIVER.into());
        if !std::path::Path::new(&chromium).exists()
            || !std::path::Path::new(&chromedriver).exists()
        {
            let required = std::env::var_os("ANTRE_REQUIRE_BROWSER").is_some_and(|v| v == "1");
            assert!(
                !required,
                "ANTRE_REQUIRE_BROWSER=1 but {chromium} or {chromedriver} is missing"
            );
            eprintln!(
                "SKIPPED: page test needs {chromium} and {chromedriver} (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--autoplay-policy=no-user-gesture-required",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        let caps: serde_json::Map<String, serde_json::Value> =
            caps.as_object().expect("object").clone();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot start Chromium through ChromeDriver: {e}"),
            }
        };
        let browser = Browser {
            client,
            driver,
            _profile: profile,
        };
        // `--window-size` sizes the window, frame included; pages are laid out for the
        // viewport, so make that the size asked for.
        browser.set_viewport(width, height).await;
        Some(browser)
    }

    /// Resizes the window so that the page's viewport is exactly `width`×`height`
    /// (headless Chromium's `--window-size` counts the window's frame too), e.g. so a
    /// hall board is tested at the real 1920×1080 of its screen.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        for _ in 0..3 {
            let inner = self
                .client
                .execute("return [innerWidth, innerHeight];", vec![])
                .await
                .expect("script runs");
            let inner: (u32, u32) = serde_json::from_value(inner).expect("two numbers");
            if inner == (width, height) {
                return;
            }
            let (outer_w, outer_h) = self.client.get_window_size().await.expect("window size");
            let w = (outer_w as i64 + i64::from(width) - i64::from(inner.0)).max(100);
            let h = (outer_h as i64 + i64::from(height) - i64::from(inner.1)).max(100);
            self.client
                .set_window_size(w as u32, h as u32)
                .await
                .expect("resize window");
        }
    }

    /// Saves a PNG of the viewport under `artifacts/screenshots/NAME.png` in the
    /// workspace and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = artifacts_dir().join("screenshots");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Waits until `script` (a JavaScript expression) is truthy, or panics after `limit`.
    pub async fn wait_for(&self, script: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let value = self
                .client
                .execute(&format!("return !!({script});"), vec![])
                .await
                .expect("script runs");
            if value.as_bool() == Some(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a script (with its own `return`) in the page.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    /// The value of a JavaScript expression.
    pub async fn eval(&self, expression: &str) -> Value {
        self.js(&format!("return ({expression});")).await
    }

    /// The text of the element with this id, trimmed.
    pub async fn text(&self, id: &str) -> String {
        self.eval(&format!("document.getElementById('{id}').textContent"))
            .await
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// Clicks the element, finding it again if a live update replaced it in between.
    pub async fn click(&self, css: &str) {
        let mut last = None;
        for _ in 0..5 {
            let element = self
                .client
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"));
            match element.click().await {
                Ok(()) => return,
                Err(e) if e.to_string().contains("stale element") => last = Some(e),
                Err(e) => panic!("click {css}: {e}"),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("click {css}: {last:?}");
    }

    /// Types keys into whatever has the focus (WebDriver key events, as a keyboard
    /// would).
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("an active element")
            .send_keys(keys)
            .await
            .expect("keys typed");
    }

    /// Presses each key in turn as a keyboard would, wherever the focus is (WebDriver
    /// key actions: nothing is aimed at an element). Special keys are
    /// `fantoccini::key::Key` as characters.
    pub async fn keyboard(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for value in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .expect("keys pressed");
    }

    /// Presses Enter on whatever has the focus.
    pub async fn press_enter(&self) {
        self.press(&Key::Enter.to_string()).await;
    }

    /// Opens the counter page under `base` (the server or a proxy in front of it) and
    /// submits its login form as `user`. What the page shows next is the test's to check.
    pub async fn counter_log_in(&self, base: &str, user: &str, password: &str) {
        self.client.goto(&format!("{base}/counter")).await.unwrap();
        self.wait_for(
            "!document.getElementById('login-view').hidden",
            LOGIN_FORM_WAIT,
        )
        .await;
        let field = self.client.find(Locator::Id("login-user")).await.unwrap();
        field.send_keys(user).await.unwrap();
        let field = self
            .client
            .find(Locator::Id("login-password"))
            .await
            .unwrap();
        field.send_keys(password).await.unwrap();
        field.send_keys(&Key::Enter.to_string()).await.unwrap();
    }

    /// Runs axe-core (WCAG 2.0/2.1 A and AA rules) over the page as it is now and
    /// fails the test on any serious or critical violation, naming each with the
    /// elements concerned; `what` names the page and state in the message. axe-core
    /// comes from the npm registry (`.ci/run` installs it): without it the check is
    /// skipped with a note, unless `ANTRE_REQUIRE_BROWSER=1`.
    pub async fn assert_accessible(&self, what: &str) {
        let Some(axe) = axe_source() else { return };
        self.js(&format!("if (!window.axe) {{ {axe} }} return true;"))
            .await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values:
                   ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
                   .then((r) => done(r.violations
                     .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                     .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                       v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | '))))
                   .catch((e) => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe runs");
        let violations: Vec<String> = serde_json::from_value(result).expect("a list");
        assert!(
            violations.is_empty(),
            "{what}: accessibility violations:\n{}",
            violations.join("\n")
        );
    }

    /// Elements of the page's `regions` (a CSS selector, e.g. `header, main, footer`)
    /// whose content does not fit their box: text cut off or spilling out, or a box
    /// sticking out of its region, as measured in the browser. Parts that scroll on
    /// purpose (`overflow: auto` or `scroll`) are measured as their own region. Also
    /// reports a page wider than the viewport. Empty when everything fits.
    pub async fn overflowing(&self, regions: &str) -> Vec<String> {
        let found = self
            .js(&format!(
                "return ({OVERFLOW_JS})({});",
                serde_json::to_string(regions).expect("a string")
            ))
            .await;
        serde_json::from_value(found).expect("a list of descriptions")
    }

    /// Fails the test when [`Browser::overflowing`] finds anything; `what` names the
    /// page, state and size.
    pub async fn assert_fits(&self, what: &str, regions: &str) {
        let found = self.overflowing(regions).await;
        assert!(
            found.is_empty(),
            "{what}: overflowing:\n{}",
            found.join("\n")
        );
    }

    /// Lays the page out for `media` (`print` or `screen`), as Chromium's print preview
    /// does, so a print layout can be measured and screenshot like the screen's.
    pub async fn emulate_media(&self, media: &str) {
        self.client
            .issue_cmd(DevTools {
                cmd: "Emulation.setEmulatedMedia",
                params: json!({ "media": media }),
            })
            .await
            .expect("Chromium emulates the media type");
    }

    /// Prints the page to A4 (`landscape` or portrait) as Chromium would, and saves the
    /// PDF under `artifacts/screenshots/NAME.pdf`; returns its path and page count.
    pub async fn print_a4(&self, name: &str, landscape: bool) -> (PathBuf, usize) {
        use fantoccini::wd::{PrintConfiguration, PrintOrientation, PrintSize};
        let config = PrintConfiguration::builder()
            .size(PrintSize::A4)
            .orientation(if landscape {
                PrintOrientation::Landscape
            } else {
                PrintOrientation::Portrait
            })
            .background(true)
            .build()
            .expect("a print configuration");
        let pdf = self.client.print(config).await.expect("the page prints");
        let count = |needle: &[u8]| pdf.windows(needle.len()).filter(|w| *w == needle).count();
        // Every page object, not the page tree ("/Type /Pages").
        let pages = count(b"/Type /Page") + count(b"/Type/Page")
            - count(b"/Type /Pages")
            - count(b"/Type/Pages");
        let dir = artifacts_dir().join("screenshots");
        std::fs::create_dir_all(&dir).expect("artifacts dir");
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("write the PDF");
        (path, pages)
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A command of Chromium's DevTools protocol, through ChromeDriver.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The overflow measure of [`Browser::overflowing`], run in the page.
const OVERFLOW_JS: &str = r#"(selector) => {
  const found = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const shown = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  };
  const scrolls = (el) => /(auto|scroll)/.test(getComputedStyle(el).overflowX + getComputedStyle(el).overflowY);
  if (document.documentElement.scrollWidth > innerWidth + 1) {
    found.push('the page is wider than the viewport: ' + document.documentElement.scrollWidth + ' > ' + innerWidth);
  }
  const check = (region) => {
    const box = region.getBoundingClientRect();
    for (const el of region.querySelectorAll('*')) {
      if (!shown(el) || el.closest('[data-overflow-ok]')) continue;
      let holder = el.parentElement;
      while (holder && holder !== region && !scrolls(holder)) holder = holder.parentElement;
      const within = holder && holder !== region ? holder.getBoundingClientRect() : box;
      const r = el.getBoundingClientRect();
      if (r.left < within.left - 1 || r.right > within.right + 1 || r.top < within.top - 1 || r.bottom > within.bottom + 1) {
        found.push(name(el) + ' sticks out of ' + name(holder && holder !== region ? holder : region) +
          ' (' + Math.round(r.left) + ',' + Math.round(r.top) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) + ')');
        continue;
      }
      const s = getComputedStyle(el);
      const clips = /(hidden|clip)/.test(s.overflowX + s.overflowY) || s.textOverflow === 'ellipsis';
      if (clips && !scrolls(el) && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
        found.push(name(el) + ' cuts its content (' + el.scrollWidth + 'x' + el.scrollHeight + ' in ' + el.clientWidth + 'x' + el.clientHeight + ')');
      }
    }
  };
  for (const region of document.querySelectorAll(selector)) if (shown(region)) check(region);
  return found;
}"#;

/// axe-core's script: `$ANTRE_AXE_JS`, or where `.ci/run` installs it
/// (`target/axe/node_modules/axe-core/axe.min.js`). `None` (with a note) when it is not
/// installed and not required.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("ANTRE_AXE_JS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("workspace root")
                .join("target/axe/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    );
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            let required = std::env::var_os("ANTRE_REQUIRE_BROWSER").is_some_and(|v| v == "1");
            assert!(
                !required,
                "ANTRE_REQUIRE_BROWSER=1 but axe-core is missing at {} \
                 (npm install --prefix target/axe axe-core@4)",
                path.display()
            );
            eprintln!(
                "SKIPPED accessibility check: no axe-core at {} (npm install --prefix target/axe axe-core@4)",
                path.display()
            );
            None
        }
    }
}

/// `artifacts/` at the workspace root: screenshots and other things tests keep.
pub fn artifacts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .join("artifacts")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
