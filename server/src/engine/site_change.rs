//! The site replaced while the server runs (a manager added a service, renamed a
//! counter …), and what such a change may do to the tickets already in the queue.
//!
//! Rules, checked before anything changes:
//!
//! 1. A service that stays (same code) keeps its tickets and their numbers, whatever
//!    else changes about it: name, prefix, hours, quota, counters.
//! 2. A service may be removed only when no ticket of it can still be served: none
//!    waiting, called, being served, held, or missed (no-show) today. Those must be
//!    moved (transferred) or cancelled first; the refusal names the service.
//! 3. A counter may be removed only when it is closed (nobody at it, nobody held).
//! 4. New counters start closed; new services start with their configured average
//!    service time for estimates.
//!
//! 5. A change made against a version of the site (an admin's form, `If-Match`) is
//!    refused when the site has changed since: two admins editing at once never
//!    overwrite each other unseen. Each change gives the site the next version.
//!
//! The change is one event (`site.changed`) listing every item as it was and as it is,
//! so the audit trail shows who changed what. Users and device tokens are items too;
//! their secrets appear only as fingerprints, which tell that a password or a token
//! changed and nothing more.

use std::collections::BTreeMap;
use std::sync::Arc;

use antre_protocol::{CounterStatus, EventDetail, EventKind, ItemChange, TicketStatus};
use serde::Serialize;
use serde_json::{Value, json};

use super::counters::CounterState;
use super::{Affected, Change, DomainError, Engine, Handled, ServiceTime, Site};

impl Engine {
    pub(super) fn replace_site(
        &mut self,
        site: Arc<Site>,
        by: Option<String>,
        expected_version: Option<u64>,
        out: &mut Vec<Change>,
    ) -> Handled {
        let current = self.site.version;
        if expected_version.is_some_and(|v| v != current) {
            return Err(DomainError::VersionConflict { current });
        }
        self.strays(&site)?;
        for old in &self.site.counters {
            if site.counter(&old.code).is_none()
                && self.counters[&old.code].status != CounterStatus::Closed
            {
                return Err(DomainError::CounterOpen {
                    counter: old.code.clone(),
                });
            }
        }
        let changes = diff(&self.site, &site);
        let mut site = Arc::unwrap_or_clone(site);
        site.version = current + 1;
        let site = Arc::new(site);
        self.counters.retain(|code, _| site.counter(code).is_some());
        for counter in &site.counters {
            self.counters
                .entry(counter.code.clone())
                .or_insert_with(CounterState::closed);
        }
        self.service_times
            .retain(|code, _| site.service(code).is_some());
        for service in &site.services {
            self.service_times
                .entry(service.code.clone())
                .or_insert_with(|| ServiceTime::new(service.avg_service_s));
        }
        self.lanes.retain(|code, _| site.service(code).is_some());
        if self.running_text == self.site.running_text {
            // Nobody set a text of their own: the site's default follows the site.
            self.running_text = site.running_text.clone();
        }
        self.site = site;
        out.push(Change {
            kind: EventKind::SiteChanged,
            ticket: None,
            counter: None,
            detail: EventDetail {
                by,
                changes,
                ..EventDetail::default()
            },
        });
        Ok(Affected::Nothing)
    }
}

impl Engine {
    /// Whether every ticket that may still be served has its service (rule 2) and its
    /// counter (rule 3) in `site`; the first that does not is named. Checked before a
    /// site replaces the engine's, and at start-up against the site the server was
    /// given, which may have been edited while it was stopped.
    pub fn strays(&self, site: &Site) -> Result<(), DomainError> {
        let mut ids: Vec<_> = self.tickets.keys().copied().collect();
        ids.sort_unstable();
        let may_be_served = |t: &&super::Ticket| {
            t.status.is_live() || (t.status == TicketStatus::NoShow && t.day == self.day)
        };
        for id in &ids {
            let ticket = &self.tickets[id];
            if may_be_served(&ticket) && site.service(&ticket.service).is_none() {
                let tickets = self
                    .tickets
                    .values()
                    .filter(may_be_served)
                    .filter(|t| t.service == ticket.service)
                    .count();
                return Err(DomainError::ServiceInUse {
                    service: ticket.service.clone(),
                    tickets,
                });
            }
            let at_counter = matches!(
                ticket.status,
                TicketStatus::Called | TicketStatus::Serving | TicketStatus::Held
            );
            if let (true, Some(counter)) = (at_counter, &ticket.counter)
                && site.counter(counter).is_none()
            {
                return Err(DomainError::CounterOpen {
                    counter: counter.clone(),
                });
            }
        }
        Ok(())
    }

    /// Numbers of the tickets of a service that may still be served, in order.
    pub fn numbers_waiting_for(&self, service: &str) -> Vec<String> {
        let mut tickets: Vec<_> = self
            .tickets
            .values()
            .filter(|t| t.service == service)
            .filter(|t| {
                t.status.is_live() || (t.status == TicketStatus::NoShow && t.day == self.day)
            })
            .collect();
        tickets.sort_by_key(|t| t.id);
        tickets.iter().map(|t| t.label()).collect()
    }
}

/// Every item that differs between two descriptions of the site, in a stable order.
pub fn diff(old: &Site, new: &Site) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    let (before, after) = (describe(old), describe(new));
    for (item, old_items) in &before {
        let new_items = &after[item];
        for (code, was) in old_items {
            let now = new_items.get(code);
            if now != Some(was) {
                changes.push(ItemChange {
                    item: item.to_string(),
                    code: code.clone(),
                    before: Some(was.clone()),
                    after: now.cloned(),
                });
            }
        }
        for (code, now) in new_items {
            if !old_items.contains_key(code) {
                changes.push(ItemChange {
                    item: item.to_string(),
                    code: code.clone(),
                    before: None,
                    after: Some(now.clone()),
                });
            }
        }
    }
    changes
}

type Items = BTreeMap<String, Value>;

/// Wire items by their code, as JSON.
fn items<T: Serialize>(list: &[T], code: impl Fn(&T) -> &str) -> Items {
    list.iter()
        .map(|item| {
            let value = serde_json::to_value(item).expect("wire types serialise");
            (code(item).to_string(), value)
        })
        .collect()
}

/// The site as items by kind and code, each as clients see it (plus what only the
/// engine uses, such as a service's starting average).
fn describe(site: &Site) -> BTreeMap<&'static str, Items> {
    let info = site.info();
    let settings = json!({
        "name": site.name,
        "timezone": site.timezone_name,
        "priority_streak_max": site.priority_streak_max,
        "no_show_grace_s": site.no_show_grace_s,
        "running_text": site.running_text,
        "announce_english": site.announce_english,
        "public_url": site.public_url,
        "ticket_footer": site.ticket_footer,
    });
    let mut services = items(&info.services, |s| &s.code);
    let mut kiosks = items(&info.kiosks, |k| &k.code);
    let mut boards = items(&info.boards, |b| &b.code);
    for (kind, devices) in [("kiosk", &mut kiosks), ("board", &mut boards)] {
        for (code, value) in devices.iter_mut() {
            if let (Some(token), Value::Object(map)) = (site.device_token(kind, code), value) {
                map.insert("token".into(), token.into());
            }
        }
    }
    for (code, value) in &mut services {
        if let (Some(service), Value::Object(map)) = (site.service(code), value) {
            map.insert("avg_service_s".into(), service.avg_service_s.into());
        }
    }
    BTreeMap::from([
        ("site", Items::from([(site.code.clone(), settings)])),
        ("agency", items(&info.agencies, |a| &a.code)),
        ("service", services),
        ("counter", items(&info.counters, |c| &c.code)),
        ("zone", items(&info.zones, |z| &z.code)),
        ("kiosk", kiosks),
        ("board", boards),
        ("user", items(&site.users, |u| &u.username)),
        ("holiday", items(&site.holidays, |h| &h.date)),
    ])
}
