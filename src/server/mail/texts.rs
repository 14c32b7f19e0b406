//! What the mails say: German, plain text plus simple accessible HTML with the same words, the
//! organisation's name, no images and no tracking.
use crate::i18n::Locale;

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
    /// A new account: the invitation.
    Invitation,
    /// Asked for on the sign-in page ("Passwort vergessen?") or issued by the administration.
    Reset,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A mail from paragraphs and an optional link to set the password, which stands in a paragraph
/// of its own: in HTML a link named by what it does, with the address below it for copying.
fn compose(
    subject: String,
    paragraphs: &[String],
    url: Option<&str>,
    after: &[String],
) -> Composed {
    let mut text = paragraphs.join("\n\n");
    if let Some(url) = url {
        text.push_str(&format!("\n\n{url}"));
    }
    text.push_str("\n\n");
    text.push_str(&after.join("\n\n"));
    text.push('\n');
    let para = |p: &String| format!("<p>{}</p>\n", escape(p));
    let link = url
        .map(|url| {
            let url = escape(url);
            format!(
                "<p><a href=\"{url}\">Passwort festlegen</a></p>\n<p>Falls der Link nicht \
                 funktioniert, kopieren Sie diese Adresse in Ihren Browser: {url}</p>\n"
            )
        })
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}{link}{}</body>\n</html>\n",
        escape(&subject),
        paragraphs.iter().map(para).collect::<String>(),
        after.iter().map(para).collect::<String>(),
    );
    Composed {
        subject,
        text,
        html,
    }
}

/// The mail with a link to set the password.
pub fn password_link(
    kind: LinkMail,
    org_name: &str,
    name: &str,
    url: &str,
    valid_until: i64,
) -> Composed {
    let until = Locale::De.format_date_time(valid_until);
    let greeting = format!("Guten Tag {name},");
    let signature = format!("Ihre Schulungskoordination – {org_name}");
    match kind {
        LinkMail::Invitation => compose(
            format!("Ihr Zugang zu KI-Seepferdchen – {org_name}"),
            &[
                greeting,
                format!(
                    "{org_name} hat für Sie einen Zugang zur Lernplattform KI-Seepferdchen eingerichtet. \
                     Dort lernen Sie in kurzen Modulen, wie Sie KI-Werkzeuge bei der Arbeit sicher und \
                     verantwortungsvoll nutzen."
                ),
                "Bitte legen Sie über diesen Link Ihr Passwort fest:".to_string(),
            ],
            Some(url),
            &[
                format!("Der Link gilt bis {until} Uhr und nur einmal."),
                "Wenn Sie diese E-Mail nicht erwartet haben, wenden Sie sich bitte an Ihre Schulungskoordination.".to_string(),
                signature,
            ],
        ),
        LinkMail::Reset => compose(
            format!("Neues Passwort für KI-Seepferdchen – {org_name}"),
            &[
                greeting,
                "für Ihren Zugang zu KI-Seepferdchen wurde ein neues Passwort angefordert. \
                 Über diesen Link legen Sie es fest:"
                    .to_string(),
            ],
            Some(url),
            &[
                format!("Der Link gilt bis {until} Uhr und nur einmal. Ihr bisheriges Passwort gilt, bis Sie ein neues festlegen."),
                "Wenn Sie kein neues Passwort angefordert haben, können Sie diese E-Mail löschen.".to_string(),
                signature,
            ],
        ),
    }
}

/// The admin's test mail.
pub fn test_mail(org_name: &str, name: &str) -> Composed {
    compose(
        format!("Testnachricht von KI-Seepferdchen – {org_name}"),
        &[
            format!("Guten Tag {name},"),
            "diese Nachricht zeigt, dass KI-Seepferdchen E-Mails verschicken kann. Sie brauchen nichts weiter zu tun.".to_string(),
        ],
        None,
        &[format!("KI-Seepferdchen – {org_name}")],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_reads_naturally_and_escapes_names() {
        let m = password_link(
            LinkMail::Invitation,
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
            .contains("\n\nhttps://ki.example/passwort-festlegen?token=abc\n\n"));
        assert!(
            m.text
                .contains("Der Link gilt bis 15.01.2027 09:00 Uhr und nur einmal."),
            "{}",
            m.text
        );
        assert!(m.html.contains("Guten Tag Anna &lt;Becker&gt;,"));
        assert!(m
            .html
            .contains("<a href=\"https://ki.example/passwort-festlegen?token=abc\">"));
        assert!(!m.html.contains("<img"));
        let t = test_mail("Stadt Musterhausen", "Petra");
        assert!(!t.html.contains("<a ") && !t.text.contains("http"));
        assert!(t.text.contains(
            "Sie brauchen nichts weiter zu tun.\n\nKI-Seepferdchen – Stadt Musterhausen\n"
        ));
    }
}
