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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    De,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "de" => Some(Locale::De),
            "en" => Some(Locale::En),
            _ => None,
        }
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

    /// A calendar date as people write it in this language: 26.11.2026 or 26 Nov 2026.
    pub fn format_date(self, date: Date) -> String {
        const MONTHS_EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        match self {
            Locale::De => format!("{:02}.{:02}.{}", date.day, date.month, date.year),
            Locale::En => format!(
                "{} {} {}",
                date.day,
                MONTHS_EN[usize::from(date.month.clamp(1, 12)) - 1],
                date.year
            ),
        }
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date of a day number counted from 1970-01-01 (H. Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 of this date (inverse of `from_days`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// ISO 8601: 2026-11-26.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Parses "2026-11-26" (what a date field sends); None for anything else or a day that
    /// does not exist.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        ((1900..=9999).contains(&year) && Date::from_days(date.to_days()) == date).then_some(date)
    }

    /// The same day `months` later; the 31st becomes the month's last day where needed.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let (year, month) = ((total / 12) as i32, (total % 12 + 1) as u8);
        let mut day = self.day;
        while day > 28 && Date::from_days(Date { year, month, day }.to_days()).month != month {
            day -= 1;
        }
        Date { year, month, day }
    }

    /// The calendar date in Germany (Europe/Berlin, with daylight saving time) at a unix time.
    pub fn in_germany(unix_seconds: i64) -> Date {
        Date::from_days((unix_seconds + berlin_offset_seconds(unix_seconds)).div_euclid(86_400))
    }
}

/// "HH:MM" in Germany at a unix time.
pub fn time_in_germany(unix_seconds: i64) -> String {
    let local = unix_seconds + berlin_offset_seconds(unix_seconds);
    let secs = local.rem_euclid(86_400);
    format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// UTC offset of Europe/Berlin: +2 h from the last Sunday of March 01:00 UTC to the last Sunday
/// of October 01:00 UTC, +1 h otherwise (EU rule since 1996).
pub fn berlin_offset_seconds(unix_seconds: i64) -> i64 {
    let year = Date::from_days(unix_seconds.div_euclid(86_400)).year;
    let last_sunday = |month: u8| {
        let last = Date {
            year,
            month,
            day: 31,
        }
        .to_days();
        // 1970-01-01 was a Thursday; weekday 0 = Sunday.
        let weekday = (last + 4).rem_euclid(7);
        last - weekday
    };
    let start = last_sunday(3) * 86_400 + 3_600;
    let end = last_sunday(10) * 86_400 + 3_600;
    if (start..end).contains(&unix_seconds) {
        7_200
    } else {
        3_600
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every count reads right for 0, 1 and 2: the singular is its own sentence (not the plural
    /// with a 1 in it), zero takes the plural, and the number lands where `{n}` stood.
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
            ("", " Zertifikat läuft in den nächsten 60 Tagen ab")
        );
        assert_eq!(
            DE.dash_reminder_expiring.around(5),
            ("", " Zertifikate laufen in den nächsten 60 Tagen ab")
        );
    }

    /// A number may only enter a text as a count (`{n}`, which has both forms) or through a
    /// placeholder that never stands before a noun that changes with it. A new placeholder must
    /// be classified here before it can be used, so no "1 Probleme" slips in through it.
    #[test]
    fn numbers_enter_texts_only_as_counts() {
        const NOT_A_COUNT: &[&str] = &[
            "percent", // "{percent} %"
            "row", "column", "pos", "position", "page",
            "total", // "Zeile 3", "Seite 1 von 2", "Modul 1 von 1"
            "done", "points", // "{done} von {n} Modulen": the noun follows {n}
            "min", "max",
            "minutes", // "Zeichen", "Zeilen" of fixed limits; "Min." does not change
            "date", "time", "until", "version", "file", "value", "problem", "name", "course",
            "module", "unit", "code", "email", "target", "reason", "role", "org", "url", "title",
            "from", "to", "step",
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
        assert_eq!(
            Date::from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        let d = Date {
            year: 2026,
            month: 11,
            day: 26,
        };
        assert_eq!(d.to_days(), 20_783);
        assert_eq!(Date::from_days(20_783), d);
        assert_eq!(
            Date::from_days(
                Date {
                    year: 2024,
                    month: 2,
                    day: 29
                }
                .to_days()
            )
            .day,
            29
        );
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
    }

    #[test]
    fn german_dates_use_berlin_time() {
        // 2026-11-25 23:30 UTC is already 26.11. in Berlin (UTC+1 in winter).
        let t = Date {
            year: 2026,
            month: 11,
            day: 25,
        }
        .to_days()
            * 86_400
            + 23 * 3600
            + 1800;
        assert_eq!(Locale::De.format_date(Date::in_germany(t)), "26.11.2026");
        // 2026-07-01 22:30 UTC is 02.07. (UTC+2 in summer), 21:30 UTC still 01.07.
        let s = Date {
            year: 2026,
            month: 7,
            day: 1,
        }
        .to_days()
            * 86_400;
        assert_eq!(Date::in_germany(s + 22 * 3600 + 1800).day, 2);
        assert_eq!(Date::in_germany(s + 21 * 3600 + 1800).day, 1);
        // DST switch 2026: 29 March and 25 October at 01:00 UTC.
        let march = Date {
            year: 2026,
            month: 3,
            day: 29,
        }
        .to_days()
            * 86_400;
        assert_eq!(berlin_offset_seconds(march + 3_599), 3_600);
        assert_eq!(berlin_offset_seconds(march + 3_600), 7_200);
        let october = Date {
            year: 2026,
            month: 10,
            day: 25,
        }
        .to_days()
            * 86_400;
        assert_eq!(berlin_offset_seconds(october + 3_599), 7_200);
        assert_eq!(berlin_offset_seconds(october + 3_600), 3_600);
    }

    #[test]
    fn months_are_added_like_a_calendar() {
        let d = |y, m, day| Date {
            year: y,
            month: m,
            day,
        };
        assert_eq!(d(2026, 11, 26).add_months(24), d(2028, 11, 26));
        assert_eq!(d(2026, 1, 31).add_months(1), d(2026, 2, 28));
        assert_eq!(d(2027, 12, 31).add_months(2), d(2028, 2, 29));
        assert_eq!(d(2026, 11, 26).iso(), "2026-11-26");
    }

    #[test]
    fn english_dates_and_locale_parsing() {
        let d = Date {
            year: 2026,
            month: 11,
            day: 26,
        };
        assert_eq!(Locale::En.format_date(d), "26 Nov 2026");
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
