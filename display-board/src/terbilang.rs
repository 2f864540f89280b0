//! Numbers as words: Indonesian (terbilang) and English.
//!
//! Ticket numbers are read the way people say them ("seratus dua puluh tiga"), never
//! digit by digit, so a visitor hears the number printed on the ticket in their head.

/// The largest number read as words; larger ones (never a ticket number) are read digit
/// by digit, which is still understandable.
pub const MAX_WORDS: u32 = 999_999;

const ONES_ID: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// `n` in Indonesian words: 0 "nol", 11 "sebelas", 123 "seratus dua puluh tiga", 1000
/// "seribu", 2026 "dua ribu dua puluh enam".
pub fn terbilang(n: u32) -> String {
    if n == 0 {
        return ONES_ID[0].to_string();
    }
    if n > MAX_WORDS {
        return digits(n, &ONES_ID);
    }
    let mut words: Vec<&str> = Vec::new();
    let thousands = n / 1000;
    match thousands {
        0 => {}
        // "seribu", but 11 000 is "sebelas ribu" and 21 000 "dua puluh satu ribu".
        1 => words.push("seribu"),
        t => {
            below_thousand(t, &mut words);
            words.push("ribu");
        }
    }
    below_thousand(n % 1000, &mut words);
    words.join(" ")
}

/// Words of 1–999 (nothing for 0), appended to `words`.
fn below_thousand(n: u32, words: &mut Vec<&'static str>) {
    let hundreds = n / 100;
    match hundreds {
        0 => {}
        1 => words.push("seratus"),
        h => {
            words.push(ONES_ID[h as usize]);
            words.push("ratus");
        }
    }
    let rest = n % 100;
    match rest {
        0 => {}
        1..=9 => words.push(ONES_ID[rest as usize]),
        10 => words.push("sepuluh"),
        11 => words.push("sebelas"),
        12..=19 => {
            words.push(ONES_ID[(rest - 10) as usize]);
            words.push("belas");
        }
        _ => {
            words.push(ONES_ID[(rest / 10) as usize]);
            words.push("puluh");
            if !rest.is_multiple_of(10) {
                words.push(ONES_ID[(rest % 10) as usize]);
            }
        }
    }
}

const ONES_EN: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS_EN: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// `n` in English words, as announcers say it: 123 "one hundred twenty-three".
pub fn english(n: u32) -> String {
    if n == 0 {
        return ONES_EN[0].to_string();
    }
    if n > MAX_WORDS {
        return digits(n, &ONES_EN);
    }
    let mut parts: Vec<String> = Vec::new();
    if n >= 1000 {
        parts.push(format!("{} thousand", english_below_thousand(n / 1000)));
    }
    if !n.is_multiple_of(1000) {
        parts.push(english_below_thousand(n % 1000));
    }
    parts.join(" ")
}

fn english_below_thousand(n: u32) -> String {
    let mut parts: Vec<String> = Vec::new();
    if n >= 100 {
        parts.push(format!("{} hundred", ONES_EN[(n / 100) as usize]));
    }
    let rest = (n % 100) as usize;
    match rest {
        0 => {}
        1..=19 => parts.push(ONES_EN[rest].to_string()),
        _ if rest.is_multiple_of(10) => parts.push(TENS_EN[rest / 10].to_string()),
        _ => parts.push(format!("{}-{}", TENS_EN[rest / 10], ONES_EN[rest % 10])),
    }
    parts.join(" ")
}

fn digits(n: u32, names: &[&str]) -> String {
    n.to_string()
        .bytes()
        .map(|d| names[usize::from(d - b'0')])
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// An independent reader of Indonesian number words, by the grammar
    ///
    /// ```text
    /// number    = "nol" | [thousands] [below1000]        (not both empty)
    /// thousands = "seribu" | below1000 "ribu"             (below1000 at least 2)
    /// below1000 = [hundreds] [tens]                       (not both empty)
    /// hundreds  = "seratus" | digit2 "ratus"
    /// tens      = "sepuluh" | "sebelas" | digit2 "belas" | digit2 "puluh" [digit1] | digit1
    /// ```
    ///
    /// with digit1 = satu…sembilan and digit2 = dua…sembilan. It knows nothing of how
    /// [`terbilang`] builds its words, and refuses anything out of shape ("satu ratus").
    fn parse(text: &str) -> Option<u32> {
        if text == "nol" {
            return Some(0);
        }
        let words: Vec<&str> = text.split(' ').collect();
        let mut at = 0;
        let mut total = 0;
        if words.first() == Some(&"seribu") {
            total = 1000;
            at = 1;
        } else if let Some(ribu) = words.iter().position(|w| *w == "ribu") {
            let mut inner = 0;
            let thousands = below1000(&words[..ribu], &mut inner)?;
            if inner != ribu || thousands < 2 {
                return None;
            }
            total = thousands * 1000;
            at = ribu + 1;
        }
        if at < words.len() {
            let mut inner = 0;
            total += below1000(&words[at..], &mut inner)?;
            if at + inner != words.len() {
                return None;
            }
        } else if total == 0 {
            return None;
        }
        Some(total)
    }

    fn digit(word: Option<&&str>, min: u32) -> Option<u32> {
        let d = match *word? {
            "satu" => 1,
            "dua" => 2,
            "tiga" => 3,
            "empat" => 4,
            "lima" => 5,
            "enam" => 6,
            "tujuh" => 7,
            "delapan" => 8,
            "sembilan" => 9,
            _ => return None,
        };
        (d >= min).then_some(d)
    }

    /// Reads a number 1–999 from the start of `words`, moving `at` past it.
    fn below1000(words: &[&str], at: &mut usize) -> Option<u32> {
        let mut value = 0;
        if words.get(*at) == Some(&"seratus") {
            value = 100;
            *at += 1;
        } else if let Some(d) = digit(words.get(*at), 2)
            && words.get(*at + 1) == Some(&"ratus")
        {
            value = d * 100;
            *at += 2;
        }
        match words.get(*at) {
            Some(&"sepuluh") => {
                value += 10;
                *at += 1;
            }
            Some(&"sebelas") => {
                value += 11;
                *at += 1;
            }
            w => {
                if let Some(d) = digit(w, 1) {
                    match words.get(*at + 1) {
                        Some(&"belas") if d >= 2 => {
                            value += 10 + d;
                            *at += 2;
                        }
                        Some(&"puluh") if d >= 2 => {
                            value += 10 * d;
                            *at += 2;
                            if let Some(o) = digit(words.get(*at), 1) {
                                value += o;
                                *at += 1;
                            }
                        }
                        Some(&"belas" | &"puluh" | &"ratus") => return None,
                        _ => {
                            value += d;
                            *at += 1;
                        }
                    }
                }
            }
        }
        (value > 0).then_some(value)
    }

    #[test]
    fn known_readings() {
        for (n, words) in [
            (0, "nol"),
            (1, "satu"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (123, "seratus dua puluh tiga"),
            (200, "dua ratus"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (1100, "seribu seratus"),
            (1111, "seribu seratus sebelas"),
            (2026, "dua ribu dua puluh enam"),
            (9999, "sembilan ribu sembilan ratus sembilan puluh sembilan"),
            (11_000, "sebelas ribu"),
            (21_000, "dua puluh satu ribu"),
            (100_000, "seratus ribu"),
            (101_000, "seratus satu ribu"),
        ] {
            assert_eq!(terbilang(n), words, "{n}");
        }
    }

    /// Every number 0–9999 follows the Indonesian rules, reads back to itself through
    /// the independent parser, and no two numbers sound the same.
    #[test]
    fn every_number_up_to_9999_follows_the_rules() {
        let mut seen: HashMap<String, u32> = HashMap::new();
        for n in 0..=9999u32 {
            let words = terbilang(n);
            let list: Vec<&str> = words.split(' ').collect();
            assert!(list.iter().all(|w| !w.is_empty()), "{n}: {words:?}");
            // "nol" only for zero itself.
            assert_eq!(list.contains(&"nol"), n == 0, "{n}: {words}");
            // The "se-" forms: never "satu puluh", "satu belas", "satu ratus", "satu ribu".
            for (a, b) in list.iter().zip(list.iter().skip(1)) {
                assert!(
                    !(*a == "satu" && ["puluh", "belas", "ratus", "ribu"].contains(b)),
                    "{n}: {words}"
                );
            }
            let (th, h, t, o) = (n / 1000, n / 100 % 10, n / 10 % 10, n % 10);
            assert_eq!(list.contains(&"seribu"), th == 1, "{n}: {words}");
            assert_eq!(list.contains(&"ribu"), th >= 2, "{n}: {words}");
            assert_eq!(list.contains(&"seratus"), h == 1, "{n}: {words}");
            assert_eq!(list.contains(&"ratus"), h >= 2, "{n}: {words}");
            assert_eq!(list.contains(&"sepuluh"), t == 1 && o == 0, "{n}: {words}");
            assert_eq!(list.contains(&"sebelas"), t == 1 && o == 1, "{n}: {words}");
            assert_eq!(list.contains(&"belas"), t == 1 && o >= 2, "{n}: {words}");
            assert_eq!(list.contains(&"puluh"), t >= 2, "{n}: {words}");
            // The last word says the ones (or the largest round unit).
            let last = *list.last().unwrap();
            if t != 1 && o != 0 {
                assert_eq!(last, ONES_ID[o as usize], "{n}: {words}");
            }
            assert_eq!(parse(&words), Some(n), "{n}: {words}");
            if let Some(other) = seen.insert(words.clone(), n) {
                panic!("{n} and {other} both read {words:?}");
            }
        }
    }

    #[test]
    fn the_parser_refuses_what_is_not_said() {
        for bad in [
            "satu ratus",
            "satu ribu",
            "satu puluh",
            "satu belas",
            "seratus seribu",
            "dua dua",
            "puluh",
            "sepuluh satu",
            "nol satu",
            "dua puluh seratus",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn english_readings() {
        for (n, words) in [
            (0, "zero"),
            (3, "three"),
            (13, "thirteen"),
            (20, "twenty"),
            (42, "forty-two"),
            (100, "one hundred"),
            (123, "one hundred twenty-three"),
            (1000, "one thousand"),
            (1205, "one thousand two hundred five"),
            (9999, "nine thousand nine hundred ninety-nine"),
        ] {
            assert_eq!(english(n), words, "{n}");
        }
    }

    #[test]
    fn huge_numbers_are_read_digit_by_digit() {
        assert_eq!(terbilang(1_000_000), "satu nol nol nol nol nol nol");
        assert_eq!(english(1_000_001), "one zero zero zero zero zero one");
    }
}
