//! The start page. Signed in, it answers "what do I do now?" first: the next course with one
//! button, then every reminder, then the certificates; coordinators also see their units'
//! quotas and admins the installation's health. Visitors see a short welcome and the sign-in.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::site::get_home_stats;
use crate::api::start::get_start;
use crate::app::{use_locale, use_texts};
use crate::components::form::Notice;
use crate::components::status::Loaded;
use crate::islands::about::AboutCard;
use crate::model::{CertStatus, CourseState, LearnerReminder, StartView, UnitStatus};
use crate::pages::courses::CourseCardView;

#[component]
pub fn HomePage() -> impl IntoView {
    let start = Resource::new_blocking(|| (), |_| get_start());
    view! {
        <Loaded resource=start let:view>
            {match view {
                Some(v) => view! { <Start v /> }.into_any(),
                None => view! { <Welcome /> }.into_any(),
            }}
        </Loaded>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.home_title />
        <h1>{t.home_title}</h1>
        <p class="lead">{t.home_lead}</p>
        <p class="actions">
            <a class="button" href="/anmelden">
                {t.nav_login}
            </a>
            <a class="button button--secondary" href="/ueber">
                {t.about_title}
            </a>
        </p>
    }
}

#[component]
fn Start(v: StartView) -> impl IntoView {
    let t = use_texts();
    let q = use_query_map();
    let welcome = q.read_untracked().get("passwort").is_some();
    let reminders = v.reminders.clone();
    view! {
        <Title text=t.start_title />
        <h1>{t.start_greeting(&v.name)}</h1>
        {welcome.then(|| view! { <Notice text=t.password_set_welcome /> })}
        <section aria-labelledby="next-heading" class="start-next">
            <h2 id="next-heading">{t.start_next}</h2>
            {match v.next {
                Some(card) => view! { <CourseCardView card /> }.into_any(),
                None => view! { <p>{t.start_nothing_to_do}</p> }.into_any(),
            }}
        </section>
        {(!v.ki_updates.is_empty()).then(|| view! { <KiUpdates list=v.ki_updates.clone() /> })}
        {(!reminders.is_empty()).then(|| view! { <Reminders list=reminders /> })}
        <Certificates list=v.certificates />
        {v.units.map(|units| view! { <Units units /> })}
        {v.health.map(|h| view! { <HealthCard h /> })}
    }
}

/// Changes of the person's AI tools she must read and confirm, or learn again.
#[component]
fn KiUpdates(list: Vec<crate::model::KiUpdateCard>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    view! {
        <section class="card card--highlight" aria-labelledby="ki-updates">
            <h2 id="ki-updates">{t.ki_updates_title}</h2>
            <ul class="reminder-list reminder-list--learner">
                {list
                    .into_iter()
                    .map(|u| {
                        let due = locale.format_date(u.due);
                        let text = match &u.course {
                            Some((_, title)) => t.ki_update_card_course(title, &due),
                            None => t.ki_update_card_confirm(&due),
                        };
                        view! {
                            <li class="reminder">
                                <a href=format!("/ki-aenderung/{}", u.id)>{u.name}</a>
                                ": "
                                {text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Reminders(list: Vec<LearnerReminder>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let date =
        move |d: Option<crate::i18n::Date>| d.map(|d| locale.format_date(d)).unwrap_or_default();
    view! {
        <section class="card card--highlight" aria-labelledby="my-reminders">
            <h2 id="my-reminders">{t.home_reminders}</h2>
            <ul class="reminder-list reminder-list--learner">
                {list
                    .into_iter()
                    .map(|r| {
                        let text = match r.state {
                            CourseState::Overdue => t.course_overdue_since(date(r.due)),
                            CourseState::Expiring => t.home_reminder_expiring(date(r.valid_until)),
                            CourseState::Expired => t.home_reminder_expired(date(r.valid_until)),
                            _ => t.course_due_by(date(r.due)),
                        };
                        view! {
                            <li class=format!("reminder reminder--{}", r.state.code())>
                                <a href=format!("/kurse/{}", r.slug)>{r.title}</a>
                                ": "
                                {text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Certificates(list: Vec<crate::model::CertificateSummary>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    view! {
        <section class="card" aria-labelledby="start-certs">
            <h2 id="start-certs">{t.my_certs_title}</h2>
            {if list.is_empty() {
                view! { <p>{t.start_no_certificates}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {list
                            .into_iter()
                            .map(|c| {
                                let until = locale.format_date(c.valid_until);
                                let text = match c.status {
                                    CertStatus::Expired => t.home_reminder_expired(&until),
                                    _ => t.start_cert_valid(&until),
                                };
                                view! {
                                    <li>
                                        <strong>{c.course_title}</strong>
                                        ": "
                                        {text}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <p>
                <a href="/zertifikate">{t.start_all_certificates}</a>
            </p>
        </section>
    }
}

#[component]
fn Units(units: Vec<UnitStatus>) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card" aria-labelledby="start-units">
            <h2 id="start-units">{t.start_units}</h2>
            <ul class="start-units">
                {units
                    .into_iter()
                    .map(|u| {
                        let quota = u
                            .counts
                            .done_percent()
                            .map(|p| t.start_units_quota(p))
                            .unwrap_or_else(|| t.start_no_assignments.to_string());
                        let open = u.counts.overdue + u.counts.expired;
                        view! {
                            <li>
                                <a href=format!(
                                    "/verwaltung/uebersicht?einheit={}",
                                    u.id,
                                )>{u.name}</a>
                                ": "
                                {quota}
                                {(open > 0)
                                    .then(|| format!(" · {}", t.start_units_overdue.of(open)))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p>
                <a href="/verwaltung/uebersicht">{t.start_to_dashboard}</a>
            </p>
        </section>
    }
}

#[component]
fn HealthCard(h: crate::model::Health) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let mail = match &h.mail {
        None => t.start_mail_off.to_string(),
        Some(m) if m.failed > 0 || !m.problems.is_empty() => t
            .start_mail_problems
            .of((m.failed as u32).max(m.problems.len() as u32)),
        Some(m) => t.start_mail_ok(m.sent, m.waiting),
    };
    view! {
        <section class="card" aria-labelledby="start-health">
            <h2 id="start-health">{t.start_health}</h2>
            <dl class="facts">
                <dt>{t.nav_mail}</dt>
                <dd>
                    <a href="/verwaltung/e-mails">{mail}</a>
                </dd>
                <dt>{t.start_content}</dt>
                <dd>
                    <ul>
                        {h
                            .courses
                            .iter()
                            .map(|(title, version, stand)| {
                                view! {
                                    <li>
                                        {t
                                            .start_course_version(
                                                title,
                                                version,
                                                locale.format_date(*stand),
                                            )}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </dd>
                <dt>{t.home_status_since}</dt>
                <dd>{locale.format_date(h.installed_since)}</dd>
            </dl>
        </section>
    }
}

/// "Über diese Plattform": what the platform is for, and the installation's facts.
#[component]
pub fn AboutPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let stats = Resource::new_blocking(|| (), |_| get_home_stats());
    view! {
        <Title text=t.about_title />
        <h1>{t.about_title}</h1>
        <p class="lead">{t.home_lead}</p>
        <AboutCard heading=t.home_about_heading.to_string() toggle=t.home_about_toggle.to_string()>
            <p>{t.home_about_text}</p>
        </AboutCard>
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">{t.home_status_heading}</h2>
            <Loaded resource=stats let:s>
                <dl class="facts">
                    <dt>{t.home_status_since}</dt>
                    <dd id="installed-since">{locale.format_date(s.installed_since)}</dd>
                </dl>
            </Loaded>
        </section>
    }
}
