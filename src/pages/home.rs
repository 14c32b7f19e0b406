use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::site::get_home_stats;
use crate::api::tracking::my_reminders;
use crate::app::{use_locale, use_texts};

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
                (!list.is_empty()).then(|| view! {
                    <section class="card card--highlight" aria-labelledby="my-reminders">
                        <h2 id="my-reminders">{t.home_reminders}</h2>
                        <ul class="reminder-list reminder-list--learner">
                            {list.into_iter().map(|r| {
                                let date = |d: Option<crate::i18n::Date>| d.map(|d| locale.format_date(d)).unwrap_or_default();
                                let text = match r.state {
                                    crate::model::CourseState::Overdue => t.course_overdue_since.replace("{date}", &date(r.due)),
                                    crate::model::CourseState::Expiring => t.home_reminder_expiring.replace("{date}", &date(r.valid_until)),
                                    crate::model::CourseState::Expired => t.home_reminder_expired.replace("{date}", &date(r.valid_until)),
                                    _ => t.course_due_by.replace("{date}", &date(r.due)),
                                };
                                view! {
                                    <li class=format!("reminder reminder--{}", r.state.code())>
                                        <a href=format!("/kurse/{}", r.slug)>{r.title}</a>": "{text}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
        <AboutCard heading=t.home_about_heading.to_string() toggle=t.home_about_toggle.to_string()>
            <p>{t.home_about_text}</p>
        </AboutCard>
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">{t.home_status_heading}</h2>
            <Suspense fallback=move || view! { <p>{t.home_status_loading}</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(s) => view! {
                            <dl class="facts">
                                <dt>{t.home_status_since}</dt>
                                <dd id="installed-since">{locale.format_date(s.installed_since)}</dd>
                            </dl>
                        }.into_any(),
                        Err(e) => view! { <p role="alert">{e.message(t)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Worum geht es?": open in the server-rendered page; the button to fold it appears only once
/// this island is live (it needs JavaScript), so without JavaScript nothing is hidden and no
/// dead control is offered. An island sees no server context, so the labels come as props;
/// the text is server-rendered children, sent once.
#[island]
fn AboutCard(heading: String, toggle: String, children: Children) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let open = RwSignal::new(true);
    view! {
        <section class="card" aria-labelledby="about-heading">
            <div class="card__head">
                <h2 id="about-heading">{heading}</h2>
                <button
                    type="button"
                    class="button button--secondary"
                    id="about-toggle"
                    aria-controls="about-text"
                    aria-expanded=move || open.get().to_string()
                    hidden=move || !live.get()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {toggle}
                </button>
            </div>
            <div id="about-text" hidden=move || !open.get()>{children()}</div>
        </section>
    }
}
