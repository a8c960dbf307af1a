//! Hostile data: strings made of Typst's markup and code characters must come out as
//! text, verbatim, and leave the rest of the letter as written.
//!
//! The rule checked: every character of a data string appears, in order, in the laid-out
//! letter, except that CR LF, CR, LF and tab become spaces (the style's line rule) and
//! breakable spaces may become line ends. No-break spaces must survive as they are.

use super::{SAMPLE, body_text, options, sample_data, squeeze};
use crate::documents::Renderer;

/// How many letters to compile; each carries [`FIELDS`] distinct hostile strings.
const LETTERS: usize = 1_500;

/// The fields that receive hostile strings (JSON pointers into the sample data).
const FIELDS: [&str; 9] = [
    "/recipient/name",
    "/recipient/address/0",
    "/recipient/address/2",
    "/sender/name",
    "/reference",
    "/signature/name",
    "/invoices/0/number",
    "/invoices/1/description",
    "/invoices/0/description",
];

/// The pieces hostile strings are made of: Typst's special characters, comment and
/// escape openers, whitespace (tab, newline, CR, no-break spaces) and French letters.
const PIECES: &[&str] = &[
    "#",
    "*",
    "_",
    "$",
    "@",
    "<",
    ">",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "\\",
    "`",
    "'",
    "\"",
    "~",
    ":",
    "=",
    "-",
    "+",
    "/",
    ";",
    ",",
    ".",
    "!",
    "?",
    "%",
    "&",
    "|",
    "^",
    "\n",
    "\t",
    "\r\n",
    "\r",
    " ",
    "\u{a0}",
    "\u{202f}",
    "//",
    "/*",
    "*/",
    "```",
    "---",
    "--",
    "...",
    "#let",
    "#eval(",
    "#read(\"/etc/passwd\")",
    "#import \"@preview/x:0.1.0\"",
    "$x$",
    "<label>",
    "@ref",
    "= Titre",
    "- item",
    "+ item",
    "/ terme: def",
    "\\u{41}",
    "é",
    "è",
    "ê",
    "à",
    "â",
    "ç",
    "ù",
    "ô",
    "î",
    "ï",
    "ë",
    "œ",
    "æ",
    "É",
    "À",
    "Ç",
    "Œ",
    "«",
    "»",
    "’",
    "€",
    "a",
    "b",
    "m",
    "z",
];

/// SplitMix64: a tiny deterministic generator with a constant seed, so that a failure
/// reproduces exactly (no clock, no OS randomness).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn hostile_string(rng: &mut SplitMix64) -> String {
    let len = 1 + rng.below(24);
    (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect()
}

/// The style's line rule, as the template applies it.
fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\r', '\n', '\t'], " ")
}

/// Constant text of the first reminder, in reading order, each to appear exactly once.
const CONSTANTS: [&str; 5] = [
    "Objet\u{a0}: Rappel de règlement",
    // The salutation, checked with the next sentence: the closing repeats it.
    "Monsieur le Président, Sauf erreur ou omission de notre part, le règlement des factures suivantes",
    "sans doute",
    "Si votre paiement a été effectué entre-temps",
    "Nous vous prions d'agréer, Monsieur le Président, l'expression de nos salutations distinguées.",
];

#[test]
fn hostile_strings_appear_verbatim_and_leave_the_letter_intact() {
    let renderer = Renderer::embedded();
    let base = sample_data();
    let mut rng = SplitMix64(0x5EED_1E77_E125);
    let constants: Vec<String> = CONSTANTS.iter().map(|c| squeeze(c)).collect();

    for letter in 0..LETTERS {
        let mut data = base.clone();
        let mut expected = Vec::new();
        for (field, pointer) in FIELDS.iter().enumerate() {
            // Markers (ASCII capitals and digits, absent from the pieces) make the check
            // find this string at this place, not a substring of something else.
            let value = format!("Q{letter}K{field}<{}>K{field}Q", hostile_string(&mut rng));
            *data
                .pointer_mut(pointer)
                .expect("field exists in the letter data") = value.clone().into();
            expected.push(value);
        }

        let document = renderer
            .layout(SAMPLE, &data, &options())
            .unwrap_or_else(|e| {
                panic!("letter {letter} does not compile: {e}\ndata: {expected:#?}")
            });
        let text = squeeze(&body_text(&document));

        for value in &expected {
            let wanted = squeeze(&one_line(value));
            assert!(
                text.contains(&wanted),
                "letter {letter}: {value:?} not verbatim\nwanted {wanted:?}\nin {text:?}"
            );
        }
        let mut previous = 0;
        for constant in &constants {
            let found: Vec<usize> = text
                .match_indices(constant.as_str())
                .map(|(i, _)| i)
                .collect();
            assert_eq!(
                found.len(),
                1,
                "letter {letter}: {constant:?} appears {} times",
                found.len()
            );
            assert!(
                found[0] > previous,
                "letter {letter}: {constant:?} out of order"
            );
            previous = found[0];
        }
    }
}

#[test]
fn the_generator_is_deterministic_and_uses_every_kind_of_piece() {
    let mut a = SplitMix64(1);
    let mut b = SplitMix64(1);
    let strings: Vec<String> = (0..2_000).map(|_| hostile_string(&mut a)).collect();
    assert!(strings.iter().all(|s| *s == hostile_string(&mut b)));
    let all: String = strings.concat();
    for piece in ["#", "\\", "`", "$", "\n", "\t", "\u{a0}", "/*", "é", "Œ"] {
        assert!(all.contains(piece), "{piece:?} never generated");
    }
}
