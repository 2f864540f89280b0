//! The board agent against the real server: it follows its board's calls across a
//! restart, composes each from clips it fetched once, and says a whole burst of calls
//! in order through a player that takes as long as each announcement lasts.

use std::io::{BufRead, BufReader, Cursor};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antre_board::Clips;
use antre_board::agent::{self, Call, Config, Speaker};
use antre_board::queue::Queue;
use antre_testkit::*;

use crate::burst;

fn samples(wav: &[u8]) -> Vec<i16> {
    let mut reader = hound::WavReader::new(Cursor::new(wav)).expect("a WAV file");
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 16_000, 16)
    );
    reader.samples::<i16>().map(Result::unwrap).collect()
}

fn contains(haystack: &[i16], needle: &[i16]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_follows_its_boards_calls_across_a_restart() {
    let mut server = Server::demo();
    let token = login(&server, "admin").await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Call>();
    let config = Config {
        server: server.base.clone(),
        board: "B2".into(),
        token: PASSWORD.into(),
    };
    let follower = tokio::spawn(agent::follow(config.clone(), tx));
    let next = async |rx: &mut tokio::sync::mpsc::UnboundedReceiver<Call>| {
        tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("a call within 30 s")
            .expect("the agent runs")
    };
    // Call at L15 until the agent, connecting meanwhile, hears one.
    act(&server, &token, "L15", "open", None).await;
    act(&server, &token, "L01", "open", None).await;
    let mut issued = Vec::new();
    let first = loop {
        issued.push(issue(&server, "IMG-PASPOR-BARU").await.number);
        assert_eq!(
            act(&server, &token, "L15", "call-next", None)
                .await
                .status(),
            200
        );
        if let Ok(call) = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
            break call.expect("the agent runs");
        }
        assert!(issued.len() < 30, "the agent never heard a call");
    };
    assert!(issued.contains(&first.number), "{first:?}");
    // A call in zone A is not for board B2: the next it hears is zone B's.
    let zone_a = issue(&server, "DKP-KTP").await;
    let zone_b = issue(&server, "IMG-PASPOR-BARU").await;
    assert_eq!(
        act(&server, &token, "L01", "call-next", None)
            .await
            .status(),
        200
    );
    assert_eq!(
        act(&server, &token, "L15", "call-next", None)
            .await
            .status(),
        200
    );
    let mut call = next(&mut rx).await;
    while issued.contains(&call.number) {
        // A call made while the agent was connecting, heard late.
        call = next(&mut rx).await;
    }
    assert_eq!(
        (call.number.as_str(), call.counter.as_str()),
        (zone_b.number.as_str(), "L15"),
        "board B2 shows zone B only, not {}",
        zone_a.number
    );
    assert!(agent::now_ms() - call.made_ms < 60_000, "made just now");
    assert!(
        call.text.ends_with("silakan menuju loket lima belas"),
        "{}",
        call.text
    );
    assert_eq!(call.place, None, "its own zone: no place said");

    // The agent composes it from the clips and plays it with the player it is given
    // (here: a copy to a file).
    let out = tempfile::tempdir().unwrap();
    let played = out.path().join("played.wav");
    let player: Vec<String> = vec![
        "sh".into(),
        "-c".into(),
        format!("cat \"$0\" > '{}'", played.display()),
    ];
    let mut queue = Queue::new();
    queue.push(call.clone(), agent::now_ms());
    let turn = queue.next(agent::now_ms()).turn.unwrap();
    assert!(agent::describe(&turn).contains(&zone_b.number));
    let mut speaker = Speaker::new(&config).unwrap();
    speaker.say(&turn, &player).await.unwrap();
    let wav = samples(&std::fs::read(&played).unwrap());
    assert!(wav.len() > 3 * 16_000);
    // Every word of the call, in order: the server's clips are the built-in ones.
    let builtin = Clips::builtin();
    let mut at = 0;
    for word in antre_board::phrase::clip_names(&turn.parts) {
        let clip = builtin.get(word).unwrap();
        at += wav[at..]
            .windows(clip.len())
            .position(|w| w == clip)
            .unwrap_or_else(|| panic!("{word} missing after sample {at}"))
            + clip.len();
    }
    // Each clip once: one request per distinct word, none for the same call again.
    let (requests, bytes) = speaker.fetched();
    let mut words = antre_board::phrase::clip_names(&turn.parts);
    words.sort();
    words.dedup();
    assert_eq!(requests, words.len() as u64);
    assert!(bytes > 0);
    speaker.say(&turn, &player).await.unwrap();
    assert_eq!(
        speaker.fetched(),
        (requests, bytes),
        "nothing fetched twice"
    );

    // The server restarts on the same address; the agent reconnects and gets the calls
    // made meanwhile (since=SEQ), the recall included.
    let addr = server.addr.clone();
    server.terminate();
    let (data, _dir) = server.into_data();
    let server = Server::demo_at(&data, &addr);
    let token = login(&server, "admin").await;
    assert_eq!(
        act(&server, &token, "L15", "recall", None).await.status(),
        200
    );
    let later = issue(&server, "IMG-PASPOR-BARU").await;
    assert_eq!(
        act(&server, &token, "L16", "open", None).await.status(),
        200
    );
    assert_eq!(
        act(&server, &token, "L16", "call-next", None)
            .await
            .status(),
        200
    );
    let recall = next(&mut rx).await;
    assert!(recall.recall);
    assert_eq!(recall.number, zone_b.number);
    let call = next(&mut rx).await;
    assert_eq!(
        (call.number, call.counter),
        (later.number, "L16".to_string())
    );
    assert!(call.seq > recall.seq);
    follower.abort();

    // An unknown board is a clear error, not a silent agent.
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel::<Call>();
    let err = agent::follow(
        Config {
            server: server.base.clone(),
            board: "B9".into(),
            token: PASSWORD.into(),
        },
        tx,
    )
    .await
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("unknown board \"B9\""),
        "{err:#}"
    );
}

/// Lines a child process writes, collected as they come.
fn collect_lines(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Waits until `ok` holds for the lines, or panics after `limit`.
async fn wait_lines(
    lines: &Mutex<Vec<String>>,
    limit: Duration,
    what: &str,
    ok: impl Fn(&[String]) -> bool,
) {
    let deadline = Instant::now() + limit;
    loop {
        if ok(&lines.lock().unwrap()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:#?}",
            lines.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The opening of the day: 20 counters call within a second. The agent of the lobby
/// board says every call, in call order, one after the other, each with its place,
/// through a player that takes as long as the announcement lasts. Runs about two
/// minutes: 20 calls of 5–6 s each at the backlog's pace.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_says_a_whole_burst_in_order_at_the_players_pace() {
    let server = Server::demo();
    let token = login(&server, "admin").await;
    burst::prepare(&server, &token, &burst::COUNTERS).await;

    // The player: keeps a copy of the WAV, sleeps for as long as it lasts (16 kHz,
    // 16-bit mono: 32,000 bytes a second after the 44-byte header), and logs the file's
    // name (it carries the call's number) with when it started and ended.
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().display().to_string();
    let script = out.path().join("player.sh");
    std::fs::write(
        &script,
        format!(
            r#"f="$1"
size=$(wc -c < "$f")
start=$(date +%s.%N)
cp "$f" '{dir}/'
sleep $(awk -v s="$size" 'BEGIN {{ printf "%.3f", (s - 44) / 32000 }}')
echo "$(basename "$f") $start $(date +%s.%N)" >> '{dir}/played.log'
"#
        ),
    )
    .unwrap();
    let log = out.path().join("played.log");
    let played = || -> Vec<(String, String, f64, f64)> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let mut f = l.split(' ');
                let file = f.next().unwrap().to_string();
                let number = file.split('-').nth(1).unwrap().to_string();
                let start = f.next().unwrap().parse().unwrap();
                let end = f.next().unwrap().parse().unwrap();
                (number, file, start, end)
            })
            .collect()
    };

    let mut child = Command::new(env!("CARGO_BIN_EXE_antre-board"))
        .args([
            "--server",
            &server.base,
            "--board",
            "B3",
            "--token",
            PASSWORD,
        ])
        .arg("--player")
        .arg(format!("sh {}", script.display()))
        .env("RUST_LOG", "antre_board=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let said = collect_lines(child.stdout.take().unwrap());

    // Warm-up: L21 calls until the agent, connecting meanwhile, says one.
    act(&server, &token, "L21", "open", None).await;
    for _ in 0..30 {
        issue(&server, "BPJSTK-JHT").await;
        assert_eq!(
            act(&server, &token, "L21", "call-next", None)
                .await
                .status(),
            200
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        if !said.lock().unwrap().is_empty() {
            break;
        }
    }
    // Everything the agent heard of it is said before the burst, and a pause longer
    // than a run's window makes the burst a run of its own.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let heard = said.lock().unwrap().len();
        if heard > 0 && played().len() == heard {
            break;
        }
        assert!(Instant::now() < deadline, "the warm-up was never said");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let warm_up = said.lock().unwrap().len();

    let order = burst::fire(&server, &token, &burst::COUNTERS).await;
    // Generous: twenty calls of a few seconds each on a busy machine.
    wait_lines(
        &said,
        Duration::from_secs(300),
        "the agent's console",
        |lines| lines.len() >= warm_up + 20,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while played().len() < warm_up + 20 {
        assert!(Instant::now() < deadline, "the player: {:#?}", played());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = child.kill();
    let _ = child.wait();

    // The console: every call, in call order, each with where the counter is.
    let lines: Vec<String> = said.lock().unwrap()[warm_up..].to_vec();
    assert_eq!(lines.len(), 20, "{lines:#?}");
    for (line, (number, counter)) in lines.iter().zip(&order) {
        assert!(
            line.starts_with(&format!("{number} → {counter}  Nomor antrian ")),
            "{line} (expected {number} at {counter}); all: {lines:#?}"
        );
        let place = if counter.as_str() <= "L14" {
            ", lantai satu"
        } else {
            ", lantai dua"
        };
        assert!(line.ends_with(place), "{line}");
        assert!(!line.contains("left out"), "{line}");
    }

    // The player: the same calls in the same order, one after the other, never two at
    // once; each WAV the call's composed announcement.
    let played = played()[warm_up..].to_vec();
    let numbers: Vec<&str> = played.iter().map(|p| p.0.as_str()).collect();
    let expected: Vec<&str> = order.iter().map(|o| o.0.as_str()).collect();
    assert_eq!(numbers, expected);
    for pair in played.windows(2) {
        assert!(
            pair[1].2 >= pair[0].3,
            "{} started before {} ended",
            pair[1].0,
            pair[0].0
        );
    }
    let builtin = Clips::builtin();
    let chime = builtin.get("chime").unwrap();
    let lantai = builtin.get("lantai").unwrap();
    for (i, ((number, file, _, _), (_, counter))) in played.iter().zip(&order).enumerate() {
        let wav = samples(&std::fs::read(out.path().join(file)).unwrap());
        // The chime opens the run once; the calls after it go straight to the number.
        assert_eq!(wav.starts_with(chime), i == 0, "{number}: chime");
        assert!(contains(&wav, lantai), "{number}: the place");
        let last = if counter.as_str() <= "L14" {
            "satu"
        } else {
            "dua"
        };
        assert!(
            wav.ends_with(builtin.get(last).unwrap()),
            "{number} ends with lantai {last}"
        );
    }
}
