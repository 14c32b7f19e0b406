//! E-mail. Mails are queued in the outbox (`db::outbox`) in the transaction of the event that
//! causes them, and a background worker delivers them: so sign-in, imports and quizzes never
//! wait for the mail server, an acknowledged event is never without its mail, and a crash or
//! an unreachable server loses nothing. Each mail keeps one Message-ID across retries.
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{MailConfig, MailMode};
use super::db::outbox;
use super::state::AppState;
use crate::error::AppError;

pub mod reminders;
mod texts;
pub use texts::{course_notice, password_link, test_mail, Composed, LinkMail, Recipient};

/// Mails claimed per round, and how long a claim lasts before another worker may take over.
const BATCH: i64 = 50;
const CLAIM_SECONDS: i64 = 120;
/// Attempts before a mail is given up (about a day with the backoff below).
const MAX_ATTEMPTS: i64 = 12;

/// Queues a mail; pass the transaction of the event that causes it.
pub async fn queue(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    kind: &str,
    recipient: &str,
    user_id: Option<i64>,
    mail: &Composed,
) -> Result<(), AppError> {
    let host = url::Url::parse(&state.config.public_base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    let message_id = format!("<{}@{host}>", super::auth::random_token());
    outbox::enqueue(
        conn,
        &outbox::NewMail {
            message_id: &message_id,
            kind,
            recipient,
            user_id,
            subject: &mail.subject,
            body_text: &mail.text,
            body_html: &mail.html,
            now: state.clock.now(),
        },
    )
    .await?;
    Ok(())
}

/// Tells the people an assignment reaches about a new mandatory course, or a changed due date
/// (`changed`), in the assignment's transaction. People who hold a valid certificate for the
/// course are left out. Returns the number of mails queued.
pub async fn notify_assignment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    course: &str,
    people: &[super::db::reminders::Recipient],
    due_day: Option<i64>,
    changed: bool,
) -> Result<usize, AppError> {
    if !state.config.mail.enabled() {
        return Ok(0);
    }
    let today = super::tracking::today(state.clock.now());
    let holders: std::collections::HashSet<i64> =
        super::db::reminders::certified(&mut **tx, course, today)
            .await?
            .into_iter()
            .collect();
    let title = super::reports::course_title(state, course);
    let mut queued = 0;
    for p in people.iter().filter(|p| !holders.contains(&p.id)) {
        let recipient = Recipient {
            locale: crate::i18n::Locale::from_code(&p.locale).unwrap_or_default(),
            name: &p.name,
            has_password: p.has_password,
        };
        let mail = course_notice(
            &recipient,
            &state.config.org_name,
            &state.config.public_base_url,
            (course, &title),
            due_day,
            changed,
        );
        queue(tx, state, "notice", &p.email, Some(p.id), &mail).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// The transport of the settings (None: mail is off).
    pub fn from_config(config: &MailConfig) -> Result<Option<Transport>, String> {
        match &config.mode {
            MailMode::Off => Ok(None),
            MailMode::Smtp(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| {
                    let pool = lettre::transport::smtp::PoolConfig::new().max_size(PARALLEL as u32);
                    Some(Transport::Smtp(
                        b.timeout(Some(Duration::from_secs(30)))
                            .pool_config(pool)
                            .build(),
                    ))
                })
                .map_err(|e| format!("SMTP_URL: {e}")),
            MailMode::File(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("MAIL_DIR {}: {e}", dir.display()))?;
                Ok(Some(Transport::File(AsyncFileTransport::new(dir))))
            }
        }
    }

    /// Sends one mail; Ok with the server's answer (or the file written).
    async fn send(&self, message: Message) -> Result<String, SendError> {
        match self {
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|r| format!("{} {}", r.code(), r.message().collect::<Vec<_>>().join(" ")))
                .map_err(|e| SendError {
                    permanent: e.is_permanent(),
                    text: e.to_string(),
                }),
            Transport::File(t) => {
                t.send(message)
                    .await
                    .map(|id| format!("{id}.eml"))
                    .map_err(|e| SendError {
                        permanent: false,
                        text: e.to_string(),
                    })
            }
        }
    }
}

struct SendError {
    permanent: bool,
    text: String,
}

/// Delivers queued mails until the process ends: claims a batch, sends each, records the
/// outcome. Several instances may run this on one PostgreSQL database.
pub async fn worker(state: AppState, transport: Transport) {
    loop {
        let delivered = match deliver_batch(&state, &transport).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "mail outbox not readable");
                0
            }
        };
        if delivered < BATCH as usize {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Mails in flight at once, each on its own pooled connection. lettre 0.11.23 leaves Nagle's
/// algorithm on, which costs about 40 ms a mail on one connection (fixed upstream in
/// lettre#1159, not yet released); sixteen connections keep delivery well above 200 a second.
/// Mail servers commonly allow 50 connections per client (Postfix's default).
const PARALLEL: usize = 16;

/// One round of the worker (also used by tests and `mail deliver`): the number of mails it
/// handled. A mail is only sent while its claim holds: when half the claim time has passed,
/// the mails not yet started go back to the queue for the next round (or another instance),
/// so a slow server never makes two instances send the same mail. Outcomes are recorded as
/// soon as they are known, those finished at the same moment in one transaction (on SQLite
/// each commit waits for the disk, so one per mail would cap delivery at the disk's pace).
pub async fn deliver_batch(state: &AppState, transport: &Transport) -> Result<usize, AppError> {
    use futures::StreamExt;
    let now = state.clock.now();
    let claimed = outbox::claim(&state.db, now, now + CLAIM_SECONDS, BATCH).await?;
    let started = std::time::Instant::now();
    let give_back_after = Duration::from_secs((CLAIM_SECONDS / 2) as u64);
    let mut outcomes = futures::stream::iter(claimed)
        .map(|mail| async move {
            if started.elapsed() > give_back_after {
                return (mail, None);
            }
            let outcome = match message(&state.config.mail, &mail) {
                Ok(m) => transport.send(m).await,
                Err(text) => Err(SendError {
                    permanent: true,
                    text,
                }),
            };
            (mail, Some(outcome))
        })
        .buffer_unordered(PARALLEL)
        .ready_chunks(PARALLEL);
    let mut handled = 0;
    while let Some(chunk) = outcomes.next().await {
        handled += record(state, chunk).await?;
    }
    Ok(handled)
}

/// Writes what happened to a group of mails in one transaction; the number attempted.
async fn record(
    state: &AppState,
    chunk: Vec<(outbox::Claimed, Option<Result<String, SendError>>)>,
) -> Result<usize, AppError> {
    let now = state.clock.now();
    let mut attempted = 0;
    let mut tx = state.db.begin().await?;
    for (mail, outcome) in chunk {
        match outcome {
            None => outbox::release(&mut *tx, mail.id).await?,
            Some(Ok(answer)) => {
                attempted += 1;
                outbox::mark_sent(&mut *tx, mail.id, now, &answer).await?;
                tracing::info!(id = mail.id, answer = %answer, "mail sent");
            }
            Some(Err(e)) => {
                attempted += 1;
                let retry = (!e.permanent && mail.attempts < MAX_ATTEMPTS)
                    .then(|| now + backoff_seconds(mail.attempts));
                outbox::mark_failed(&mut *tx, mail.id, &e.text, retry).await?;
                tracing::warn!(id = mail.id, error = %e.text, retry = ?retry, "mail not sent");
            }
        }
    }
    tx.commit().await?;
    Ok(attempted)
}

/// Seconds before attempt `attempts + 1`: 5 s, 10 s, 20 s … up to an hour.
pub fn backoff_seconds(attempts: i64) -> i64 {
    (5_i64 << attempts.clamp(1, 20).saturating_sub(1)).min(3600)
}

fn message(config: &MailConfig, mail: &outbox::Claimed) -> Result<Message, String> {
    let from: Mailbox = config.from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| format!("Ungültige Empfängeradresse: {e}"))?;
    let mut builder = Message::builder()
        .message_id(Some(mail.message_id.clone()))
        .from(from)
        .to(to)
        .subject(mail.subject.clone());
    if let Some(reply_to) = &config.reply_to {
        builder = builder.reply_to(
            reply_to
                .parse()
                .map_err(|e| format!("MAIL_REPLY_TO: {e}"))?,
        );
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.body_text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.body_html.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Figures and problems for the admin page.
pub async fn overview(state: &AppState) -> Result<crate::model::MailFigures, AppError> {
    let week_ago = state.clock.now() - 7 * 86_400;
    let mut figures = outbox::figures(&state.db, week_ago).await?;
    figures.problems = outbox::problems(&state.db, 50).await?;
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_an_hour() {
        assert_eq!(backoff_seconds(1), 5);
        assert_eq!(backoff_seconds(2), 10);
        assert_eq!(backoff_seconds(5), 80);
        assert_eq!(backoff_seconds(12), 3600);
    }

    #[test]
    fn messages_carry_their_stable_id_and_both_parts() {
        let config = MailConfig {
            mode: MailMode::Off,
            from: "KI-Seepferdchen <noreply@example.org>".into(),
            reply_to: Some("schulung@example.org".into()),
            reminders: true,
        };
        let claimed = outbox::Claimed {
            id: 1,
            message_id: "<abc@example.org>".into(),
            recipient: "anna@example.org".into(),
            subject: "Einladung".into(),
            body_text: "Hallo".into(),
            body_html: "<p>Hallo</p>".into(),
            attempts: 1,
        };
        let m = String::from_utf8(message(&config, &claimed).unwrap().formatted()).unwrap();
        assert!(m.contains("Message-ID: <abc@example.org>"), "{m}");
        assert!(m.contains("Reply-To: schulung@example.org"));
        assert!(m.contains("text/plain") && m.contains("text/html"));
        let bad = outbox::Claimed {
            recipient: "kein at".into(),
            ..claimed
        };
        assert!(message(&config, &bad)
            .unwrap_err()
            .starts_with("Ungültige Empfängeradresse"));
    }
}
