//! The reminder run: reminders about due dates and expiring certificates, and the
//! coordinators' weekly digest. It runs inside the server on a timer (one instance at a time,
//! by a lease in the database) and as `seepferdchen mail reminders` for cron users. Every run
//! can be repeated: what went out is recorded per person, course, kind and date, a person gets
//! at most one reminder mail a day, and a coordinator one digest a week.
use std::collections::HashMap;

use super::texts::{self, DigestFigures, Reminder};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{CourseState, Role};
use crate::server::auth::authz;
use crate::server::db::{self, reminders::Sent};
use crate::server::state::AppState;
use crate::server::tracking::{self, Assignments};

/// Reminders after the day the due date passed: the first, then weekly, at most this many.
pub const OVERDUE_REMINDERS: i64 = 4;
/// Days before a certificate's last valid day on which it is reminded of, besides the first
/// day of its course's re-enrolment window.
pub const EXPIRY_LAST_NOTICE_DAYS: i64 = 14;
const LEASE: &str = "mail-reminders";
const LEASE_SECONDS: i64 = 600;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub reminder_mails: usize,
    pub digests: usize,
    /// People with something to remind of who had their mail of the day already.
    pub deferred: usize,
}

/// The first day of the week (Monday) of a day number (1970-01-01 was a Thursday).
pub fn week_start(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

/// What went out to one person: (course, date reminded of) → (kind, day sent).
type SentTo = HashMap<(String, i64), Vec<(String, i64)>>;

/// One reminder due for a person, and the record that keeps it from going out twice.
struct Due {
    course: String,
    item: Reminder,
    records: Vec<(String, i64)>,
}

/// What is due for one person today, given what went out before.
fn due_for(
    entries: &[tracking::MatrixEntry],
    sent: &SentTo,
    title: impl Fn(&str) -> String,
    renewal: &tracking::Renewal,
    today: i64,
) -> Vec<Due> {
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| e.assignment.mandatory) {
        let done = |kind: &str, day: i64| {
            sent.get(&(e.course.clone(), day))
                .is_some_and(|v| v.iter().any(|(k, _)| k == kind))
        };
        match (e.state, e.assignment.due_day) {
            (CourseState::NotStarted | CourseState::InProgress, Some(due))
                if tracking::due_soon(Some(due), today) && !done("faellig", due) =>
            {
                out.push(Due {
                    course: e.course.clone(),
                    item: Reminder::DueSoon {
                        title: title(&e.course),
                        due_day: due,
                    },
                    records: vec![("faellig".into(), due)],
                });
            }
            // An expired certificate of a mandatory course is overdue from its last valid
            // day on, reminded of like any passed due date.
            (CourseState::Overdue | CourseState::Expired, Some(due)) => {
                let earlier: Vec<i64> = sent
                    .get(&(e.course.clone(), due))
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| k.starts_with("ueberfaellig-"))
                    .map(|(_, d)| *d)
                    .collect();
                let n = earlier.len() as i64;
                let last = earlier.iter().max().copied();
                if n < OVERDUE_REMINDERS && last.is_none_or(|l| today >= l + 7) {
                    let item = if e.state == CourseState::Expired {
                        Reminder::Expired {
                            title: title(&e.course),
                            last_day: due,
                        }
                    } else {
                        Reminder::Overdue {
                            title: title(&e.course),
                            due_day: due,
                        }
                    };
                    out.push(Due {
                        course: e.course.clone(),
                        item,
                        records: vec![(format!("ueberfaellig-{}", n + 1), due)],
                    });
                }
            }
            (CourseState::Expiring, _) => {
                let Some(last_day) = e.status.and_then(|s| s.valid_until_day) else {
                    continue;
                };
                // The nearest notice day reached; the earlier ones count as given with it.
                let window = renewal.window(&e.course);
                let mut notices = vec![window];
                if window > EXPIRY_LAST_NOTICE_DAYS {
                    notices.push(EXPIRY_LAST_NOTICE_DAYS);
                }
                let reached: Vec<i64> = notices
                    .into_iter()
                    .filter(|d| last_day - today <= *d)
                    .collect();
                let Some(nearest) = reached.iter().min().copied() else {
                    continue;
                };
                if !done(&format!("ablauf-{nearest}"), last_day) {
                    out.push(Due {
                        course: e.course.clone(),
                        item: Reminder::Expiring {
                            title: title(&e.course),
                            last_day,
                        },
                        records: reached
                            .iter()
                            .map(|d| (format!("ablauf-{d}"), last_day))
                            .collect(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn locale_of(code: &str) -> Locale {
    Locale::from_code(code).unwrap_or(Locale::De)
}

/// Runs the reminders and digests once, if no other instance is running them.
pub async fn run(state: &AppState) -> Result<Option<RunReport>, AppError> {
    let holder = super::super::auth::random_token();
    let now = state.clock.now();
    if !db::reminders::take_lease(&state.db, LEASE, &holder, now, now + LEASE_SECONDS).await? {
        return Ok(None);
    }
    let result = run_without_lease(state).await;
    db::reminders::release_lease(&state.db, LEASE, &holder).await?;
    result.map(Some)
}

/// The run itself. The lease only saves work: correctness rests on the claims in the
/// database, so two instances running this at once still send each mail once (tested).
pub async fn run_without_lease(state: &AppState) -> Result<RunReport, AppError> {
    let mut report = RunReport::default();
    if !state.config.mail.enabled() {
        return Ok(report);
    }
    let today = tracking::today(state.clock.now());
    let (assignments, _units) = Assignments::load(&state.db, &state.catalog).await?;
    let recipients = db::reminders::recipients(&state.db).await?;
    let people = db::course_status::active_people(&state.db, None).await?;
    let matrix = tracking::matrix(&state.db, &assignments, &people, true, today).await?;
    // Reminders about dates more than a year back cannot be due any more.
    let mut sent: HashMap<i64, SentTo> = HashMap::new();
    for s in db::reminders::sent_since(&state.db, today - 400).await? {
        sent.entry(s.user_id)
            .or_default()
            .entry((s.course, s.ref_day))
            .or_default()
            .push((s.kind, s.sent_day));
    }
    let by_id: HashMap<i64, &db::reminders::Recipient> =
        recipients.iter().map(|r| (r.id, r)).collect();
    let base = &state.config.public_base_url;
    let org = &state.config.org_name;
    let title = |slug: &str| crate::server::reports::course_title(state, slug);
    let empty = HashMap::new();
    for (person, entries) in people.iter().zip(&matrix) {
        let Some(r) = by_id.get(&person.id).filter(|r| r.reminders) else {
            continue;
        };
        let due = due_for(
            entries,
            sent.get(&person.id).unwrap_or(&empty),
            title,
            &assignments.renewal,
            today,
        );
        if due.is_empty() {
            continue;
        }
        let mut tx = state.db.begin().await?;
        if !db::reminders::claim_day(&mut *tx, r.id, today).await? {
            report.deferred += 1;
            continue;
        }
        for d in &due {
            for (kind, ref_day) in &d.records {
                let s = Sent {
                    user_id: r.id,
                    course: d.course.clone(),
                    kind: kind.clone(),
                    ref_day: *ref_day,
                    sent_day: today,
                };
                db::reminders::record(&mut *tx, &s).await?;
            }
        }
        let items: Vec<Reminder> = due.into_iter().map(|d| d.item).collect();
        let recipient = texts::Recipient {
            locale: locale_of(&r.locale),
            name: &r.name,
            has_password: r.has_password,
        };
        let mail = texts::reminders(&recipient, org, base, &items);
        super::queue(&mut tx, state, "reminder", &r.email, Some(r.id), &mail).await?;
        tx.commit().await?;
        report.reminder_mails += 1;
    }
    report.digests = digests(state, &recipients, today).await?;
    Ok(report)
}

/// The weekly digests: to each coordinator who wants it, once a week, when something in their
/// units needs attention.
async fn digests(
    state: &AppState,
    recipients: &[db::reminders::Recipient],
    today: i64,
) -> Result<usize, AppError> {
    let week = week_start(today);
    let mut sent = 0;
    for r in recipients
        .iter()
        .filter(|r| r.role == Role::Coordinator && r.digest)
    {
        let Some(user) = db::users::get(&state.db.pool, r.id).await? else {
            continue;
        };
        let actor = authz::actor_for(state, user).await?;
        let dash = crate::server::reports::dashboard(state, &actor, &Default::default()).await?;
        let units = actor.unit_filter();
        let figures = DigestFigures {
            overdue: i64::from(dash.reminders.overdue),
            due_soon: i64::from(dash.reminders.due_soon),
            expiring: i64::from(dash.reminders.expiring),
            not_signed_in: db::reminders::count_not_signed_in(&state.db, units.as_deref()).await?,
        };
        if figures.is_empty() {
            continue;
        }
        let mut tx = state.db.begin().await?;
        if !db::reminders::claim_digest(&mut *tx, r.id, week).await? {
            continue;
        }
        let recipient = texts::Recipient {
            locale: locale_of(&r.locale),
            name: &r.name,
            has_password: r.has_password,
        };
        let mail = texts::digest(
            &recipient,
            &state.config.org_name,
            &state.config.public_base_url,
            figures,
        );
        super::queue(&mut tx, state, "digest", &r.email, Some(r.id), &mail).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Runs the reminders every hour until the process ends (several instances: one at a time).
pub async fn timer(state: AppState) {
    loop {
        match run(&state).await {
            Ok(Some(r)) if r.reminder_mails + r.digests > 0 => {
                tracing::info!(
                    reminders = r.reminder_mails,
                    digests = r.digests,
                    deferred = r.deferred,
                    "reminder run"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminder run failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db::course_status::StatusRow;
    use crate::server::tracking::{Effective, MatrixEntry, Renewal};

    fn entry(state: CourseState, due: Option<i64>, valid_until: Option<i64>) -> MatrixEntry {
        MatrixEntry {
            course: "ki".into(),
            assignment: Effective {
                due_day: due,
                relative: None,
                mandatory: true,
            },
            status: valid_until.map(|v| StatusRow {
                started_at: Some(0),
                completed_at: Some(0),
                valid_until_day: Some(v),
            }),
            state,
        }
    }

    fn kinds(d: &[Due]) -> Vec<String> {
        d.iter()
            .flat_map(|d| d.records.iter().map(|r| r.0.clone()))
            .collect()
    }

    #[test]
    fn monday_starts_the_week() {
        // 2026-11-23 is a Monday: day 20_780.
        assert_eq!(week_start(20_780), 20_780);
        assert_eq!(week_start(20_786), 20_780);
        assert_eq!(week_start(20_787), 20_787);
    }

    #[test]
    fn overdue_reminders_come_weekly_and_stop() {
        let r = Renewal::default();
        let title = |s: &str| s.to_uppercase();
        let e = [entry(CourseState::Overdue, Some(100), None)];
        let mut sent: SentTo = HashMap::new();
        assert_eq!(
            kinds(&due_for(&e, &sent, title, &r, 101)),
            ["ueberfaellig-1"]
        );
        sent.insert(("ki".into(), 100), vec![("ueberfaellig-1".into(), 101)]);
        assert!(
            due_for(&e, &sent, title, &r, 107).is_empty(),
            "not within a week"
        );
        assert_eq!(
            kinds(&due_for(&e, &sent, title, &r, 108)),
            ["ueberfaellig-2"]
        );
        let v = sent.get_mut(&("ki".into(), 100)).unwrap();
        v.extend([
            ("ueberfaellig-2".into(), 108),
            ("ueberfaellig-3".into(), 115),
            ("ueberfaellig-4".into(), 122),
        ]);
        assert!(due_for(&e, &sent, title, &r, 200).is_empty(), "capped");
        // A new due date starts afresh.
        let moved = [entry(CourseState::Overdue, Some(190), None)];
        assert_eq!(
            kinds(&due_for(&moved, &sent, title, &r, 200)),
            ["ueberfaellig-1"]
        );
    }

    #[test]
    fn due_soon_and_expiry_notices_once_each() {
        let r = Renewal::default();
        let title = |s: &str| s.to_string();
        let none = HashMap::new();
        let soon = [entry(CourseState::NotStarted, Some(107), None)];
        assert_eq!(
            kinds(&due_for(&soon, &none, title, &r, 99)),
            Vec::<String>::new()
        );
        assert_eq!(kinds(&due_for(&soon, &none, title, &r, 100)), ["faellig"]);
        let not_mandatory = [MatrixEntry {
            assignment: Effective {
                due_day: Some(107),
                relative: None,
                mandatory: false,
            },
            ..entry(CourseState::NotStarted, Some(107), None)
        }];
        assert!(due_for(&not_mandatory, &none, title, &r, 100).is_empty());
        let expiring = [entry(CourseState::Expiring, None, Some(160))];
        assert_eq!(
            kinds(&due_for(&expiring, &none, title, &r, 100)),
            ["ablauf-60"]
        );
        let mut sent = HashMap::new();
        sent.insert(
            ("ki".to_string(), 160),
            vec![("ablauf-60".to_string(), 100)],
        );
        assert!(due_for(&expiring, &sent, title, &r, 120).is_empty());
        assert_eq!(
            kinds(&due_for(&expiring, &sent, title, &r, 146)),
            ["ablauf-60", "ablauf-14"]
        );
        // First seen 10 days before: only the 14-day notice goes out, the 60 counts as given.
        let d = due_for(&expiring, &none, title, &r, 150);
        assert_eq!(d.len(), 1);
        assert_eq!(kinds(&d), ["ablauf-60", "ablauf-14"]);
    }

    #[test]
    fn renewal_notices_follow_the_course_window_and_expiry_is_overdue() {
        let title = |s: &str| s.to_string();
        let none = HashMap::new();
        let r: Renewal = [("ki".to_string(), 30)].into_iter().collect();
        let expiring = [entry(CourseState::Expiring, Some(160), Some(160))];
        // The first notice comes on the window's first day, not 60 days before.
        assert_eq!(
            kinds(&due_for(&expiring, &none, title, &r, 130)),
            ["ablauf-30"]
        );
        assert_eq!(
            kinds(&due_for(&expiring, &none, title, &r, 146)),
            ["ablauf-30", "ablauf-14"]
        );
        // A window shorter than the last notice gives one notice.
        let short: Renewal = [("ki".to_string(), 10)].into_iter().collect();
        assert_eq!(
            kinds(&due_for(&expiring, &none, title, &short, 150)),
            ["ablauf-10"]
        );
        // After the last valid day the course is overdue again, reminded of weekly.
        let expired = [entry(CourseState::Expired, Some(160), Some(160))];
        let d = due_for(&expired, &none, title, &r, 161);
        assert_eq!(kinds(&d), ["ueberfaellig-1"]);
        assert!(matches!(d[0].item, Reminder::Expired { last_day: 160, .. }));
    }
}
