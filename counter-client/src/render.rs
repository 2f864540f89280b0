//! Draws the terminal screen from an [`App`]; no I/O, so tests render into ratatui's
//! `TestBackend` and read the buffer.

use antre_protocol::{CounterStatus, Role, TicketStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use crate::app::{App, Leaving, Level, Mode, Purpose, booking_code_shown};
use crate::i18n::{Lang, clock, minutes, ticket_status};
use crate::keys::Cmd;

/// Commands shown in the key bar, most used first: every one the user may use.
fn key_bar(app: &App) -> Vec<Cmd> {
    Cmd::ALL
        .into_iter()
        .filter(|c| !c.floor_only() || app.role != Role::Officer)
        .collect()
}

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    // The key bar wraps: as many rows as its text needs at this width, plus its border.
    let bar: usize = key_bar(app)
        .iter()
        .map(|c| c.key().chars().count() + c.label(app.lang).chars().count() + 5)
        .sum();
    let width = usize::from(frame.area().width.max(1));
    let bar_rows = u16::try_from(bar.div_ceil(width) + 1).unwrap_or(u16::MAX);
    let [header, body, keys, message] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(bar_rows),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_header(frame, header, app);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    draw_current(frame, left, app);
    let [queues, held, recent] = Layout::vertical([
        Constraint::Min(4),
        Constraint::Length(4),
        Constraint::Min(4),
    ])
    .areas(right);
    draw_queues(frame, queues, app);
    draw_held(frame, held, app);
    draw_recent(frame, recent, app);
    draw_keys(frame, keys, app);
    draw_message(frame, message, app);
    match &app.mode {
        Mode::Transfer { .. } => draw_transfer(frame, body, app),
        Mode::Pick { .. } => draw_pick(frame, body, app),
        Mode::Leave { then } => draw_leave(frame, body, app, *then),
        Mode::ConfirmTakeOver { from } => draw_take_over(frame, body, app, from),
        Mode::CheckIn { code, sending } => draw_check_in(frame, body, app, code, *sending),
        Mode::Main | Mode::ConfirmClose => {}
    }
}

fn status_text(lang: Lang, status: CounterStatus) -> (&'static str, Color) {
    match status {
        CounterStatus::Open => (lang.pick("BUKA", "OPEN"), Color::Green),
        CounterStatus::Closed => (lang.pick("TUTUP", "CLOSED"), Color::Red),
        CounterStatus::Paused => (lang.pick("ISTIRAHAT", "ON BREAK"), Color::Yellow),
    }
}

fn draw_header(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let l = app.lang;
    let (status, color) = status_text(l, app.status());
    let online = if app.online {
        Span::styled(
            l.pick("● terhubung", "● online"),
            Style::new().fg(Color::Green),
        )
    } else {
        Span::styled(
            l.pick("● terputus, menyambung ulang…", "● offline, reconnecting…"),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        )
    };
    let mut spans = vec![
        Span::styled(" ANTRE ", Style::new().add_modifier(Modifier::REVERSED)),
        Span::raw(format!(
            " {} ({}) · {} · ",
            app.counter.name, app.counter.code, app.user
        )),
        Span::styled(status, Style::new().fg(color).add_modifier(Modifier::BOLD)),
    ];
    // Who holds the counter: this user, or (marked) someone else, whose counter it is
    // now.
    if let Some(by) = &app.taken_by {
        spans.push(Span::styled(
            format!(" · {} {by}", l.pick("diambil alih oleh", "taken over by")),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    } else if let Some(holder) = app.holder() {
        let style = if holder == app.user {
            Style::new()
        } else {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        };
        spans.push(Span::styled(
            format!(" · {} {holder}", l.pick("dibuka oleh", "open by")),
            style,
        ));
    }
    spans.push(Span::raw(" · "));
    spans.push(online);
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_current(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let l = app.lang;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(l.pick(" Sekarang dilayani ", " Now serving "));
    let mut lines = Vec::new();
    match app.current() {
        Some(t) => {
            lines.push(Line::raw(""));
            let inner = block.inner(area);
            let big = crate::big::lines(&t.number).filter(|_| {
                usize::from(inner.width) >= crate::big::width(&t.number)
                    && usize::from(inner.height) >= crate::big::HEIGHT + 5
            });
            let number_style = Style::new().add_modifier(Modifier::BOLD).fg(Color::Cyan);
            match big {
                // The block font when it fits; the number stays in plain text below.
                Some(rows) => {
                    for row in rows {
                        lines.push(Line::styled(row, number_style).centered());
                    }
                    lines.push(Line::raw(""));
                    lines.push(
                        Line::raw(format!("{} · {}", t.number, app.service_name(&t.service)))
                            .centered(),
                    );
                }
                None => {
                    lines.push(
                        Line::styled(
                            format!("  {}  ", t.number),
                            number_style.add_modifier(Modifier::REVERSED),
                        )
                        .centered(),
                    );
                    lines.push(Line::raw(""));
                    lines.push(Line::raw(app.service_name(&t.service)).centered());
                }
            }
            let state = match t.status {
                TicketStatus::Serving => l.pick("Dilayani", "Serving"),
                _ => l.pick("Dipanggil", "Called"),
            };
            let timer = app.served_for().map(clock).unwrap_or_default();
            lines.push(
                Line::styled(
                    format!("{state} · {timer}"),
                    Style::new().add_modifier(Modifier::BOLD),
                )
                .centered(),
            );
            if t.recalls > 0 {
                lines.push(
                    Line::raw(format!(
                        "{} {}×",
                        l.pick("Dipanggil ulang", "Recalled"),
                        t.recalls
                    ))
                    .centered(),
                );
            }
            if let Some(p) = t.priority {
                lines.push(
                    Line::styled(
                        format!("{} {}", l.pick("Prioritas:", "Priority:"), p.as_str()),
                        Style::new().fg(Color::Magenta),
                    )
                    .centered(),
                );
            }
            if let Some(note) = &t.note {
                lines.push(Line::raw(format!("{} {note}", l.pick("Catatan:", "Note:"))).centered());
            }
        }
        None => {
            lines.push(Line::raw(""));
            if let Some(holder) = app.blocked() {
                let text = match l {
                    Lang::Id => {
                        format!("Loket ini dibuka oleh {holder}. Tekan / untuk mengambil alih.")
                    }
                    Lang::En => format!("{holder} has this counter open. Press / to take it over."),
                };
                lines.push(Line::raw(text).centered());
                frame.render_widget(
                    Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
                    area,
                );
                return;
            }
            let text = match app.status() {
                CounterStatus::Closed => l.pick(
                    "Loket tutup. Tekan / untuk membuka.",
                    "Counter closed. Press / to open.",
                ),
                CounterStatus::Paused => l.pick(
                    "Istirahat. Tekan 8 untuk melanjutkan.",
                    "On break. Press 8 to resume.",
                ),
                CounterStatus::Open => l.pick(
                    "Belum ada tiket. Tekan Enter untuk memanggil.",
                    "No ticket. Press Enter to call the next visitor.",
                ),
            };
            lines.push(Line::raw(text).centered());
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_queues(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let l = app.lang;
    let items: Vec<ListItem<'_>> = app
        .counter
        .services
        .iter()
        .map(|code| {
            let name = app.service_name(code);
            let (waiting, wait) = app
                .queues
                .get(code)
                .map_or((0, 0), |q| (q.waiting, q.estimated_wait_s));
            let mut spans = vec![
                Span::styled(
                    format!("{waiting:>3} "),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("{name} ")),
                Span::styled(minutes(l, wait), Style::new().fg(Color::DarkGray)),
            ];
            if let Some(over) = app.overdue(code) {
                spans.push(Span::styled(
                    format!(
                        " ⚠ {} {}",
                        l.pick("lewat target", "past target"),
                        minutes(l, u32::try_from(over).unwrap_or(u32::MAX))
                    ),
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(l.pick(" Menunggu ", " Waiting "));
    frame.render_widget(List::new(items).block(block), area);
}

fn draw_held(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let l = app.lang;
    let held = app.view.as_ref().map(|v| v.held.as_slice()).unwrap_or(&[]);
    let text = if held.is_empty() {
        "—".to_string()
    } else {
        held.iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>()
            .join("  ")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(l.pick(" Ditahan (6) ", " On hold (6) "));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_recent(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let l = app.lang;
    let items: Vec<ListItem<'_>> = app
        .recent
        .iter()
        .map(|t| ListItem::new(format!("{:<6} {}", t.number, ticket_status(l, t.status))))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(l.pick(" Terakhir ", " Recent "));
    frame.render_widget(List::new(items).block(block), area);
}

fn draw_keys(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut spans = Vec::new();
    for cmd in key_bar(app) {
        spans.push(Span::styled(
            format!("[{}]", cmd.key()),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(format!(" {}  ", cmd.label(app.lang))));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans))
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn draw_message(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let (text, style) = match (&app.busy, &app.message) {
        (Some(action), _) => (
            format!(
                "{} {}",
                app.lang.pick("Memproses:", "Working:"),
                Cmd::of_action(action).map_or(action.path(), |c| c.label(app.lang))
            ),
            Style::new().fg(Color::Yellow),
        ),
        (None, Some((level, text))) => {
            let color = match level {
                Level::Info => Color::Green,
                Level::Warning => Color::Yellow,
                Level::Error => Color::Red,
            };
            (
                app.lang.half(text).to_string(),
                Style::new().fg(color).add_modifier(Modifier::BOLD),
            )
        }
        (None, None) => (String::new(), Style::new()),
    };
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}

fn draw_transfer(frame: &mut Frame<'_>, body: Rect, app: &App) {
    let Mode::Transfer {
        query,
        selected,
        note,
        in_note,
    } = &app.mode
    else {
        return;
    };
    let l = app.lang;
    let area = body.inner(ratatui::layout::Margin::new(2, 1));
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(l.pick(
        " Alihkan ke layanan — ketik untuk mencari, ↑↓ pilih, Tab catatan, Enter kirim, Esc batal ",
        " Transfer to service — type to search, ↑↓ choose, Tab note, Enter send, Esc cancel ",
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [search, list, note_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let cursor = |on: bool| if on { "▌" } else { "" };
    frame.render_widget(
        Paragraph::new(format!(
            "{} {query}{}",
            l.pick("Cari:", "Search:"),
            cursor(!in_note)
        )),
        search,
    );
    let matches = app.transfer_matches();
    let items: Vec<ListItem<'_>> = matches
        .iter()
        .map(|s| {
            let agency = app.agencies.get(&s.agency).map_or("", String::as_str);
            ListItem::new(format!(
                "{} — {} ({agency})",
                s.code,
                l.pick(&s.name, &s.name_en)
            ))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(*selected));
    frame.render_stateful_widget(
        List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        list,
        &mut state,
    );
    frame.render_widget(
        Paragraph::new(format!(
            "{} {note}{}",
            l.pick("Catatan:", "Note:"),
            cursor(*in_note)
        )),
        note_area,
    );
}

/// The list of tickets to choose from ([`Mode::Pick`]).
fn draw_pick(frame: &mut Frame<'_>, body: Rect, app: &App) {
    let Mode::Pick {
        purpose,
        query,
        selected,
        reason,
        in_reason,
        loading,
        ..
    } = &app.mode
    else {
        return;
    };
    let l = app.lang;
    let area = body.inner(ratatui::layout::Margin::new(2, 1));
    frame.render_widget(Clear, area);
    let title = match purpose {
        Purpose::Call => l.pick(
            " Panggil nomor tertentu — ketik nomor, ↑↓ pilih, Tab alasan, Enter panggil, Esc batal ",
            " Call a particular ticket — type its number, ↑↓ choose, Tab reason, Enter call, Esc cancel ",
        ),
        Purpose::Reinstate => l.pick(
            " Pulihkan tidak hadir — ketik nomor, ↑↓ pilih, Enter pulihkan, Esc batal ",
            " Reinstate a no-show — type its number, ↑↓ choose, Enter reinstate, Esc cancel ",
        ),
        Purpose::Cancel => l.pick(
            " Batalkan tiket — ketik nomor, ↑↓ pilih, Tab alasan, Enter batalkan, Esc batal ",
            " Cancel a ticket — type its number, ↑↓ choose, Tab reason, Enter cancel it, Esc back ",
        ),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [search, list, reason_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(u16::from(purpose.has_reason())),
    ])
    .areas(inner);
    let cursor = |on: bool| if on { "▌" } else { "" };
    frame.render_widget(
        Paragraph::new(format!(
            "{} {query}{}",
            l.pick("Nomor:", "Number:"),
            cursor(!in_reason)
        )),
        search,
    );
    let matches = app.pick_matches();
    let now = app.now.as_second() + app.skew_s;
    let mut items: Vec<ListItem<'_>> = matches
        .iter()
        .map(|t| {
            let waited = t
                .issued_at
                .parse::<jiff::Timestamp>()
                .map(|at| minutes(l, u32::try_from(now - at.as_second()).unwrap_or(0)))
                .unwrap_or_default();
            let priority = t.priority.map_or(String::new(), |p| {
                format!(" · {} {}", l.pick("prioritas", "priority"), p.as_str())
            });
            ListItem::new(format!(
                "{:<6} {} · {} {waited}{priority}",
                t.number,
                app.service_name(&t.service),
                ticket_status(l, t.status)
            ))
        })
        .collect();
    if items.is_empty() {
        let text = if *loading {
            l.pick("Memuat…", "Loading…")
        } else if query.trim().is_empty() {
            l.pick("Tidak ada tiket di daftar.", "No ticket in the list.")
        } else {
            l.pick(
                "Tidak ada di daftar: Enter mencari nomor ini.",
                "Not in the list: Enter looks this number up.",
            )
        };
        items.push(ListItem::new(text).style(Style::new().fg(Color::DarkGray)));
    }
    let mut state = ListState::default().with_selected((!matches.is_empty()).then_some(*selected));
    frame.render_stateful_widget(
        List::new(items).highlight_style(Style::new().add_modifier(Modifier::REVERSED)),
        list,
        &mut state,
    );
    if purpose.has_reason() {
        let label = match purpose {
            Purpose::Call => l.pick(
                "Alasan (bila bukan gilirannya):",
                "Reason (if out of turn):",
            ),
            _ => l.pick("Alasan:", "Reason:"),
        };
        frame.render_widget(
            Paragraph::new(format!("{label} {reason}{}", cursor(*in_reason))),
            reason_area,
        );
    }
}

/// A small box in the middle of `body`, cleared, with a border and a title.
fn dialog(frame: &mut Frame<'_>, body: Rect, title: &str, lines: Vec<Line<'_>>) {
    let width = body.width.saturating_sub(4).min(76);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(body.height);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(title.to_string()),
            )
            .wrap(Wrap { trim: true }),
        area,
    );
}

fn key_line<'a>(key: &'a str, text: &'a str) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!(" [{key}] "),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        Span::raw(text),
    ])
}

/// Closing or quitting with a visitor at the counter ([`Mode::Leave`]).
fn draw_leave(frame: &mut Frame<'_>, body: Rect, app: &App, then: Leaving) {
    let l = app.lang;
    let number = app.current().map_or("", |t| t.number.as_str());
    let title = match then {
        Leaving::Quit => l.pick(" Sebelum keluar ", " Before quitting "),
        Leaving::Close => l.pick(" Sebelum menutup loket ", " Before closing the counter "),
    };
    let mut lines = vec![
        Line::styled(
            format!(
                " {number} {}",
                l.pick(
                    "masih di loket. Apa yang dilakukan?",
                    "is still at the counter. What now?"
                )
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        key_line("1", l.pick("Selesai", "Complete")),
        key_line(
            "2",
            l.pick(
                "Kembali ke antrean (pada urutannya)",
                "Back in line (at their place)",
            ),
        ),
    ];
    if then == Leaving::Quit {
        lines.push(key_line(
            "4",
            l.pick("Tahan di loket ini", "Hold at this counter"),
        ));
    }
    lines.push(key_line("Esc", l.pick("Batal", "Cancel")));
    dialog(frame, body, title, lines);
}

/// Opening a counter someone else has open ([`Mode::ConfirmTakeOver`]).
fn draw_take_over(frame: &mut Frame<'_>, body: Rect, app: &App, from: &str) {
    let l = app.lang;
    let lines = vec![
        Line::styled(
            format!(
                " {}",
                match l {
                    Lang::Id => format!("Loket dibuka oleh {from} — ambil alih?"),
                    Lang::En => format!("{from} has this counter open — take it over?"),
                }
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        key_line("/ Enter", l.pick("Ambil alih", "Take over")),
        key_line("Esc", l.pick("Batal", "Cancel")),
    ];
    dialog(
        frame,
        body,
        l.pick(" Ambil alih loket ", " Take over the counter "),
        lines,
    );
}

/// Typing a booking's code to check it in ([`Mode::CheckIn`]).
fn draw_check_in(frame: &mut Frame<'_>, body: Rect, app: &App, code: &str, sending: bool) {
    let l = app.lang;
    let state = if sending {
        l.pick("  memproses…", "  working…")
    } else {
        "▌"
    };
    let lines = vec![
        Line::styled(
            format!(
                " {} {}{state}",
                l.pick("Kode booking:", "Booking code:"),
                booking_code_shown(code)
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            " {}",
            l.pick(
                "Kode dari QR atau layar pengunjung; huruf besar/kecil, - boleh.",
                "The code on the visitor's QR or screen; any case, dash optional.",
            )
        )),
        key_line("Enter", l.pick("Check-in", "Check in")),
        key_line("Esc", l.pick("Batal", "Cancel")),
    ];
    dialog(
        frame,
        body,
        l.pick(" Check-in booking ", " Booking check-in "),
        lines,
    );
}
