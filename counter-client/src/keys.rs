//! The key map, shared by the terminal client and documented in docs/counter.md (the
//! page uses the same keys). Built for the numeric keypad: an officer keeps one hand
//! there and the other for the visitor's papers. The digits also work on the top row of
//! a laptop keyboard.

use crate::i18n::Lang;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    CallNext,
    Recall,
    Start,
    Complete,
    NoShow,
    Transfer,
    Hold,
    ResumeHeld,
    Pause,
    Resume,
    Open,
    Close,
    Language,
    Quit,
}

impl Cmd {
    /// Every command in the order the screen lists them.
    pub const ALL: [Cmd; 14] = [
        Cmd::CallNext,
        Cmd::Recall,
        Cmd::Start,
        Cmd::Complete,
        Cmd::NoShow,
        Cmd::Transfer,
        Cmd::Hold,
        Cmd::ResumeHeld,
        Cmd::Pause,
        Cmd::Resume,
        Cmd::Open,
        Cmd::Close,
        Cmd::Language,
        Cmd::Quit,
    ];

    /// The command of a typed character (`'\n'` stands for Enter).
    pub fn of_char(c: char) -> Option<Cmd> {
        Some(match c {
            '\n' | '+' => Cmd::CallNext,
            '.' | ',' => Cmd::Recall,
            '0' => Cmd::Start,
            '1' => Cmd::Complete,
            '2' => Cmd::NoShow,
            '3' => Cmd::Transfer,
            '4' => Cmd::Hold,
            '6' => Cmd::ResumeHeld,
            '7' => Cmd::Pause,
            '8' => Cmd::Resume,
            '/' => Cmd::Open,
            '*' => Cmd::Close,
            '-' => Cmd::Language,
            'q' => Cmd::Quit,
            _ => return None,
        })
    }

    /// The key as printed beside the command.
    pub fn key(self) -> &'static str {
        match self {
            Cmd::CallNext => "Enter/+",
            Cmd::Recall => ".",
            Cmd::Start => "0",
            Cmd::Complete => "1",
            Cmd::NoShow => "2",
            Cmd::Transfer => "3",
            Cmd::Hold => "4",
            Cmd::ResumeHeld => "6",
            Cmd::Pause => "7",
            Cmd::Resume => "8",
            Cmd::Open => "/",
            Cmd::Close => "*",
            Cmd::Language => "-",
            Cmd::Quit => "q",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            Cmd::CallNext => ("Panggil berikutnya", "Call next"),
            Cmd::Recall => ("Panggil ulang", "Recall"),
            Cmd::Start => ("Mulai layani", "Start serving"),
            Cmd::Complete => ("Selesai", "Complete"),
            Cmd::NoShow => ("Tidak hadir", "No-show"),
            Cmd::Transfer => ("Alihkan", "Transfer"),
            Cmd::Hold => ("Tahan", "Hold"),
            Cmd::ResumeHeld => ("Lanjutkan tiket ditahan", "Resume held ticket"),
            Cmd::Pause => ("Istirahat", "Break"),
            Cmd::Resume => ("Selesai istirahat", "End break"),
            Cmd::Open => ("Buka loket", "Open counter"),
            Cmd::Close => ("Tutup loket", "Close counter"),
            Cmd::Language => ("English", "Bahasa Indonesia"),
            Cmd::Quit => ("Keluar", "Quit"),
        };
        lang.pick(id, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_key_and_its_printed_key_maps_back() {
        for cmd in Cmd::ALL {
            let typed: Vec<char> = ('\n'..='~')
                .filter(|&c| Cmd::of_char(c) == Some(cmd))
                .collect();
            assert!(!typed.is_empty(), "{cmd:?} has no key");
            assert!(
                typed
                    .iter()
                    .any(|&c| cmd.key().contains(c) || (c == '\n' && cmd.key().contains("Enter"))),
                "{cmd:?}: {} vs {typed:?}",
                cmd.key()
            );
        }
        assert_eq!(Cmd::of_char('9'), None);
    }
}
