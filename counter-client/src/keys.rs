//! The key map, shared by the terminal client and documented in docs/counter.md (the
//! page uses the same keys). Built for the numeric keypad: an officer keeps one hand
//! there and the other for the visitor's papers. The digits also work on the top row of
//! a laptop keyboard. Every key of the keypad has its command; cancelling a ticket
//! (supervisors and admins only, and never undone) is on `x`, off the keypad, so it is
//! never pressed by a slip of the hand.

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
    /// Call a particular waiting ticket (out of turn with a reason).
    CallTicket,
    ResumeHeld,
    Pause,
    Resume,
    /// Put a no-show back in line.
    Reinstate,
    /// Check a booking in by its code: its ticket joins the line.
    CheckIn,
    Open,
    Close,
    /// Withdraw a ticket (supervisors and admins).
    CancelTicket,
    Language,
    Quit,
}

impl Cmd {
    /// Every command in the order the screen lists them.
    pub const ALL: [Cmd; 18] = [
        Cmd::CallNext,
        Cmd::Recall,
        Cmd::Start,
        Cmd::Complete,
        Cmd::NoShow,
        Cmd::Transfer,
        Cmd::Hold,
        Cmd::CallTicket,
        Cmd::ResumeHeld,
        Cmd::Pause,
        Cmd::Resume,
        Cmd::Reinstate,
        Cmd::CheckIn,
        Cmd::Open,
        Cmd::Close,
        Cmd::CancelTicket,
        Cmd::Language,
        Cmd::Quit,
    ];

    /// Whether the command is for supervisors and admins only.
    pub fn floor_only(self) -> bool {
        self == Cmd::CancelTicket
    }

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
            '5' => Cmd::CallTicket,
            '6' => Cmd::ResumeHeld,
            '7' => Cmd::Pause,
            '8' => Cmd::Resume,
            '9' => Cmd::Reinstate,
            '/' => Cmd::Open,
            '*' => Cmd::Close,
            'x' => Cmd::CancelTicket,
            'b' => Cmd::CheckIn,
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
            Cmd::CallTicket => "5",
            Cmd::ResumeHeld => "6",
            Cmd::Pause => "7",
            Cmd::Resume => "8",
            Cmd::Reinstate => "9",
            Cmd::Open => "/",
            Cmd::Close => "*",
            Cmd::CancelTicket => "x",
            Cmd::CheckIn => "b",
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
            Cmd::CallTicket => ("Panggil nomor tertentu", "Call a particular ticket"),
            Cmd::ResumeHeld => ("Lanjutkan tiket ditahan", "Resume held ticket"),
            Cmd::Pause => ("Istirahat", "Break"),
            Cmd::Resume => ("Selesai istirahat", "End break"),
            Cmd::Reinstate => ("Pulihkan tidak hadir", "Reinstate a no-show"),
            Cmd::CheckIn => ("Check-in booking", "Check in a booking"),
            Cmd::Open => ("Buka loket", "Open counter"),
            Cmd::Close => ("Tutup loket", "Close counter"),
            Cmd::CancelTicket => ("Batalkan tiket", "Cancel a ticket"),
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
        // Every key of the numeric keypad (with NumLock on) has its command.
        for key in "0123456789/*-+.\n".chars() {
            assert!(Cmd::of_char(key).is_some(), "{key:?}");
        }
        assert_eq!(Cmd::of_char('z'), None);
    }
}
