//! The announcement clips and how they are joined into one WAV.
//!
//! Each clip is one word (or the chime). The built-in set is generated with espeak-ng
//! (`clips/generate.sh`) and embedded in the binary, so announcements work offline; a
//! site replaces any of them with recordings of a real voice by dropping WAV files of
//! the same names into a folder (`antre serve --clips DIR`).

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::phrase::Part;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/clips.rs"));
}

/// Samples per second of every clip and of the composed announcement. Speech needs no
/// more than 8 kHz of bandwidth, and 16 kHz keeps the clips small.
pub const RATE: u32 = 16_000;

/// Silence between two words: short enough to sound like one sentence, long enough
/// that clips recorded separately do not run into each other.
const WORD_GAP_MS: u32 = 50;

/// Longest clip accepted from a site's folder: a word, or a chime, never a minute.
const MAX_CLIP_SECONDS: u32 = 10;

/// A set of clips by name, as 16 kHz mono 16-bit samples.
#[derive(Debug, Clone, Default)]
pub struct Clips {
    clips: HashMap<String, Arc<[i16]>>,
}

impl Clips {
    /// The clips built into the binary.
    pub fn builtin() -> Clips {
        let clips = builtin::BUILTIN
            .iter()
            .map(|(name, bytes)| {
                let samples = decode(bytes).expect("built-in clips are valid WAVs");
                (name.to_string(), Arc::from(samples))
            })
            .collect();
        Clips { clips }
    }

    /// The built-in clips, with those of `dir` (`NAME.wav`, any rate, mono or stereo)
    /// in place of the ones of the same name. Returns the clips and the names taken
    /// from `dir`; an unreadable file is an error naming it.
    pub fn with_folder(dir: &Path) -> anyhow::Result<(Clips, Vec<String>)> {
        let mut clips = Clips::builtin();
        let mut taken = Vec::new();
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the clips folder {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if !path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("wav"))
            {
                continue;
            }
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let samples = decode(&bytes).with_context(|| format!("clip {}", path.display()))?;
            let name = name.to_lowercase();
            clips.clips.insert(name.clone(), Arc::from(samples));
            taken.push(name);
        }
        taken.sort();
        Ok((clips, taken))
    }

    /// No clips: a board agent fills its set with those it fetches from the server.
    pub fn empty() -> Clips {
        Clips::default()
    }

    /// Adds (or replaces) the clip `name`.
    pub fn insert(&mut self, name: &str, samples: Vec<i16>) {
        self.clips.insert(name.to_string(), Arc::from(samples));
    }

    pub fn contains(&self, name: &str) -> bool {
        self.clips.contains_key(name)
    }

    pub fn len(&self) -> usize {
        self.clips.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&[i16]> {
        self.clips.get(name).map(|c| &c[..])
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.clips.keys().map(String::as_str).collect();
        names.sort();
        names
    }
}

/// A WAV file's audio as 16 kHz mono 16-bit samples: channels are mixed, other rates
/// resampled, other sample formats converted.
pub fn decode(bytes: &[u8]) -> anyhow::Result<Vec<i16>> {
    let mut reader = hound::WavReader::new(Cursor::new(bytes)).context("not a WAV file")?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        bail!("a WAV file without channels or sample rate");
    }
    if reader.duration() > MAX_CLIP_SECONDS * spec.sample_rate {
        bail!("longer than {MAX_CLIP_SECONDS} s: a clip is one word");
    }
    if spec.sample_format == hound::SampleFormat::Int
        && spec.bits_per_sample == 16
        && spec.channels == 1
        && spec.sample_rate == RATE
    {
        // Already the composed format: taken sample for sample.
        return reader
            .samples::<i16>()
            .collect::<Result<_, _>>()
            .context("damaged WAV data");
    }
    let frames: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .context("damaged WAV data")?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|s| s as f32 * scale))
                .collect::<Result<_, _>>()
                .context("damaged WAV data")?
        }
    };
    let channels = usize::from(spec.channels);
    let mono: Vec<f32> = frames
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / channels as f32)
        .collect();
    let mono = resample(&mono, spec.sample_rate, RATE);
    Ok(mono
        .iter()
        .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)
        .collect())
}

/// Linear interpolation: plenty for speech going down to 16 kHz, and no dependency.
fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() {
        return input.to_vec();
    }
    let out_len = (input.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    let step = f64::from(from) / f64::from(to);
    (0..out_len)
        .map(|i| {
            let pos = i as f64 * step;
            let at = pos as usize;
            let frac = (pos - at as f64) as f32;
            let a = input[at.min(input.len() - 1)];
            let b = input[(at + 1).min(input.len() - 1)];
            a + (b - a) * frac
        })
        .collect()
}

/// A phrase made audible.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    pub samples: Vec<i16>,
    /// Clips the phrase needs but the set lacks (a counter name nobody recorded):
    /// left out, so the rest is still said.
    pub missing: Vec<String>,
}

fn silence(ms: u32) -> usize {
    (RATE * ms / 1000) as usize
}

/// Joins the clips of `parts` (a [`Phrase`](crate::Phrase)'s) with short gaps and its pauses.
pub fn compose(parts: &[Part], clips: &Clips) -> Composed {
    let mut samples = Vec::new();
    let mut missing = Vec::new();
    let mut previous_was_clip = false;
    for part in parts {
        match part {
            Part::Clip(name) => match clips.get(name) {
                Some(clip) => {
                    if previous_was_clip {
                        samples.resize(samples.len() + silence(WORD_GAP_MS), 0);
                    }
                    samples.extend_from_slice(clip);
                    previous_was_clip = true;
                }
                None => missing.push(name.clone()),
            },
            Part::Pause(ms) => {
                samples.resize(samples.len() + silence(*ms), 0);
                previous_was_clip = false;
            }
        }
    }
    Composed { samples, missing }
}

/// Samples as a 16 kHz mono 16-bit WAV file.
pub fn wav_bytes(samples: &[i16]) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    {
        let mut writer = hound::WavWriter::new(&mut out, spec).expect("writing to memory");
        let mut i16_writer = writer.get_i16_writer(samples.len() as u32);
        for &s in samples {
            i16_writer.write_sample(s);
        }
        i16_writer.flush().expect("writing to memory");
        writer.finalize().expect("writing to memory");
    }
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrase::{CHIME, call, letter_name};
    use crate::terbilang::{english, terbilang};

    /// Where `needle` occurs in `haystack` at or after `from`.
    fn find(haystack: &[i16], needle: &[i16], from: usize) -> Option<usize> {
        haystack[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    }

    #[test]
    fn every_word_an_announcement_can_need_is_built_in() {
        let clips = Clips::builtin();
        let mut needed: Vec<String> = vec![CHIME.into()];
        needed.extend(["nomor", "antrian", "silakan", "menuju", "loket"].map(String::from));
        needed.extend(('A'..='Z').map(|c| letter_name(c).unwrap().to_string()));
        needed.extend(["number", "please", "go", "to", "counter"].map(|w| format!("en-{w}")));
        needed.extend(('a'..='z').map(|c| format!("en-{c}")));
        for n in 0..=9999 {
            needed.extend(terbilang(n).split(' ').map(String::from));
            needed.extend(english(n).split([' ', '-']).map(|w| format!("en-{w}")));
        }
        needed.sort();
        needed.dedup();
        for word in needed {
            let clip = clips
                .get(&word)
                .unwrap_or_else(|| panic!("no clip {word:?}"));
            // A word lasts between a tenth of a second and two seconds.
            assert!(
                (RATE as usize / 10..2 * RATE as usize).contains(&clip.len()),
                "{word}: {} samples",
                clip.len()
            );
            assert!(
                clip.iter().any(|s| s.unsigned_abs() > 1000),
                "{word} is silent"
            );
        }
    }

    #[test]
    fn a_call_is_a_valid_wav_of_its_words_in_order() {
        let clips = Clips::builtin();
        let phrase = call("B215", "loket dua belas", "Loket 12").unwrap();
        let composed = compose(&phrase.parts, &clips);
        assert!(composed.missing.is_empty(), "{:?}", composed.missing);
        let wav = wav_bytes(&composed.samples);
        // Valid: hound reads back what was written, as 16 kHz mono 16-bit.
        let mut reader = hound::WavReader::new(Cursor::new(&wav)).unwrap();
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (1, RATE, 16)
        );
        let read: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        assert_eq!(read, composed.samples);
        // Not silent, and as long as a spoken sentence: 3–15 seconds.
        assert!(read.iter().any(|s| s.unsigned_abs() > 8000));
        let seconds = read.len() as f32 / RATE as f32;
        assert!((3.0..15.0).contains(&seconds), "{seconds} s");
        // Every clip's samples, in the order of the words.
        let words = phrase.clips();
        assert_eq!(
            words,
            [
                "chime", "nomor", "antrian", "be", "dua", "ratus", "lima", "belas", "silakan",
                "menuju", "loket", "dua", "belas"
            ]
        );
        let mut at = 0;
        for word in words {
            let clip = clips.get(word).unwrap();
            let found =
                find(&read, clip, at).unwrap_or_else(|| panic!("{word} missing after sample {at}"));
            at = found + clip.len();
        }
        // Nothing but silence after the last word.
        assert_eq!(at, read.len());

        // Both languages: the Indonesian words, then the English ones, all in order.
        let both = phrase.bilingual();
        let composed = compose(&both, &clips);
        assert!(composed.missing.is_empty(), "{:?}", composed.missing);
        let mut at = 0;
        for word in crate::phrase::clip_names(&both) {
            let clip = clips.get(word).unwrap();
            at = find(&composed.samples, clip, at)
                .unwrap_or_else(|| panic!("{word} missing after sample {at}"))
                + clip.len();
        }
        assert_eq!(at, composed.samples.len());
        assert!(composed.samples.len() > read.len() + 2 * RATE as usize);
    }

    #[test]
    fn a_missing_clip_is_reported_and_the_rest_said() {
        let clips = Clips::builtin();
        let phrase = call("A1", "meja informasi", "Meja Informasi").unwrap();
        let composed = compose(&phrase.parts, &clips);
        assert_eq!(composed.missing, ["meja", "informasi"]);
        let menuju = clips.get("menuju").unwrap();
        let at = find(&composed.samples, menuju, 0).unwrap();
        assert_eq!(at + menuju.len(), composed.samples.len());
    }

    #[test]
    fn a_sites_folder_replaces_clips_in_any_format() {
        let dir = tempfile::tempdir().unwrap();
        // A "recording" at 44.1 kHz stereo: a 440 Hz tone for half a second.
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(dir.path().join("Loket.wav"), spec).unwrap();
        for i in 0..22_050 {
            let s = ((i as f32 * 440.0 * std::f32::consts::TAU / 44_100.0).sin() * 20_000.0) as i16;
            w.write_sample(s).unwrap();
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a clip").unwrap();
        let (clips, taken) = Clips::with_folder(dir.path()).unwrap();
        assert_eq!(taken, ["loket"]);
        let loket = clips.get("loket").unwrap();
        // Half a second at 16 kHz, still loud, and different from the built-in one.
        assert!((7_990..=8_010).contains(&loket.len()), "{}", loket.len());
        assert!(loket.iter().any(|s| *s > 15_000));
        assert_ne!(loket, Clips::builtin().get("loket").unwrap());
        assert_eq!(clips.get("menuju"), Clips::builtin().get("menuju"));

        std::fs::write(dir.path().join("nomor.wav"), "RIFF junk").unwrap();
        let err = format!("{:#}", Clips::with_folder(dir.path()).unwrap_err());
        assert!(err.contains("nomor.wav"), "{err}");
        assert!(Clips::with_folder(&dir.path().join("nope")).is_err());
    }
}
