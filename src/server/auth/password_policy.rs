//! Password policy in the spirit of NIST SP 800-63B: a minimum length, no composition rules,
//! and a refusal of passwords that are easy to guess (common, personal or trivial ones).
//!
//! Checks run in this order and the first failing one is reported: length, common list,
//! personal data, trivial patterns. All comparisons are case-insensitive; lengths count
//! characters, not bytes.

/// Shortest accepted password, in characters.
pub const MIN_LEN: usize = 12;
/// Longest accepted password, in characters.
pub const MAX_LEN: usize = 256;

/// Common passwords, one lowercase entry per line.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");
/// Parts of the e-mail local part or display name shorter than this are not checked.
const MIN_NAME_PART_CHARS: usize = 4;
/// A whole e-mail local part shorter than this is not checked.
const MIN_LOCAL_PART_CHARS: usize = 3;
/// Longest block whose repetition makes up a trivial password ("aaaa…", "abab…", "123123…").
const MAX_REPEATED_BLOCK: usize = 4;
/// Sequences of which a straight run (forwards or backwards, wrapping around) is trivial:
/// digits, the alphabet and the letter rows of German and US keyboards, read row after row.
const SEQUENCES: &[&str] = &[
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertzuiopasdfghjklyxcvbnm",
    "qwertzuiopüasdfghjklöäyxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
];

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    /// The password is on the list of common passwords.
    Common,
    /// The password contains the user's e-mail local part or a part of their name.
    ContainsPersonalData,
    /// The password repeats a short block or is a straight run of a keyboard, alphabet or
    /// digit sequence.
    Trivial,
}

/// Checks a new password of the user with the given e-mail address and display name.
pub fn check_password(
    password: &str,
    email: &str,
    display_name: &str,
) -> Result<(), PasswordProblem> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(PasswordProblem::TooShort { min: MIN_LEN });
    }
    if len > MAX_LEN {
        return Err(PasswordProblem::TooLong { max: MAX_LEN });
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        return Err(PasswordProblem::Common);
    }
    if contains_personal_data(&lower, email, display_name) {
        return Err(PasswordProblem::ContainsPersonalData);
    }
    if is_trivial(&lower) {
        return Err(PasswordProblem::Trivial);
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    common_passwords().any(|common| common == lower)
}

fn common_passwords() -> impl Iterator<Item = &'static str> {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
}

/// True if the password contains the whole e-mail local part (at least three characters), or
/// any part of at least four characters of the local part or the display name. Local parts
/// are split on `.`, `-`, `_` and `+`, display names on whitespace, `-` and `.`.
fn contains_personal_data(lower: &str, email: &str, display_name: &str) -> bool {
    let email = email.trim().to_lowercase();
    let local = email
        .rsplit_once('@')
        .map_or(email.as_str(), |(local, _)| local);
    if local.chars().count() >= MIN_LOCAL_PART_CHARS && lower.contains(local) {
        return true;
    }
    let local_parts = local.split(['.', '-', '_', '+']);
    let name = display_name.to_lowercase();
    let name_parts = name.split(|c: char| c.is_whitespace() || c == '-' || c == '.');
    local_parts
        .chain(name_parts)
        .filter(|part| part.chars().count() >= MIN_NAME_PART_CHARS)
        .any(|part| lower.contains(part))
}

fn is_trivial(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    is_repeated_block(&chars)
        || SEQUENCES
            .iter()
            .any(|sequence| is_straight_run(&chars, sequence))
}

/// True if the text is a block of at most `MAX_REPEATED_BLOCK` characters repeated (the last
/// repetition may be cut short), e.g. "aaaaaaaaaaaa" or "abcabcabcabca".
fn is_repeated_block(chars: &[char]) -> bool {
    (1..=MAX_REPEATED_BLOCK)
        .filter(|&block| block < chars.len())
        .any(|block| {
            chars
                .iter()
                .enumerate()
                .all(|(i, c)| *c == chars[i % block])
        })
}

/// True if every character of the text is the successor (or every one the predecessor) of
/// the one before it in `sequence`, which wraps around ("…7890123…", "…xyzabc…").
fn is_straight_run(chars: &[char], sequence: &str) -> bool {
    let sequence: Vec<char> = sequence.chars().collect();
    let n = sequence.len();
    let positions: Option<Vec<usize>> = chars
        .iter()
        .map(|c| sequence.iter().position(|s| s == c))
        .collect();
    let Some(positions) = positions else {
        return false;
    };
    [1, n - 1].into_iter().any(|step| {
        positions
            .windows(2)
            .all(|pair| (pair[0] + step) % n == pair[1])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "juergen.weiss@stadt-beispiel.de";
    const NAME: &str = "Jürgen Weiß-Schröder";

    fn check(password: &str) -> Result<(), PasswordProblem> {
        check_password(password, EMAIL, NAME)
    }

    #[test]
    fn good_passwords_are_accepted() {
        for password in [
            "Grüne Gurken tanzen im Rathaus",
            "korrekt Pferd Batterie Heftklammer",
            "Wz7#pLq9!mNv",
            "Müßiggänger!",
            "mein hund heißt bello und frisst gern wurst",
            "Alles Bockwurst 2024",
        ] {
            assert_eq!(check(password), Ok(()), "{password}");
        }
        // Short name parts are not personal data.
        assert_eq!(
            check_password("Alles Bockwurst 2024", "al@x.de", "Al Bo"),
            Ok(())
        );
    }

    #[test]
    fn too_short_counts_characters() {
        assert_eq!(check(""), Err(PasswordProblem::TooShort { min: MIN_LEN }));
        assert_eq!(
            check("Kurz&gut"),
            Err(PasswordProblem::TooShort { min: MIN_LEN })
        );
        // 11 characters but 14 bytes.
        assert_eq!(
            check("Müßiggänge!"),
            Err(PasswordProblem::TooShort { min: MIN_LEN })
        );
    }

    #[test]
    fn too_long_counts_characters() {
        let phrase = "Grüne Gurken tanzen im Rathaus ";
        let long: String = phrase.chars().cycle().take(MAX_LEN + 1).collect();
        assert_eq!(check(&long), Err(PasswordProblem::TooLong { max: MAX_LEN }));
        let longest: String = phrase.chars().cycle().take(MAX_LEN).collect();
        assert!(longest.len() > MAX_LEN, "more bytes than characters");
        assert_eq!(check(&longest), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_case_insensitively() {
        for password in [
            "passwort1234",
            "Passwort1234",
            "SOMMER2024!!",
            "Hallo1234567",
        ] {
            assert_eq!(check(password), Err(PasswordProblem::Common), "{password}");
        }
        // On the list and trivial: the list is checked first.
        assert_eq!(check("123456789012"), Err(PasswordProblem::Common));
    }

    #[test]
    fn common_list_is_sane() {
        let entries: Vec<&str> = common_passwords().collect();
        assert!(entries.len() >= 150, "only {} entries", entries.len());
        let unique: std::collections::HashSet<&str> = entries.iter().copied().collect();
        assert_eq!(unique.len(), entries.len(), "duplicates in the list");
        for entry in entries {
            assert!(entry.chars().count() >= MIN_LEN, "too short: {entry}");
            assert_eq!(entry, entry.to_lowercase(), "not lowercase: {entry}");
            assert_eq!(
                check_password(entry, "", ""),
                Err(PasswordProblem::Common),
                "{entry}"
            );
        }
    }

    #[test]
    fn personal_data_is_refused() {
        for password in [
            "Juergen.Weiss@home!",    // whole local part
            "ich bin der JUERGEN 77", // local part piece
            "MeinNameIstSchröder!",   // name part after '-'
            "grosse weiße wolke 7",   // name part "weiß", case-insensitive
            "jürgen fährt fahrrad",   // first name
        ] {
            assert_eq!(
                check(password),
                Err(PasswordProblem::ContainsPersonalData),
                "{password}"
            );
        }
        // A three-character local part counts as a whole.
        assert_eq!(
            check_password("Tomatensuppe mit abc", "abc@stadt.de", ""),
            Err(PasswordProblem::ContainsPersonalData)
        );
    }

    #[test]
    fn trivial_passwords_are_refused() {
        for password in [
            "aaaaaaaaaaaa",
            "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄ",
            "abababababab",
            "abcabcabcabca",
            "ABCDEFGHIJKLMN",
            "qwertzuiopas",
            "QWERTYUIOPASDF",
            "lkjhgfdsapoiu",
            "qwertzuiopüasdf",
            "9876543210987",
            "2345678901234",
            "xyzabcdefghij",
        ] {
            assert_eq!(check(password), Err(PasswordProblem::Trivial), "{password}");
        }
        // Counting characters: 256 'ä' are 512 bytes but not too long, just trivial.
        assert_eq!(check(&"ä".repeat(MAX_LEN)), Err(PasswordProblem::Trivial));
        // Runs with a break are not trivial.
        assert_eq!(check("abcdefghijkl1"), Ok(()));
        assert_eq!(check("abcdeabcdeab"), Ok(()));
    }
}
