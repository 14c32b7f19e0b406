//! What the mails say, in German or English (the person's language): plain text plus simple
//! accessible HTML with the same words, the organisation's name, no images and no tracking.
//! The texts live here rather than in the locale files because they are whole letters, read
//! as such, not strings pieced into a page.
use crate::i18n::{Date, Locale};

/// A mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a password link is mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMail {
    /// A new account, or one that was never used: the invitation.
    Invitation,
    /// Asked for on the sign-in page ("Passwort vergessen?") or issued by the administration.
    Reset,
}

/// One part of a mail.
enum Block {
    Para(String),
    /// A link named by what it does; the address follows for copying.
    Link {
        label: String,
        url: String,
    },
    /// A list; each item may link somewhere.
    List(Vec<(String, Option<String>)>),
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn para(s: impl Into<String>) -> Block {
    Block::Para(s.into())
}

fn compose(locale: Locale, subject: String, blocks: Vec<Block>) -> Composed {
    let copy_hint = match locale {
        Locale::De => {
            "Falls der Link nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:"
        }
        Locale::En => "If the link does not work, copy this address into your browser:",
    };
    let mut text = Vec::new();
    let mut html = String::new();
    for block in &blocks {
        match block {
            Block::Para(p) => {
                text.push(p.clone());
                html.push_str(&format!("<p>{}</p>\n", escape(p)));
            }
            Block::Link { label, url } => {
                text.push(format!("{label}:\n{url}"));
                let url = escape(url);
                html.push_str(&format!(
                    "<p><a href=\"{url}\">{}</a></p>\n<p>{copy_hint} {url}</p>\n",
                    escape(label)
                ));
            }
            Block::List(items) => {
                text.push(
                    items
                        .iter()
                        .map(|(item, url)| match url {
                            Some(url) => format!("– {item}:\n  {url}"),
                            None => format!("– {item}"),
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                html.push_str("<ul>\n");
                for (item, url) in items {
                    match url {
                        Some(url) => html.push_str(&format!(
                            "<li><a href=\"{}\">{}</a></li>\n",
                            escape(url),
                            escape(item)
                        )),
                        None => html.push_str(&format!("<li>{}</li>\n", escape(item))),
                    }
                }
                html.push_str("</ul>\n");
            }
        }
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{html}</body>\n</html>\n",
        locale.code(),
        escape(&subject),
    );
    Composed {
        subject,
        text: format!("{}\n", text.join("\n\n")),
        html,
    }
}

fn greeting(locale: Locale, name: &str) -> Block {
    match locale {
        Locale::De => para(format!("Guten Tag {name},")),
        Locale::En => para(format!("Hello {name},")),
    }
}

fn signature(locale: Locale, org: &str) -> Block {
    match locale {
        Locale::De => para(format!("Ihre Schulungskoordination – {org}")),
        Locale::En => para(format!("Your training coordination – {org}")),
    }
}

fn date(locale: Locale, day: i64) -> String {
    locale.format_date(Date::from_days(day))
}

/// The mail with a link to set the password.
pub fn password_link(
    kind: LinkMail,
    locale: Locale,
    org: &str,
    name: &str,
    url: &str,
    valid_until: i64,
) -> Composed {
    let until = locale.format_date_time(valid_until);
    let link = |label: &str| Block::Link {
        label: label.into(),
        url: url.into(),
    };
    match (kind, locale) {
        (LinkMail::Invitation, Locale::De) => compose(
            locale,
            format!("Ihr Zugang zu KI-Seepferdchen – {org}"),
            vec![
                greeting(locale, name),
                para(format!(
                    "{org} hat für Sie einen Zugang zur Lernplattform KI-Seepferdchen eingerichtet. \
                     Dort lernen Sie in kurzen Modulen, wie Sie KI-Werkzeuge bei der Arbeit sicher und \
                     verantwortungsvoll nutzen."
                )),
                para("Bitte legen Sie über diesen Link Ihr Passwort fest."),
                link("Passwort festlegen"),
                para(format!("Der Link gilt bis {until} Uhr und nur einmal.")),
                para("Wenn Sie diese E-Mail nicht erwartet haben, wenden Sie sich bitte an Ihre Schulungskoordination."),
                signature(locale, org),
            ],
        ),
        (LinkMail::Invitation, Locale::En) => compose(
            locale,
            format!("Your access to KI-Seepferdchen – {org}"),
            vec![
                greeting(locale, name),
                para(format!(
                    "{org} has set up an account for you on the learning platform KI-Seepferdchen. \
                     In short modules you learn how to use AI tools at work safely and responsibly."
                )),
                para("Please choose your password with this link."),
                link("Choose a password"),
                para(format!("The link is valid until {until} and works once.")),
                para("If you did not expect this e-mail, please contact your training coordination."),
                signature(locale, org),
            ],
        ),
        (LinkMail::Reset, Locale::De) => compose(
            locale,
            format!("Neues Passwort für KI-Seepferdchen – {org}"),
            vec![
                greeting(locale, name),
                para("für Ihren Zugang zu KI-Seepferdchen wurde ein neues Passwort angefordert. Über diesen Link legen Sie es fest."),
                link("Passwort festlegen"),
                para(format!("Der Link gilt bis {until} Uhr und nur einmal. Ihr bisheriges Passwort gilt, bis Sie ein neues festlegen.")),
                para("Wenn Sie kein neues Passwort angefordert haben, können Sie diese E-Mail löschen."),
                signature(locale, org),
            ],
        ),
        (LinkMail::Reset, Locale::En) => compose(
            locale,
            format!("New password for KI-Seepferdchen – {org}"),
            vec![
                greeting(locale, name),
                para("a new password was requested for your KI-Seepferdchen account. Choose it with this link."),
                link("Choose a password"),
                para(format!("The link is valid until {until} and works once. Your current password stays valid until you choose a new one.")),
                para("If you did not ask for a new password, you can delete this e-mail."),
                signature(locale, org),
            ],
        ),
    }
}

/// The admin's test mail.
pub fn test_mail(locale: Locale, org: &str, name: &str) -> Composed {
    let (subject, body) = match locale {
        Locale::De => (
            format!("Testnachricht von KI-Seepferdchen – {org}"),
            "diese Nachricht zeigt, dass KI-Seepferdchen E-Mails verschicken kann. Sie brauchen nichts weiter zu tun.",
        ),
        Locale::En => (
            format!("Test message from KI-Seepferdchen – {org}"),
            "this message shows that KI-Seepferdchen can send e-mail. There is nothing else to do.",
        ),
    };
    compose(
        locale,
        subject,
        vec![
            greeting(locale, name),
            para(body),
            para(format!("KI-Seepferdchen – {org}")),
        ],
    )
}

/// Where the person stands, for the hint in notices and reminders.
pub struct Recipient<'a> {
    pub locale: Locale,
    pub name: &'a str,
    /// No password yet: the mail says how to get one.
    pub has_password: bool,
}

fn access_hint(r: &Recipient, base: &str) -> Option<Block> {
    (!r.has_password).then(|| match r.locale {
        Locale::De => para(format!(
            "Sie haben noch kein Passwort? Dann nutzen Sie den Link aus Ihrer Einladung oder fordern Sie \
             auf der Anmeldeseite einen neuen an („Passwort vergessen?“): {base}/passwort-vergessen"
        )),
        Locale::En => para(format!(
            "No password yet? Use the link in your invitation, or ask for a new one on the sign-in \
             page (“Passwort vergessen?”): {base}/passwort-vergessen"
        )),
    })
}

/// A mandatory course was assigned, or its due date changed.
pub fn course_notice(
    r: &Recipient,
    org: &str,
    base: &str,
    course: (&str, &str),
    due_day: Option<i64>,
    changed: bool,
) -> Composed {
    let (slug, title) = course;
    let l = r.locale;
    let due = due_day.map(|d| date(l, d));
    let (subject, what, when, label) = match l {
        Locale::De => (
            if changed {
                format!("Neue Frist für „{title}“ – {org}")
            } else {
                format!("Neuer Pflichtkurs: „{title}“ – {org}")
            },
            if changed {
                format!("die Frist für Ihren Pflichtkurs „{title}“ hat sich geändert.")
            } else {
                format!("{org} hat Ihnen den Pflichtkurs „{title}“ zugewiesen.")
            },
            match &due {
                Some(d) => format!("Bitte schließen Sie ihn bis zum {d} ab."),
                None => "Eine Frist gibt es dafür nicht mehr.".to_string(),
            },
            "Zum Kurs",
        ),
        Locale::En => (
            if changed {
                format!("New due date for “{title}” – {org}")
            } else {
                format!("New mandatory course: “{title}” – {org}")
            },
            if changed {
                format!("the due date of your mandatory course “{title}” has changed.")
            } else {
                format!("{org} has assigned you the mandatory course “{title}”.")
            },
            match &due {
                Some(d) => format!("Please complete it by {d}."),
                None => "It no longer has a due date.".to_string(),
            },
            "Open the course",
        ),
    };
    // A new course without a due date: no sentence about one.
    let when = (changed || due.is_some()).then(|| para(when));
    let mut blocks = vec![greeting(l, r.name), para(what)];
    blocks.extend(when);
    blocks.push(Block::Link {
        label: label.into(),
        url: format!("{base}/kurse/{slug}"),
    });
    blocks.extend(access_hint(r, base));
    blocks.push(signature(l, org));
    compose(l, subject, blocks)
}

/// What one reminder is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reminder {
    /// Due in a week or less.
    DueSoon { title: String, due_day: i64 },
    /// The due date has passed.
    Overdue { title: String, due_day: i64 },
    /// A certificate's last valid day is near.
    Expiring { title: String, last_day: i64 },
    /// A certificate has expired: the course is due again.
    Expired { title: String, last_day: i64 },
}

/// Every reminder of one person in one mail.
pub fn reminders(r: &Recipient, org: &str, base: &str, items: &[Reminder]) -> Composed {
    let l = r.locale;
    let line = |item: &Reminder| match (item, l) {
        (Reminder::DueSoon { title, due_day }, Locale::De) => {
            format!("„{title}“: bitte bis zum {} abschließen", date(l, *due_day))
        }
        (Reminder::Overdue { title, due_day }, Locale::De) => {
            format!(
                "„{title}“: die Frist ist am {} abgelaufen",
                date(l, *due_day)
            )
        }
        (Reminder::Expiring { title, last_day }, Locale::De) => format!(
            "„{title}“: Ihr Zertifikat gilt bis zum {}; frischen Sie den Kurs bis dahin auf",
            date(l, *last_day)
        ),
        (Reminder::Expired { title, last_day }, Locale::De) => format!(
            "„{title}“: Ihr Zertifikat galt bis zum {}; der Kurs ist wieder fällig",
            date(l, *last_day)
        ),
        (Reminder::DueSoon { title, due_day }, Locale::En) => {
            format!("“{title}”: please complete it by {}", date(l, *due_day))
        }
        (Reminder::Overdue { title, due_day }, Locale::En) => {
            format!("“{title}”: the due date was {}", date(l, *due_day))
        }
        (Reminder::Expiring { title, last_day }, Locale::En) => format!(
            "“{title}”: your certificate is valid until {}; please refresh the course before then",
            date(l, *last_day)
        ),
        (Reminder::Expired { title, last_day }, Locale::En) => format!(
            "“{title}”: your certificate was valid until {}; the course is due again",
            date(l, *last_day)
        ),
    };
    let overdue = items
        .iter()
        .any(|i| matches!(i, Reminder::Overdue { .. } | Reminder::Expired { .. }));
    let (subject, intro, label, opt_out) = match l {
        Locale::De => (
            if overdue {
                format!("Erinnerung: Pflichtkurs überfällig – {org}")
            } else {
                format!("Erinnerung an Ihre Pflichtkurse – {org}")
            },
            "eine kurze Erinnerung an Ihre Schulungen:",
            "Zu meinen Kursen",
            format!(
                "Erinnerungen per E-Mail können Sie unter „Mein Konto“ abbestellen: {base}/konto"
            ),
        ),
        Locale::En => (
            if overdue {
                format!("Reminder: mandatory course overdue – {org}")
            } else {
                format!("Reminder of your mandatory courses – {org}")
            },
            "a short reminder of your training:",
            "My courses",
            format!("You can turn off reminder e-mails under “Mein Konto”: {base}/konto"),
        ),
    };
    let mut blocks = vec![
        greeting(l, r.name),
        para(intro),
        Block::List(items.iter().map(|i| (line(i), None)).collect()),
        Block::Link {
            label: label.into(),
            url: format!("{base}/kurse"),
        },
    ];
    blocks.extend(access_hint(r, base));
    blocks.push(para(opt_out));
    blocks.push(signature(l, org));
    compose(l, subject, blocks)
}

/// The figures of a coordinator's weekly digest: (person, course) pairs as on the Übersicht,
/// and people who never signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DigestFigures {
    pub overdue: i64,
    pub due_soon: i64,
    pub expiring: i64,
    pub not_signed_in: i64,
}

impl DigestFigures {
    pub fn is_empty(&self) -> bool {
        self.overdue + self.due_soon + self.expiring + self.not_signed_in == 0
    }
}

/// The weekly digest to a coordinator: what needs attention in their units, each line a link
/// to the filtered list (the same words as the Übersicht's "Handlungsbedarf").
pub fn digest(r: &Recipient, org: &str, base: &str, f: DigestFigures) -> Composed {
    let l = r.locale;
    let t = l.texts();
    let overview = |status: &str| Some(format!("{base}/verwaltung/uebersicht?status={status}"));
    let items = [
        (
            f.overdue,
            t.dash_reminder_overdue.of(f.overdue),
            overview("ueberfaellig"),
        ),
        (
            f.due_soon,
            t.dash_reminder_due_soon.of(f.due_soon),
            overview(crate::model::DUE_SOON_CODE),
        ),
        (
            f.expiring,
            t.dash_reminder_expiring.of(f.expiring),
            overview("laeuft-ab"),
        ),
        (
            f.not_signed_in,
            t.digest_not_signed_in.of(f.not_signed_in),
            Some(format!("{base}/verwaltung/benutzer?zugang=ausstehend")),
        ),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(_, text, url)| (text, url))
    .collect();
    let (subject, intro, opt_out) = match l {
        Locale::De => (
            format!("Wochenübersicht KI-Schulungen – {org}"),
            "in Ihren Organisationseinheiten braucht Folgendes Aufmerksamkeit:",
            format!("Die Wochenübersicht können Sie unter „Mein Konto“ abbestellen: {base}/konto"),
        ),
        Locale::En => (
            format!("Weekly overview of AI training – {org}"),
            "in your org units the following needs attention:",
            format!("You can turn off the weekly overview under “Mein Konto”: {base}/konto"),
        ),
    };
    compose(
        l,
        subject,
        vec![
            greeting(l, r.name),
            para(intro),
            Block::List(items),
            para(opt_out),
            signature(l, org),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_reads_naturally_and_escapes_names() {
        let m = password_link(
            LinkMail::Invitation,
            Locale::De,
            "Stadt Musterhausen",
            "Anna <Becker>",
            "https://ki.example/passwort-festlegen?token=abc",
            1_800_000_000,
        );
        assert_eq!(
            m.subject,
            "Ihr Zugang zu KI-Seepferdchen – Stadt Musterhausen"
        );
        assert!(m
            .text
            .starts_with("Guten Tag Anna <Becker>,\n\nStadt Musterhausen hat für Sie"));
        assert!(m
            .text
            .contains("Passwort festlegen:\nhttps://ki.example/passwort-festlegen?token=abc\n\n"));
        assert!(
            m.text
                .contains("Der Link gilt bis 15.01.2027 09:00 Uhr und nur einmal."),
            "{}",
            m.text
        );
        assert!(m.html.contains("Guten Tag Anna &lt;Becker&gt;,"));
        assert!(m.html.contains(
            "<a href=\"https://ki.example/passwort-festlegen?token=abc\">Passwort festlegen</a>"
        ));
        assert!(!m.html.contains("<img"));
        let t = test_mail(Locale::De, "Stadt Musterhausen", "Petra");
        assert!(!t.html.contains("<a ") && !t.text.contains("http"));
        assert!(t.text.contains(
            "Sie brauchen nichts weiter zu tun.\n\nKI-Seepferdchen – Stadt Musterhausen\n"
        ));
    }

    #[test]
    fn english_mails_are_english_throughout() {
        let m = password_link(
            LinkMail::Reset,
            Locale::En,
            "Musterstadt",
            "Ann",
            "https://ki.example/passwort-festlegen?token=abc",
            1_800_000_000,
        );
        assert!(m.subject.starts_with("New password"));
        assert!(m.html.contains("<html lang=\"en\">"));
        assert!(m.html.contains("If the link does not work"));
        let r = Recipient {
            locale: Locale::En,
            name: "Ann",
            has_password: true,
        };
        let n = course_notice(
            &r,
            "Musterstadt",
            "https://ki.example",
            ("ki", "AI basics"),
            Some(20_500),
            false,
        );
        assert!(n.text.contains("Please complete it by"), "{}", n.text);
        for german in ["Guten Tag", "Bitte", "Frist", "Kurs "] {
            assert!(!n.text.contains(german), "{german} in {}", n.text);
        }
    }

    #[test]
    fn notices_and_reminders_say_what_and_when() {
        let r = Recipient {
            locale: Locale::De,
            name: "Tim Lange",
            has_password: false,
        };
        // 20_500 = 2026-02-16
        let n = course_notice(
            &r,
            "Musterstadt",
            "https://ki.example",
            ("ki-grundlagen", "KI-Grundlagen"),
            Some(20_500),
            false,
        );
        assert_eq!(
            n.subject,
            "Neuer Pflichtkurs: „KI-Grundlagen“ – Musterstadt"
        );
        assert!(
            n.text
                .contains("Bitte schließen Sie ihn bis zum 16.02.2026 ab."),
            "{}",
            n.text
        );
        assert!(n
            .text
            .contains("Zum Kurs:\nhttps://ki.example/kurse/ki-grundlagen"));
        assert!(
            n.text.contains("/passwort-vergessen"),
            "no password yet: says how"
        );
        let changed = course_notice(
            &r,
            "Musterstadt",
            "https://ki.example",
            ("ki-grundlagen", "KI-Grundlagen"),
            None,
            true,
        );
        assert!(changed
            .text
            .contains("Eine Frist gibt es dafür nicht mehr."));
        let m = reminders(
            &Recipient {
                has_password: true,
                ..r
            },
            "Musterstadt",
            "https://ki.example",
            &[
                Reminder::Overdue {
                    title: "KI-Grundlagen".into(),
                    due_day: 20_500,
                },
                Reminder::Expiring {
                    title: "Datenschutz".into(),
                    last_day: 20_560,
                },
            ],
        );
        assert_eq!(
            m.subject,
            "Erinnerung: Pflichtkurs überfällig – Musterstadt"
        );
        assert!(
            m.text.contains(
                "– „KI-Grundlagen“: die Frist ist am 16.02.2026 abgelaufen\n– „Datenschutz“"
            ),
            "{}",
            m.text
        );
        assert!(m.text.contains("abbestellen: https://ki.example/konto"));
        assert!(!m.text.contains("passwort-vergessen"));
        assert_eq!(m.html.matches("<li>").count(), 2);
        let d = digest(
            &r,
            "Musterstadt",
            "https://ki.example",
            DigestFigures {
                overdue: 1,
                expiring: 12,
                ..Default::default()
            },
        );
        assert!(d.text.contains("– 1 Zuweisung überfällig:\n  https://ki.example/verwaltung/uebersicht?status=ueberfaellig"), "{}", d.text);
        assert!(d
            .text
            .contains("– 12 Zertifikate sind zur Auffrischung fällig"));
        assert!(!d.text.contains("angemeldet") && !d.text.contains("Tagen fällig"));
    }
}
