//! Steps on Antre's own pages that many page tests share.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;

use crate::browser::Browser;

/// Generous: the page loads its site description and may reconnect first.
const LOGIN_FORM_WAIT: Duration = Duration::from_secs(30);

/// Opens the counter page under `base` (the server or a proxy in front of it) and
/// submits its login form as `user`. What the page shows next is the test's to check.
pub async fn counter_log_in(browser: &Browser, base: &str, user: &str, password: &str) {
    browser
        .client
        .goto(&format!("{base}/counter"))
        .await
        .unwrap();
    browser
        .wait_for(
            "!document.getElementById('login-view').hidden",
            LOGIN_FORM_WAIT,
        )
        .await;
    let field = browser
        .client
        .find(Locator::Id("login-user"))
        .await
        .unwrap();
    field.send_keys(user).await.unwrap();
    let field = browser
        .client
        .find(Locator::Id("login-password"))
        .await
        .unwrap();
    field.send_keys(password).await.unwrap();
    field.send_keys(&Key::Enter.to_string()).await.unwrap();
}
