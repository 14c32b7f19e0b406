//! German alphabetical order for names (DIN 5007-1: ä sorts with a, ß with ss, Ł with L), the
//! same wherever a list is sorted: SQL sorts by the key stored beside the name (bytewise, on
//! SQLite and PostgreSQL alike), Rust by the same key. Byte order put "Björn" before
//! "Bärbel" and Ö, Ü and Ł after Z.
use std::cmp::Ordering;

/// The sort key of a name: transliterated to ASCII (`deunicode`), lowercase, whitespace
/// collapsed. Bytewise order of keys is German alphabetical order.
pub fn key(name: &str) -> String {
    deunicode::deunicode(name)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares two names in German alphabetical order; equal keys fall back to the names.
pub fn compare(a: &str, b: &str) -> Ordering {
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// Sorts items by a name in German alphabetical order (stable).
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| (key(name(item)), name(item).to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_order() {
        let mut names = vec![
            "Zoe Zander",
            "Łukasz Nowak",
            "Björn Berg",
            "Özlem Yılmaz",
            "Bärbel Bauer",
            "Ulrike Ude",
            "Übel Ursula",
            "Anna Becker",
            "Strauß Sven",
            "Strausberg Stefan",
            "ärger Ärmel",
        ];
        sort_by_name(&mut names, |n| n);
        assert_eq!(
            names,
            vec![
                "Anna Becker",
                "ärger Ärmel",
                "Bärbel Bauer",
                "Björn Berg",
                "Łukasz Nowak",
                "Özlem Yılmaz",
                "Strausberg Stefan",
                "Strauß Sven",
                "Übel Ursula",
                "Ulrike Ude",
                "Zoe Zander",
            ]
        );
    }

    #[test]
    fn keys_ignore_case_and_spacing() {
        assert_eq!(key("  ÄRGER   ärger "), "arger arger");
        assert!(compare("Müller", "Mueller").is_ne());
        assert_eq!(key("Groß"), "gross");
    }
}
