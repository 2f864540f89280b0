//! What the hall says for a call: the words, in order, and the texts shown beside them.

use crate::terbilang::{english, terbilang};

/// The chime that opens every announcement (a clip like the words).
pub const CHIME: &str = "chime";

/// One piece of an announcement: a clip to play, or a pause between phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A clip by name: a word (`"seratus"`), a letter (`"be"`) or [`CHIME`].
    Clip(String),
    /// Silence, in milliseconds.
    Pause(u32),
}

/// A call as spoken and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The Indonesian announcement: chime, then the words.
    pub parts: Vec<Part>,
    /// The English one, said after the Indonesian where a site wants it (clips named
    /// `en-WORD`); no chime of its own.
    pub parts_en: Vec<Part>,
    /// "Nomor antrian A seratus dua puluh tiga, silakan menuju loket tiga".
    pub text: String,
    /// "Number A one hundred twenty-three, please go to counter three".
    pub text_en: String,
}

impl Phrase {
    /// The clip names of the Indonesian announcement in the order they are played.
    pub fn clips(&self) -> Vec<&str> {
        clip_names(&self.parts)
    }

    /// Both languages: the Indonesian announcement, a pause, the English one.
    pub fn bilingual(&self) -> Vec<Part> {
        let mut parts = self.parts.clone();
        parts.push(Part::Pause(BETWEEN_LANGUAGES_MS));
        parts.extend(self.parts_en.iter().cloned());
        parts
    }
}

/// The parts as the wire writes them (`Announcement.clips`): a clip by its name, a
/// pause as `~MS`.
pub fn to_wire(parts: &[Part]) -> Vec<String> {
    parts
        .iter()
        .map(|p| match p {
            Part::Clip(c) => c.clone(),
            Part::Pause(ms) => format!("~{ms}"),
        })
        .collect()
}

/// The parts of a wire list (see [`to_wire`]); `None` for an entry that is neither a
/// clip name (lower-case letters, digits, `-`) nor a pause.
pub fn from_wire(entries: &[String]) -> Option<Vec<Part>> {
    entries
        .iter()
        .map(|e| match e.strip_prefix('~') {
            Some(ms) => ms.parse().ok().map(Part::Pause),
            None => is_clip_name(e).then(|| Part::Clip(e.clone())),
        })
        .collect()
}

/// A name a clip may have: what `GET /api/v1/clips/{name}.wav` serves.
pub fn is_clip_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Where a counter is, said after the call ("…, lantai dua"): a short pause, then the
/// words of the zone's spoken name.
pub fn place(spoken: &str) -> Vec<Part> {
    let mut parts = vec![Part::Pause(COMMA_MS)];
    parts.extend(spoken_words(spoken).into_iter().map(Part::Clip));
    parts
}

/// The clip names among `parts`, in order.
pub fn clip_names(parts: &[Part]) -> Vec<&str> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Clip(c) => Some(c.as_str()),
            Part::Pause(_) => None,
        })
        .collect()
}

/// After the chime, before the voice: lets the hall turn its heads.
const AFTER_CHIME_MS: u32 = 400;
/// At the comma between the number and the counter.
const COMMA_MS: u32 = 300;
/// Between the Indonesian and the English announcement: a new sentence.
const BETWEEN_LANGUAGES_MS: u32 = 700;

/// The clip of an English word: `en-` and the word.
fn en(word: &str) -> Part {
    Part::Clip(format!("en-{}", word.to_lowercase()))
}

/// English words as clips: "twenty-three" is said as "twenty", "three".
fn en_words(text: &str) -> impl Iterator<Item = Part> + '_ {
    text.split([' ', '-']).filter(|w| !w.is_empty()).map(en)
}

/// How Indonesians say a letter of the alphabet: B "be", K "ka", Q "ki", W "we".
pub fn letter_name(c: char) -> Option<&'static str> {
    Some(match c.to_ascii_uppercase() {
        'A' => "a",
        'B' => "be",
        'C' => "ce",
        'D' => "de",
        'E' => "e",
        'F' => "ef",
        'G' => "ge",
        'H' => "ha",
        'I' => "i",
        'J' => "je",
        'K' => "ka",
        'L' => "el",
        'M' => "em",
        'N' => "en",
        'O' => "o",
        'P' => "pe",
        'Q' => "ki",
        'R' => "er",
        'S' => "es",
        'T' => "te",
        'U' => "u",
        'V' => "fe",
        'W' => "we",
        'X' => "eks",
        'Y' => "ye",
        'Z' => "zet",
        _ => return None,
    })
}

/// A ticket number split into its letters and its value: `"AB007"` → `("AB", 7)`.
/// `None` unless it is 1–3 letters followed by 1–6 digits.
pub fn split_number(number: &str) -> Option<(&str, u32)> {
    let digits_at = number.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = number.split_at(digits_at);
    let ok = (1..=3).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && (1..=6).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then(|| (letters, digits.parse().expect("checked digits")))
}

/// The words a counter's spoken name is made of ("loket dua belas"), lower case.
pub fn spoken_words(spoken_name: &str) -> Vec<String> {
    spoken_name
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// How the English text names a counter: "Loket 3" → "counter three"; a name without
/// a number is kept as it is.
pub fn counter_in_english(name: &str) -> String {
    let last = name.split_whitespace().last().unwrap_or("");
    match last.parse::<u32>() {
        Ok(n) => format!("counter {}", english(n)),
        Err(_) => name.to_string(),
    }
}

/// The announcement of ticket `number` called to a counter that is said
/// `spoken_counter` ("loket tiga") and written `counter_name` ("Loket 3"). `None` when
/// the number is not a ticket number.
pub fn call(number: &str, spoken_counter: &str, counter_name: &str) -> Option<Phrase> {
    let (letters, value) = split_number(number)?;
    let number_words = terbilang(value);
    let counter_words = spoken_words(spoken_counter);
    let mut parts = vec![
        Part::Clip(CHIME.into()),
        Part::Pause(AFTER_CHIME_MS),
        Part::Clip("nomor".into()),
        Part::Clip("antrian".into()),
    ];
    for c in letters.chars() {
        parts.push(Part::Clip(letter_name(c)?.into()));
    }
    parts.extend(number_words.split(' ').map(|w| Part::Clip(w.into())));
    parts.push(Part::Pause(COMMA_MS));
    parts.push(Part::Clip("silakan".into()));
    parts.push(Part::Clip("menuju".into()));
    parts.extend(counter_words.iter().map(|w| Part::Clip(w.clone())));
    let spaced: Vec<String> = letters
        .chars()
        .map(|c| c.to_ascii_uppercase().to_string())
        .collect();
    let spaced = spaced.join(" ");
    let counter_en = counter_in_english(counter_name);
    let mut parts_en = vec![en("number")];
    parts_en.extend(letters.chars().map(|c| en(&c.to_string())));
    parts_en.extend(en_words(&english(value)));
    parts_en.push(Part::Pause(COMMA_MS));
    parts_en.extend(["please", "go", "to"].map(en));
    parts_en.extend(en_words(&counter_en));
    Some(Phrase {
        parts,
        parts_en,
        text: format!(
            "Nomor antrian {spaced} {number_words}, silakan menuju {}",
            counter_words.join(" ")
        ),
        text_en: format!(
            "Number {spaced} {}, please go to {counter_en}",
            english(value),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_of_the_design() {
        let p = call("A123", "loket tiga", "Loket 3").unwrap();
        assert_eq!(
            p.text,
            "Nomor antrian A seratus dua puluh tiga, silakan menuju loket tiga"
        );
        assert_eq!(
            p.text_en,
            "Number A one hundred twenty-three, please go to counter three"
        );
        assert_eq!(
            p.clips(),
            [
                "chime", "nomor", "antrian", "a", "seratus", "dua", "puluh", "tiga", "silakan",
                "menuju", "loket", "tiga"
            ]
        );
        assert_eq!(
            clip_names(&p.parts_en),
            [
                "en-number",
                "en-a",
                "en-one",
                "en-hundred",
                "en-twenty",
                "en-three",
                "en-please",
                "en-go",
                "en-to",
                "en-counter",
                "en-three"
            ]
        );
        let both = p.bilingual();
        assert_eq!(clip_names(&both).len(), p.clips().len() + 11);
        assert_eq!(both[p.parts.len()], Part::Pause(BETWEEN_LANGUAGES_MS));
        // A pause after the chime and one at the comma.
        assert_eq!(p.parts[1], Part::Pause(AFTER_CHIME_MS));
        let comma = p.parts.iter().position(|x| *x == Part::Pause(COMMA_MS));
        assert_eq!(p.parts[comma.unwrap() + 1], Part::Clip("silakan".into()));
    }

    #[test]
    fn letters_zeros_and_counter_names() {
        let p = call("KQ007", "Loket Dua Belas", "Loket 12").unwrap();
        assert_eq!(
            p.text,
            "Nomor antrian K Q tujuh, silakan menuju loket dua belas"
        );
        assert_eq!(p.text_en, "Number K Q seven, please go to counter twelve");
        assert_eq!(
            &p.clips()[3..6],
            ["ka", "ki", "tujuh"],
            "letters by their Indonesian names, no 'nol' for leading zeros"
        );
        assert_eq!(&p.clips()[8..], ["loket", "dua", "belas"]);
        let p = call("W1000", "meja informasi", "Meja Informasi").unwrap();
        assert!(p.text.ends_with("seribu, silakan menuju meja informasi"));
        assert!(p.text_en.ends_with("please go to Meja Informasi"));
    }

    #[test]
    fn parts_go_over_the_wire_and_back() {
        let p = call("A123", "loket tiga", "Loket 3").unwrap();
        let wire = to_wire(&p.parts);
        assert_eq!(&wire[..3], ["chime", "~400", "nomor"]);
        assert_eq!(from_wire(&wire), Some(p.parts));
        assert_eq!(from_wire(&["../etc".to_string()]), None);
        assert_eq!(from_wire(&["~x".to_string()]), None);
        assert_eq!(
            to_wire(&place("Lantai Dua")),
            ["~300", "lantai", "dua"],
            "a pause, then the words"
        );
    }

    #[test]
    fn every_letter_has_a_name() {
        let names: Vec<&str> = ('A'..='Z').map(|c| letter_name(c).unwrap()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 26, "{names:?}");
        assert_eq!(letter_name('y'), Some("ye"));
        assert_eq!(letter_name('1'), None);
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in ["", "123", "A", "ABCD1", "A12345678", "A1B", "Ä12", "A-12"] {
            assert_eq!(call(bad, "loket satu", "Loket 1"), None, "{bad:?}");
        }
        assert_eq!(split_number("AD042"), Some(("AD", 42)));
    }
}
