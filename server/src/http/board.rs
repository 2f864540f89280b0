//! What the hall boards need besides the stream: the spoken announcement of a call as a
//! WAV (and its link in call events), and the running text that supervisors set.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use antre_board::{Clips, call, compose, wav_bytes};
use antre_protocol::{ErrorBody, RunningText};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::Digest;

use super::access::Supervisor;
use super::body::{ApiPath, JsonBody};
use super::{ApiError, Ctx};
use crate::engine::{Command, DomainError, Site, board::RUNNING_TEXT_MAX_CHARS};

/// Composed announcements kept: every board of the hall asks for the same call within
/// a second, and a recall comes within minutes; a few dozen (~150 KB each) cover that.
const CACHE_ENTRIES: usize = 32;

/// Serves the announcement clips one by one (boards compose calls from them), joins
/// them into whole announcements, and remembers the last few of those.
#[derive(Debug)]
pub struct Announcer {
    clips: Clips,
    cache: Mutex<VecDeque<(String, Bytes)>>,
    /// Each clip as a WAV file with its ETag, made on first request.
    files: Mutex<HashMap<String, (Bytes, String)>>,
}

impl Announcer {
    pub fn new(clips: Clips) -> Announcer {
        Announcer {
            clips,
            cache: Mutex::new(VecDeque::with_capacity(CACHE_ENTRIES)),
            files: Mutex::default(),
        }
    }

    /// One clip as a WAV file and its ETag (a hash of the bytes: a recording replaced
    /// with `--clips` gets a new one).
    pub fn clip(&self, name: &str) -> Option<(Bytes, String)> {
        if !antre_board::is_clip_name(name) {
            return None;
        }
        let mut files = self.files.lock().expect("not poisoned");
        if let Some(file) = files.get(name) {
            return Some(file.clone());
        }
        let wav = Bytes::from(wav_bytes(self.clips.get(name)?));
        let digest = sha2::Sha256::digest(&wav);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        files.insert(name.to_string(), (wav.clone(), etag.clone()));
        Some((wav, etag))
    }

    /// The WAV of `number` called to a counter said `spoken` and written `name`;
    /// `None` when `number` is not a ticket number.
    pub fn wav(&self, number: &str, spoken: &str, name: &str, english: bool) -> Option<Bytes> {
        let key = format!("{number}\u{0}{spoken}\u{0}{name}\u{0}{english}");
        if let Some((_, wav)) = self
            .cache
            .lock()
            .expect("not poisoned")
            .iter()
            .find(|(k, _)| *k == key)
        {
            return Some(wav.clone());
        }
        let phrase = call(number, spoken, name)?;
        let parts = if english {
            phrase.bilingual()
        } else {
            phrase.parts
        };
        let composed = compose(&parts, &self.clips);
        if !composed.missing.is_empty() {
            tracing::warn!(
                missing = ?composed.missing,
                "announcement clips missing: add them to the --clips folder"
            );
        }
        let wav = Bytes::from(wav_bytes(&composed.samples));
        let mut cache = self.cache.lock().expect("not poisoned");
        if cache.len() == CACHE_ENTRIES {
            cache.pop_front();
        }
        cache.push_back((key, wav.clone()));
        Some(wav)
    }
}

/// Adds to a call or recall event the link to its spoken announcement. The URL names
/// the number and the counter, so it stays right for this event even when the ticket is
/// later called elsewhere. Given to the writer at start (`crate::writer::Decorate`).
pub fn link_audio(site: &Site, event: &mut antre_protocol::Event) {
    let (Some(announcement), Some(ticket), Some(counter)) = (
        event.detail.announcement.as_mut(),
        event.ticket.as_ref(),
        event.counter.as_ref(),
    ) else {
        return;
    };
    announcement.audio = Some(format!(
        "{}/announcement.wav?number={}&counter={}{}",
        antre_protocol::API_PREFIX,
        ticket.number,
        counter.code,
        if site.announce_english {
            "&lang=id,en"
        } else {
            ""
        }
    ));
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnouncementParams {
    /// The ticket number, e.g. `A123`.
    #[param(pattern = "^[A-Z]{1,3}[0-9]{1,6}$")]
    pub number: String,
    /// The counter's code, e.g. `L03`.
    pub counter: String,
    /// `id` (the default) or `id,en`: Indonesian, then English.
    #[param(pattern = "^id(,en)?$")]
    pub lang: Option<String>,
}

/// The spoken call of a ticket number to a counter, as a 16 kHz mono WAV (chime, then
/// "Nomor antrian A seratus dua puluh tiga, silakan menuju loket tiga"; with
/// `lang=id,en` then "Number A one hundred twenty-three, please go to counter three").
/// Call and recall events name this URL in `detail.announcement.audio`.
#[utoipa::path(get, path = "/api/v1/announcement.wav", tag = "board",
    params(AnnouncementParams),
    responses((status = 200, content_type = "audio/wav", description = "the announcement"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn announcement(
    State(ctx): State<Ctx>,
    params: Result<Query<AnnouncementParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "Sebutkan nomor dan loket: ?number=A123&counter=L03.",
            "Give the number and the counter: ?number=A123&counter=L03.",
        )
    })?;
    let site = ctx.writer.site();
    let counter = site
        .counter(&params.counter)
        .ok_or(DomainError::CounterNotFound)?;
    let english = match params.lang.as_deref() {
        None | Some("id") => false,
        Some("id,en") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_lang",
                "Bahasa: id atau id,en.",
                "Languages: id or id,en.",
            ));
        }
    };
    let (spoken, name) = (counter.spoken_name.clone(), counter.name.clone());
    let announcer = ctx.announcer.clone();
    let wav =
        tokio::task::spawn_blocking(move || announcer.wav(&params.number, &spoken, &name, english))
            .await
            .map_err(ApiError::internal)?
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_number",
                    "Nomor antrian tidak sah (contoh: A123).",
                    "Not a ticket number (e.g. A123).",
                )
            })?;
    Ok((
        [
            (header::CONTENT_TYPE, "audio/wav"),
            // The same number at the same counter always sounds the same.
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        wav,
    )
        .into_response())
}

/// One announcement clip as a 16 kHz mono WAV (`chime`, `nomor`, `seratus`, `en-three`
/// …): boards fetch the clips an announcement names once, keep them, and compose every
/// call from them, so a call costs no download. Revalidated by ETag.
#[utoipa::path(get, path = "/api/v1/clips/{file}", tag = "board",
    params(("file" = String, Path, description = "the clip's name and `.wav`, e.g. `seratus.wav`")),
    responses((status = 200, content_type = "audio/wav", description = "the clip"),
              (status = 304, description = "the client's copy is current"),
              (status = 404, body = ErrorBody)))]
pub async fn clip(
    State(ctx): State<Ctx>,
    ApiPath(file): ApiPath<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let (wav, etag) = file
        .strip_suffix(".wav")
        .and_then(|name| ctx.announcer.clip(name))
        .ok_or_else(|| {
            ApiError::not_found("clip_not_found", "Klip tidak ditemukan.", "No such clip.")
        })?;
    let cache = [
        (header::CACHE_CONTROL, "no-cache".to_string()),
        (header::ETAG, etag.clone()),
    ];
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((
        cache,
        [(header::CONTENT_TYPE, "audio/wav".to_string())],
        wav,
    )
        .into_response())
}

/// The running text the hall boards show.
#[utoipa::path(get, path = "/api/v1/running-text", tag = "board",
    responses((status = 200, body = RunningText)))]
pub async fn running_text(State(ctx): State<Ctx>) -> Result<Json<RunningText>, ApiError> {
    let text = ctx
        .writer
        .read(|engine, _, _| engine.running_text().unwrap_or_default().to_string())
        .await?;
    Ok(Json(RunningText { text }))
}

/// Sets the hall boards' running text (supervisors and admins); every board shows it at
/// once (a `board.running_text` event) and it is kept across restarts. Empty clears it.
#[utoipa::path(put, path = "/api/v1/running-text", tag = "board",
    request_body = RunningText, security(("bearer" = [])),
    responses((status = 200, body = RunningText),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_running_text(
    State(ctx): State<Ctx>,
    Supervisor(session): Supervisor,
    JsonBody(body): JsonBody<RunningText>,
) -> Result<Json<RunningText>, ApiError> {
    if body.text.chars().count() > RUNNING_TEXT_MAX_CHARS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_too_long",
            "Teks berjalan paling banyak 500 karakter.",
            "The running text holds at most 500 characters.",
        ));
    }
    ctx.writer
        .execute(Command::SetRunningText {
            text: body.text,
            by: session.username,
        })
        .await?;
    running_text(State(ctx)).await
}

/// Every hall board: how many screens show it now, and when one last came or went (for
/// the managers' device page). A board's page and agent say which board they are when
/// they follow the stream (`?board=B1`).
#[utoipa::path(get, path = "/api/v1/boards", tag = "board",
    responses((status = 200, body = [antre_protocol::BoardStatus])))]
pub async fn boards(
    State(ctx): State<Ctx>,
) -> Result<Json<Vec<antre_protocol::BoardStatus>>, ApiError> {
    let site = ctx.writer.site();
    let seen: Vec<_> = site
        .boards
        .iter()
        .map(|b| (b.clone(), ctx.devices.board_presence(&b.code)))
        .collect();
    let list = ctx
        .writer
        .read(move |engine, _, _| {
            seen.into_iter()
                .map(|(b, (screens, last))| antre_protocol::BoardStatus {
                    code: b.code,
                    name: b.name,
                    zone: b.zone,
                    screens,
                    last_seen: last.map(|t| engine.format_time(t)),
                })
                .collect()
        })
        .await?;
    Ok(Json(list))
}
