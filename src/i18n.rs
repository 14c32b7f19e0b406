//! UI languages. Strings come from `locales/*.toml` (see `build.rs`); German is the default.
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// A text built around a count `{n}`, in its singular and plural form (German and English both
/// have exactly these two; zero takes the plural: "0 Personen").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plural {
    pub one: &'static str,
    pub other: &'static str,
}

impl Plural {
    /// The form for `n`, with `{n}` still in it (for views that set the number apart).
    pub fn template(self, n: i64) -> &'static str {
        if n == 1 {
            self.one
        } else {
            self.other
        }
    }

    /// The text for `n`, with the number in place of `{n}`.
    pub fn of<N: TryInto<i64>>(self, n: N) -> String {
        let n = n.try_into().unwrap_or(i64::MAX);
        self.template(n).replace("{n}", &n.to_string())
    }

    /// The text for `n` split around the number: (before, after).
    pub fn around(self, n: i64) -> (&'static str, &'static str) {
        let template = self.template(n);
        template.split_once("{n}").unwrap_or((template, ""))
    }
}

/// Name of the cookie that stores the chosen UI language.
pub const LANG_COOKIE: &str = "lang";

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Locale {
    #[default]
    De,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        code.trim().parse().ok()
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::De => Locale::En,
            Locale::En => Locale::De,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::De => &DE,
            Locale::En => &EN,
        }
    }

    /// A moment (unix seconds) as its German calendar day and wall-clock time in this language.
    pub fn format_date_time(self, unix_seconds: i64) -> String {
        format!(
            "{} {}",
            self.format_date(Date::in_germany(unix_seconds)),
            time_in_germany(unix_seconds)
        )
    }

    /// A whole number with thousands separators: 2.000.000 or 2,000,000.
    pub fn format_count(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Locale::De => '.',
            Locale::En => ',',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        if n < 0 {
            out.insert(0, '-');
        }
        out
    }

    /// A calendar date as people write it in this language: 26.11.2026 or 26 Nov 2026.
    pub fn format_date(self, date: Date) -> String {
        const MONTHS_EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        match self {
            Locale::De => format!("{:02}.{:02}.{}", date.day(), date.month(), date.year()),
            Locale::En => format!(
                "{} {} {}",
                date.day(),
                MONTHS_EN[usize::try_from(date.month().clamp(1, 12) - 1).unwrap_or(0)],
                date.year()
            ),
        }
    }
}

/// A calendar date. The database keeps days since 1970-01-01 (`sqlx::Any` has no date type),
/// people see dates in Germany's time; jiff does the calendar and Europe/Berlin's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(jiff::civil::Date);

/// Europe/Berlin, compiled into the program: a server without a time zone database (a slim
/// container) still shows German time.
static BERLIN: jiff::tz::TimeZone = jiff::tz::get!("Europe/Berlin");

impl Date {
    pub const EPOCH: Date = Date::ymd(1970, 1, 1);

    /// A date known to exist (for constants and tests; an impossible one does not compile in a
    /// constant and panics elsewhere).
    pub const fn ymd(year: i16, month: i8, day: i8) -> Date {
        Date(jiff::civil::Date::constant(year, month, day))
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// The date of a day number counted from 1970-01-01; outside the calendar's range (the
    /// years -9999 to 9999) the nearest end.
    pub fn from_days(days: i64) -> Date {
        let date = jiff::Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| Date::EPOCH.0.checked_add(span).ok());
        Date(date.unwrap_or(if days < 0 {
            jiff::civil::Date::MIN
        } else {
            jiff::civil::Date::MAX
        }))
    }

    /// Days since 1970-01-01 of this date (inverse of `from_days`).
    pub fn to_days(self) -> i64 {
        self.0.duration_since(Date::EPOCH.0).as_hours() / 24
    }

    /// ISO 8601: 2026-11-26.
    pub fn iso(self) -> String {
        self.0.to_string()
    }

    /// Parses "2026-11-26" (what a date field sends); None for anything else, a day that does
    /// not exist, or a year outside 1900–9999.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let s = s.trim();
        // jiff also reads other ISO 8601 spellings ("20261126", "+002026-11-26"); a form or a
        // course file sends only this one.
        let shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let date: jiff::civil::Date = s.parse().ok().filter(|_| shape)?;
        (1900..=9999).contains(&date.year()).then_some(Date(date))
    }

    /// The same day `months` later; the 31st becomes the month's last day where needed.
    pub fn add_months(self, months: u32) -> Date {
        jiff::Span::new()
            .try_months(i64::from(months))
            .ok()
            .and_then(|span| self.0.checked_add(span).ok())
            .map_or(Date(jiff::civil::Date::MAX), Date)
    }

    /// The calendar date in Germany (Europe/Berlin, with daylight saving time) at a unix time.
    pub fn in_germany(unix_seconds: i64) -> Date {
        Date(berlin(unix_seconds).date())
    }
}

/// Wall-clock time in Germany at a unix time (out-of-range times are clamped).
fn berlin(unix_seconds: i64) -> jiff::civil::DateTime {
    let ts = jiff::Timestamp::from_second(unix_seconds).unwrap_or(if unix_seconds < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    });
    BERLIN.to_datetime(ts)
}

/// "HH:MM" in Germany at a unix time.
pub fn time_in_germany(unix_seconds: i64) -> String {
    let t = berlin(unix_seconds);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// UTC offset of Europe/Berlin at a unix time, in seconds (+3600 in winter, +7200 in summer).
pub fn berlin_offset_seconds(unix_seconds: i64) -> i64 {
    let ts = jiff::Timestamp::from_second(unix_seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    i64::from(BERLIN.to_offset(ts).seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every count reads right for 0, 1 and 2: the singular is its own sentence (not the plural
    /// with a 1 in it), zero takes the plural, and the number lands where `{n}` stood.
    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(Locale::De.format_count(2_000_000), "2.000.000");
        assert_eq!(Locale::En.format_count(2_000_000), "2,000,000");
        assert_eq!(Locale::De.format_count(999), "999");
        assert_eq!(Locale::De.format_count(1000), "1.000");
        assert_eq!(Locale::De.format_count(-12345), "-12.345");
        assert_eq!(Locale::De.format_count(0), "0");
    }

    #[test]
    fn every_count_has_its_singular_form() {
        for (locale, plurals) in [("de", DE_PLURALS), ("en", EN_PLURALS)] {
            assert!(plurals.len() >= 15, "{locale}: {} counts", plurals.len());
            for (key, p) in plurals {
                let (zero, one, two) = (p.of(0), p.of(1), p.of(2));
                assert!(
                    !one.contains("{n}") && !two.contains("{n}"),
                    "{locale} {key}"
                );
                assert!(two.contains('2'), "{locale} {key}: {two}");
                assert_eq!(zero, two.replace('2', "0"), "{locale} {key}");
                assert_ne!(
                    one,
                    two.replace('2', "1"),
                    "{locale} {key}: singular = plural"
                );
            }
        }
        assert_eq!(DE.users_count.of(1), "1 Person gefunden");
        assert_eq!(DE.users_count.of(2), "2 Personen gefunden");
        assert_eq!(
            DE.import_errors.of(1usize),
            "Die Datei kann nicht importiert werden (1 Problem). Es wurde nichts importiert."
        );
        assert_eq!(
            DE.dash_reminder_expiring.around(1),
            ("", " Zertifikat ist zur Auffrischung fällig")
        );
        assert_eq!(
            DE.dash_reminder_expiring.around(5),
            ("", " Zertifikate sind zur Auffrischung fällig")
        );
    }

    /// A number may only enter a text as a count (`{n}`, which has both forms) or through a
    /// placeholder that never stands before a noun that changes with it. A new placeholder must
    /// be classified here before it can be used, so no "1 Probleme" slips in through it.
    #[test]
    fn numbers_enter_texts_only_as_counts() {
        const NOT_A_COUNT: &[&str] = &[
            "percent", // "{percent} %"
            "row",
            "column",
            "pos",
            "position",
            "page",
            "total", // "Zeile 3", "Seite 1 von 2", "Modul 1 von 1"
            "done",
            "points", // "{done} von {n} Modulen": the noun follows {n}
            "min",
            "max",
            "minutes", // "Zeichen", "Zeilen" of fixed limits; "Min." does not change
            "date",
            "time",
            "until",
            "version",
            "file",
            "value",
            "problem",
            "name",
            "course",
            "module",
            "unit",
            "code",
            "email",
            "target",
            "reason",
            "role",
            "org",
            "url",
            "title",
            "area", // the Annex III area of a use case
            "from",
            "to",
            "step",
            "created", // "Neu angelegt: 3": the noun comes first
            "updated",
            "parent",
            "path",
            "count", // "Neue Organisationseinheiten (6)": no noun follows the number
            "new",
            "updated",
            "unchanged", // "12 neu, 3 geändert": adjectives do not inflect
            "field",
            "first",
            "second",
            "sent", // "{sent} versendet, {waiting} in der Warteschlange": the verb follows
            "waiting",
            "rows", // "etwa {rows} Zeilen": above 10,000, with separators, always plural
            "mb",   // "rund {mb} MB": a unit, no plural
        ];
        for (key, text) in DE_ALL.iter().chain(EN_ALL) {
            let mut rest = *text;
            while let Some(start) = rest.find('{') {
                let end = rest[start..]
                    .find('}')
                    .map(|e| start + e)
                    .unwrap_or(rest.len());
                let name = &rest[start + 1..end];
                assert!(
                    name == "n" || NOT_A_COUNT.contains(&name),
                    "{key}: placeholder {{{name}}} is not classified"
                );
                rest = &rest[end.min(rest.len())..];
                rest = rest.get(1..).unwrap_or("");
            }
        }
    }

    #[test]
    fn dates_round_trip_and_match_known_days() {
        assert_eq!(Date::from_days(0), Date::ymd(1970, 1, 1));
        let d = Date::ymd(2026, 11, 26);
        assert_eq!(d.to_days(), 20_783);
        assert_eq!(Date::from_days(20_783), d);
        assert_eq!(Date::from_days(Date::ymd(2024, 2, 29).to_days()).day(), 29);
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
    }

    #[test]
    fn german_dates_use_berlin_time() {
        // 2026-11-25 23:30 UTC is already 26.11. in Berlin (UTC+1 in winter).
        let t = Date::ymd(2026, 11, 25).to_days() * 86_400 + 23 * 3600 + 1800;
        assert_eq!(Locale::De.format_date(Date::in_germany(t)), "26.11.2026");
        // 2026-07-01 22:30 UTC is 02.07. (UTC+2 in summer), 21:30 UTC still 01.07.
        let s = Date::ymd(2026, 7, 1).to_days() * 86_400;
        assert_eq!(Date::in_germany(s + 22 * 3600 + 1800).day(), 2);
        assert_eq!(Date::in_germany(s + 21 * 3600 + 1800).day(), 1);
        // DST switch 2026: 29 March and 25 October at 01:00 UTC.
        let march = Date::ymd(2026, 3, 29).to_days() * 86_400;
        assert_eq!(berlin_offset_seconds(march + 3_599), 3_600);
        assert_eq!(berlin_offset_seconds(march + 3_600), 7_200);
        let october = Date::ymd(2026, 10, 25).to_days() * 86_400;
        assert_eq!(berlin_offset_seconds(october + 3_599), 7_200);
        assert_eq!(berlin_offset_seconds(october + 3_600), 3_600);
    }

    #[test]
    fn months_are_added_like_a_calendar() {
        let d = Date::ymd;
        assert_eq!(d(2026, 11, 26).add_months(24), d(2028, 11, 26));
        assert_eq!(d(2026, 1, 31).add_months(1), d(2026, 2, 28));
        assert_eq!(d(2027, 12, 31).add_months(2), d(2028, 2, 29));
        assert_eq!(d(2026, 11, 26).iso(), "2026-11-26");
    }

    #[test]
    fn only_plain_iso_dates_parse() {
        assert_eq!(
            Date::parse_iso(" 2026-11-26 "),
            Some(Date::ymd(2026, 11, 26))
        );
        for bad in [
            "2026-02-30",
            "20261126",
            "+002026-11-26",
            "2026-1-5",
            "1899-12-31",
            "x",
        ] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
        // Out-of-range day numbers and times clamp instead of failing.
        assert_eq!(Date::from_days(i64::MAX).year(), 9999);
        assert_eq!(Date::in_germany(i64::MIN).year(), -9999);
        assert_eq!(Date::ymd(9999, 12, 1).add_months(1).year(), 9999);
    }

    #[test]
    fn english_dates_and_locale_parsing() {
        let d = Date::ymd(2026, 11, 26);
        assert_eq!(Locale::En.format_date(d), "26 Nov 2026");
        assert_eq!(Locale::from_code(" EN "), Some(Locale::En));
        assert_eq!(Locale::from_code("de"), Some(Locale::De));
        assert_eq!(Locale::from_code("fr"), None);
        assert_eq!(Locale::En.code(), "en");
    }

    #[test]
    fn both_locales_translate_every_key() {
        assert_eq!(DE_ALL.len(), EN_ALL.len());
        for ((k1, _), (k2, _)) in DE_ALL.iter().zip(EN_ALL) {
            assert_eq!(k1, k2);
        }
        assert!(DE_ALL.iter().all(|(_, v)| !v.trim().is_empty()));
        assert!(EN_ALL.iter().all(|(_, v)| !v.trim().is_empty()));
    }
}
