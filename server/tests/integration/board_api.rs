//! What the hall boards get from the real server besides the page: announcements in
//! call events and their audio, the running text and a site's own clips. The board
//! agent's tests are the board crate's (`display-board/tests/integration/agent.rs`).

use std::io::Cursor;

use antre_protocol::{EventKind, StreamMessage};
use antre_testkit::*;
use serde_json::{Value, json};

fn samples(wav: &[u8]) -> Vec<i16> {
    let mut reader = hound::WavReader::new(Cursor::new(wav)).expect("a WAV file");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 16_000, 16)
    );
    reader.samples::<i16>().map(Result::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_carries_its_announcement_and_the_audio_says_it() {
    let server = Server::demo();
    let token = login(&server, "admin").await;
    let mut ws = subscribe(&server, "?zone=A").await;
    let ticket = issue(&server, "DKP-KK").await;
    act(&server, &token, "L03", "open", None).await;
    assert_eq!(
        act(&server, &token, "L03", "call-next", None)
            .await
            .status(),
        200
    );
    let called = next_event(&mut ws, EventKind::TicketCalled).await;
    let a = called.detail.announcement.expect("calls are announced");
    let words = antre_board::call(&ticket.number, "loket tiga", "Loket 3").unwrap();
    assert_eq!(a.text, words.text);
    assert!(a.text.starts_with("Nomor antrian "), "{}", a.text);
    assert!(
        a.text.ends_with(", silakan menuju loket tiga"),
        "{}",
        a.text
    );
    assert!(
        a.text_en
            .as_deref()
            .unwrap()
            .ends_with("please go to counter three")
    );
    let audio = a.audio.expect("an audio URL");
    assert_eq!(
        audio,
        format!(
            "/api/v1/announcement.wav?number={}&counter=L03",
            ticket.number
        )
    );

    // The audio: a valid WAV of a sentence's length, not silent.
    let res = client().get(server.url(&audio)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "audio/wav");
    let wav = samples(&res.bytes().await.unwrap());
    let seconds = wav.len() as f32 / 16_000.0;
    assert!((3.0..15.0).contains(&seconds), "{seconds} s");
    assert!(wav.iter().any(|s| s.unsigned_abs() > 8000));
    // It begins with the chime, as the built-in clips have it.
    let chime = antre_board::Clips::builtin();
    let chime = chime.get("chime").unwrap();
    assert_eq!(&wav[..chime.len()], chime);

    // English after the Indonesian, where a site wants it: the same start, longer, and
    // the English words' clips in it.
    let res = client()
        .get(server.url(&format!("{audio}&lang=id,en")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let both = samples(&res.bytes().await.unwrap());
    assert_eq!(&both[..wav.len()], wav.as_slice());
    assert!(both.len() > wav.len() + 2 * 16_000);
    let builtin = antre_board::Clips::builtin();
    let counter = builtin.get("en-counter").unwrap();
    assert!(
        both[wav.len()..]
            .windows(counter.len())
            .any(|w| w == counter)
    );

    // A recall is announced again, the same way.
    assert_eq!(
        act(&server, &token, "L03", "recall", None).await.status(),
        200
    );
    let recalled = next_event(&mut ws, EventKind::TicketRecalled).await;
    assert_eq!(recalled.detail.announcement.unwrap().text, a.text);
    // Other events are not.
    assert_eq!(
        act(&server, &token, "L03", "start", None).await.status(),
        200
    );
    let serving = next_event(&mut ws, EventKind::TicketServing).await;
    assert_eq!(serving.detail.announcement, None);

    // Bad requests get clear JSON errors.
    for (query, status, code) in [
        ("?number=A1&counter=NOPE", 404, "counter_not_found"),
        ("?number=1A&counter=L03", 400, "invalid_number"),
        ("?number=ABCD001&counter=L03", 400, "invalid_number"),
        ("?number=A1&counter=L03&lang=fr", 400, "invalid_lang"),
        ("?counter=L03", 400, "invalid_query"),
        ("", 400, "invalid_query"),
    ] {
        let res = client()
            .get(server.url(&format!("/api/v1/announcement.wav{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(res).await, (status, code.to_string()), "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_running_text_is_set_by_supervisors_and_kept_across_restarts() {
    let mut server = Server::demo();
    let put = |token: Option<String>, body: Value| {
        let req = client().put(server.url("/api/v1/running-text")).json(&body);
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        req.send()
    };
    let officer = login(&server, "petugas-l01").await;
    let supervisor = login(&server, "penyelia").await;
    let res = put(None, json!({"text": "x"})).await.unwrap();
    assert_eq!(error_of(res).await, (401, "unauthorized".into()));
    let res = put(Some(officer), json!({"text": "x"})).await.unwrap();
    assert_eq!(error_of(res).await, (403, "forbidden".into()));
    let res = put(Some(supervisor.clone()), json!({"text": "x".repeat(501)}))
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (422, "text_too_long".into()));
    let res = put(Some(supervisor.clone()), json!({"words": "x"}))
        .await
        .unwrap();
    assert_eq!(error_of(res).await, (400, "invalid_body".into()));

    // Set: every board's stream hears it, whatever its zone.
    let mut ws = subscribe(&server, "?zone=C").await;
    let first = next_message(&mut ws).await;
    assert!(matches!(first, StreamMessage::Snapshot(s) if s.running_text.is_none()));
    let text = "Layanan paspor hari ini sampai pukul 12.00 — Passport service until 12:00 today";
    let res = put(
        Some(supervisor.clone()),
        json!({"text": format!("  {text}\n")}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"text": text}));
    let e = next_event(&mut ws, EventKind::RunningText).await;
    assert_eq!(e.detail.running_text.as_deref(), Some(text));
    assert_eq!(e.detail.by.as_deref(), Some("penyelia"));

    // Kept across a restart: in the snapshot and on GET.
    let (data, _dir) = {
        server.terminate();
        server.into_data()
    };
    let server = Server::demo_in(&data);
    let got: Value = client()
        .get(server.url("/api/v1/running-text"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, json!({"text": text}));
    let mut ws = subscribe(&server, "").await;
    assert!(
        matches!(next_message(&mut ws).await, StreamMessage::Snapshot(s) if s.running_text.as_deref() == Some(text))
    );
    // Cleared with an empty text.
    let supervisor = login(&server, "penyelia").await;
    let res = client()
        .put(server.url("/api/v1/running-text"))
        .bearer_auth(supervisor)
        .json(&json!({"text": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"text": ""}));
    let mut ws = subscribe(&server, "").await;
    assert!(
        matches!(next_message(&mut ws).await, StreamMessage::Snapshot(s) if s.running_text.is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sites_recorded_clips_replace_the_built_in_ones() {
    // A "recording" of the word "loket": a tone, 16 kHz mono like the built-in clips, so
    // its samples go into the announcement unchanged.
    let clips = tempfile::tempdir().unwrap();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let tone: Vec<i16> = (0..6000)
        .map(|i| ((i as f32 * 0.2).sin() * 12_000.0) as i16)
        .collect();
    let mut w = hound::WavWriter::create(clips.path().join("loket.wav"), spec).unwrap();
    for &s in &tone {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    let data = tempfile::tempdir().unwrap();
    let clips_arg = clips.path().display().to_string();
    let server = Server::start_in(&data.path().join("data"), &["--clips", &clips_arg]);
    let wav = client()
        .get(server.url("/api/v1/announcement.wav?number=A7&counter=L02"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let wav = samples(&wav);
    let at = wav
        .windows(tone.len())
        .position(|w| w == tone.as_slice())
        .expect("the site's clip is in the announcement");
    // "loket" is the next-to-last word ("… menuju loket dua").
    let dua = antre_board::Clips::builtin();
    let dua = dua.get("dua").unwrap();
    assert_eq!(&wav[wav.len() - dua.len()..], dua);
    assert!(at + tone.len() < wav.len() - dua.len());
}
