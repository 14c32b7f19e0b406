use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::site::get_home_stats;
use crate::api::tracking::my_reminders;
use crate::app::{use_locale, use_texts};
use crate::islands::about::AboutCard;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let stats = Resource::new_blocking(|| (), |_| get_home_stats());
    let reminders = Resource::new_blocking(|| (), |_| my_reminders());
    view! {
        <Title text=t.home_title />
        <h1>{t.home_title}</h1>
        <p class="lead">{t.home_lead}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = reminders.await.unwrap_or_default();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <section class="card card--highlight" aria-labelledby="my-reminders">
                                <h2 id="my-reminders">{t.home_reminders}</h2>
                                <ul class="reminder-list reminder-list--learner">
                                    {list
                                        .into_iter()
                                        .map(|r| {
                                            let date = |d: Option<crate::i18n::Date>| {
                                                d.map(|d| locale.format_date(d)).unwrap_or_default()
                                            };
                                            let text = match r.state {
                                                crate::model::CourseState::Overdue => {
                                                    t.course_overdue_since(date(r.due))
                                                }
                                                crate::model::CourseState::Expiring => {
                                                    t.home_reminder_expiring(date(r.valid_until))
                                                }
                                                crate::model::CourseState::Expired => {
                                                    t.home_reminder_expired(date(r.valid_until))
                                                }
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
                    })
            })}
        </Suspense>
        <AboutCard heading=t.home_about_heading.to_string() toggle=t.home_about_toggle.to_string()>
            <p>{t.home_about_text}</p>
        </AboutCard>
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">{t.home_status_heading}</h2>
            <Suspense fallback=move || {
                view! { <p>{t.home_status_loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => {
                            view! {
                                <dl class="facts">
                                    <dt>{t.home_status_since}</dt>
                                    <dd id="installed-since">
                                        {locale.format_date(s.installed_since)}
                                    </dd>
                                </dl>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p role="alert">{e.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
