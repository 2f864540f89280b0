//! The SKM survey: a visitor answers once per served ticket, from their phone (the
//! ticket's tracking secret) or from the tablet facing them at the counter, which asks
//! for the visit the counter has just finished.

use antre_protocol::{
    ErrorBody, SurveyAccepted, SurveyRecord, SurveyRequest, TicketStatus, UNSUR_COUNT,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::SignedDuration;
use serde::Serialize;

use super::access::{Limited, User};
use super::body::{ApiPath, JsonBody};
use super::{ApiError, Ctx};
use crate::engine::{Command, DomainError};
use crate::writer::Reply;

/// The longest suggestion kept, in characters.
const SUGGESTION_MAX: usize = 1000;

/// How long after a visit ends the counter's tablet still offers its survey: enough for
/// the visitor to stand up and answer, short enough that the next visitor is not asked
/// about someone else's visit.
const TABLET_OFFER: SignedDuration = SignedDuration::from_mins(10);

/// Answers the survey about a finished ticket. Anonymous: the answers are kept with the
/// ticket's service and counter only. One answer per ticket; the survey stays open
/// until the end of the ticket's service day. Without a token, within the per-address
/// limit of anonymous tickets.
#[utoipa::path(post, path = "/api/v1/surveys", tag = "surveys", request_body = SurveyRequest,
    responses(
        (status = 201, body = SurveyAccepted),
        (status = 400, description = "invalid_survey: not nine scores of 1 to 4, or a profile outside the questionnaire's choices", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "not_served or already_answered", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn answer(
    State(ctx): State<Ctx>,
    _: Limited,
    JsonBody(req): JsonBody<SurveyRequest>,
) -> Result<(StatusCode, Json<SurveyAccepted>), ApiError> {
    let survey = checked(req.answers, req.profile, req.suggestion)?;
    let command = Command::Answer {
        track_token: req.track_token,
        survey,
    };
    match ctx.writer.execute(command).await? {
        Reply::Ticket(t) => Ok((
            StatusCode::CREATED,
            Json(SurveyAccepted { number: t.number }),
        )),
        other => Err(ApiError::internal(format!(
            "expected a ticket, got {other:?}"
        ))),
    }
}

/// The survey's form, checked before it reaches the log.
fn checked(
    answers: Vec<u8>,
    profile: Option<antre_protocol::SurveyProfile>,
    suggestion: Option<String>,
) -> Result<SurveyRecord, ApiError> {
    if answers.len() != UNSUR_COUNT || answers.iter().any(|a| !(1..=4).contains(a)) {
        return Err(ApiError::bad_request(
            "invalid_survey",
            "Jawaban survei harus sembilan nilai 1 sampai 4.",
            "A survey answer is nine scores from 1 to 4.",
        ));
    }
    if let Some(field) = profile.as_ref().and_then(|p| p.invalid_field()) {
        return Err(ApiError::bad_request(
            "invalid_survey",
            &format!("Profil responden tidak sah: {field}."),
            &format!("The respondent profile's {field} is not one of the choices."),
        ));
    }
    let suggestion = suggestion
        .map(|s| s.trim().chars().take(SUGGESTION_MAX).collect::<String>())
        .filter(|s| !s.is_empty());
    // An empty profile is no profile.
    let profile = profile.filter(|p| *p != antre_protocol::SurveyProfile::default());
    Ok(SurveyRecord {
        answers,
        profile,
        suggestion,
    })
}

/// The visit a counter's tablet may ask about.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TabletVisit {
    pub number: String,
    /// The secret `POST /api/v1/surveys` takes.
    pub track_token: String,
    pub service: String,
    pub finished_at: String,
}

/// The visit this counter finished last, while its survey is still unanswered and the
/// visit ended less than ten minutes ago; `null` otherwise. For the tablet facing the
/// visitor, signed in by the counter's officer (or a supervisor).
#[utoipa::path(get, path = "/api/v1/counters/{code}/survey", tag = "surveys",
    params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Option<TabletVisit>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn tablet_visit(
    State(ctx): State<Ctx>,
    User(session): User,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Option<TabletVisit>>, ApiError> {
    let site = ctx.writer.site();
    let counter = site.counter(&code).ok_or(DomainError::CounterNotFound)?;
    if !ctx.auth.may_open(&session, counter) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "counter_not_assigned",
            "Anda tidak ditugaskan di loket ini.",
            "You are not assigned to this counter.",
        ));
    }
    let visit = ctx
        .writer
        .read(move |engine, _, now| {
            engine
                .tickets()
                .filter(|t| t.counter.as_deref() == Some(code.as_str()))
                .filter(|t| t.status == TicketStatus::Done && !t.surveyed)
                .filter(|t| {
                    t.finished_at
                        .is_some_and(|f| now.duration_since(f) <= TABLET_OFFER)
                })
                .max_by_key(|t| t.finished_at)
                .map(|t| {
                    let view = engine.ticket_view(t);
                    TabletVisit {
                        number: view.number,
                        track_token: t.track_token.clone(),
                        service: view.service,
                        finished_at: view.finished_at.unwrap_or_default(),
                    }
                })
        })
        .await?;
    Ok(Json(visit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_scores_of_one_to_four_are_a_survey() {
        assert!(checked(vec![1, 2, 3, 4, 4, 3, 2, 1, 4], None, None).is_ok());
        assert!(checked(vec![1, 2, 3, 4, 4, 3, 2, 1], None, None).is_err());
        assert!(checked(vec![1, 2, 3, 4, 4, 3, 2, 1, 5], None, None).is_err());
        assert!(checked(vec![0, 2, 3, 4, 4, 3, 2, 1, 4], None, None).is_err());
    }

    #[test]
    fn a_profile_outside_the_questionnaire_is_refused_and_an_empty_one_dropped() {
        let profile = |gender: &str| antre_protocol::SurveyProfile {
            gender: Some(gender.into()),
            ..Default::default()
        };
        assert!(checked(vec![4; 9], Some(profile("x")), None).is_err());
        let ok = checked(vec![4; 9], Some(profile("p")), Some("  ".into())).unwrap();
        assert_eq!(ok.suggestion, None);
        let empty = checked(vec![4; 9], Some(Default::default()), None).unwrap();
        assert_eq!(empty.profile, None);
    }
}
