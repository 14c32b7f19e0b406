//! Meine Kurse, course page, module page.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::courses::{get_course, get_module, list_my_courses, MarkRead};
use crate::app::{content_lang, use_locale, use_texts};
use crate::components::form::{action_error, ErrorSummary, Notice};
use crate::components::status::Loaded;
use crate::model::CourseCard;

/// A progress bar with its text equivalent ("3 von 8 Modulen erledigt").
#[component]
pub fn Progress(done: usize, total: usize, id: String) -> impl IntoView {
    let t = use_texts();
    let text = t.progress_modules(total, done);
    view! {
        <div class="progress">
            <progress
                id=id.clone()
                max=total.to_string()
                value=done.to_string()
                aria-label=text.clone()
            ></progress>
            <span class="progress__text">{text}</span>
        </div>
    }
}

#[component]
pub fn CourseCardView(card: CourseCard) -> impl IntoView {
    let t = use_texts();
    let href = format!("/kurse/{}", card.slug);
    let action = match &card.resume_module {
        Some(m) if card.modules_done > 0 => {
            Some((format!("/kurse/{}/{m}", card.slug), t.course_resume))
        }
        Some(m) => Some((format!("/kurse/{}/{m}", card.slug), t.course_start)),
        None => None,
    };
    // A certificate due for renewal with every module still read: straight to the test.
    let renewing = card.assignment.as_ref().is_some_and(|a| {
        matches!(
            a.state,
            crate::model::CourseState::Expiring | crate::model::CourseState::Expired
        )
    });
    let action = match action {
        None if renewing => Some((
            format!("/kurse/{}#abschlusstest", card.slug),
            t.course_renew_action,
        )),
        other => other,
    };
    let heading_id = format!("kurs-{}", card.slug);
    let labelled_by = heading_id.clone();
    let locale = crate::app::use_locale();
    let assignment = card.assignment.clone().map(|a| {
        let due = a.due.map(|d| locale.format_date(d));
        let text = match (a.state, due) {
            (crate::model::CourseState::Overdue, Some(d)) => t.course_overdue_since(&d),
            (crate::model::CourseState::Expiring, Some(d)) => t.course_renew_by(&d),
            (crate::model::CourseState::Expired, Some(d)) => t.course_expired_on(&d),
            (_, Some(d)) => t.course_due_by(&d),
            (_, None) => t.course_assigned.to_string(),
        };
        let kind = if a.mandatory {
            t.assign_mandatory
        } else {
            t.assign_optional
        };
        view! {
            <p class=format!("assignment assignment--{}", a.state.code())>
                <strong>{kind}</strong>
                " · "
                {text}
                {(a.state != crate::model::CourseState::Overdue)
                    .then(|| {
                        view! {
                            " · "
                            <crate::components::status::StateTag state=a.state />
                        }
                    })}
                {a.recorded.clone().map(|f| format!(" · {f}"))}
            </p>
        }
    });
    view! {
        <article class="card course-card" aria-labelledby=labelled_by>
            <p class="badge">{card.level.label(t)}</p>
            {assignment}
            <h2 id=heading_id lang=content_lang()>
                <a href=href>{card.title.clone()}</a>
            </h2>
            <p lang=content_lang()>{card.subtitle.clone()}</p>
            <p class="meta">{t.course_minutes.of(card.estimated_minutes)}</p>
            <Progress
                done=card.modules_done
                total=card.modules_total
                id=format!("fortschritt-{}", card.slug)
            />
            {match action {
                Some((href, label)) => {
                    view! {
                        <a class="button" href=href>
                            {label}
                            <span class="visually-hidden">{format!(": {}", card.title)}</span>
                        </a>
                    }
                        .into_any()
                }
                None => view! { <p class="status status--done">{t.course_all_read}</p> }.into_any(),
            }}
        </article>
    }
}

#[component]
pub fn MyCoursesPage() -> impl IntoView {
    let t = use_texts();
    let courses = Resource::new_blocking(|| (), |_| list_my_courses());
    view! {
        <Title text=t.my_courses_title />
        <h1>{t.my_courses_title}</h1>
        <p class="lead">{t.my_courses_intro}</p>
        <Loaded resource=courses let:list>
            <div class="course-grid">
                {list.into_iter().map(|card| view! { <CourseCardView card /> }).collect_view()}
            </div>
        </Loaded>
    }
}

#[component]
pub fn CoursePage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let params = use_params_map();
    let q = use_query_map();
    let slug = Memo::new(move |_| params.read().get("kurs").unwrap_or_default());
    let course = Resource::new_blocking(move || slug.get(), get_course);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let c = crate::loaded!(course.await);
                let finished = q.read().get("abgeschlossen").is_some();
                let welcome = q.read().get("passwort").is_some();
                let resume = c
                    .card
                    .resume_module
                    .clone()
                    .map(|m| {
                        let label = if c.card.modules_done > 0 {
                            t.course_resume
                        } else {
                            t.course_start
                        };
                        (format!("/kurse/{}/{m}", c.card.slug), label)
                    });
                view! {
                    <Title text=c.card.title.clone() />
                    <p class="badge">{c.card.level.label(t)}</p>
                    <h1 lang=content_lang()>{c.card.title.clone()}</h1>
                    <p class="lead" lang=content_lang()>
                        {c.card.subtitle.clone()}
                    </p>
                    {welcome.then(|| view! { <Notice text=t.password_set_welcome /> })}
                    {c
                        .renewal
                        .clone()
                        .map(|r| {
                            let date = locale.format_date(r.valid_until);
                            let first = if r.expired {
                                t.course_renewal_expired(&date)
                            } else {
                                t.course_renewal_due(&date)
                            };
                            let second = if r.reread > 0 {
                                t.course_renewal_reread.of(r.reread as u32)
                            } else {
                                t.course_renewal_unchanged.to_string()
                            };
                            view! {
                                <div class="notice notice--warning">
                                    <p>{first}</p>
                                    <p>{second}</p>
                                </div>
                            }
                        })}
                    {finished.then(|| view! { <Notice text=t.course_all_read /> })}
                    <p class="meta">
                        {t.course_stand(locale.format_date(c.stand), &c.version)} " · "
                        {t.course_minutes.of(c.card.estimated_minutes)}
                    </p>
                    <Progress
                        done=c.card.modules_done
                        total=c.card.modules_total
                        id="fortschritt".to_string()
                    />
                    {resume
                        .map(|(href, label)| {
                            view! {
                                <p>
                                    <a class="button" href=href>
                                        {label}
                                    </a>
                                </p>
                            }
                        })}
                    <section aria-labelledby="module-heading">
                        <h2 id="module-heading">{t.course_modules}</h2>
                        <p class="hint">
                            {t.course_completion_rule(c.final_test.pass_mark_percent)}
                        </p>
                        <ol class="module-list">
                            {c
                                .modules
                                .iter()
                                .map(|m| {
                                    let href = format!("/kurse/{}/{}", c.card.slug, m.id);
                                    view! {
                                        <li class="module-list__item" class:module-list__item--done=m.done>
                                        <a href=href lang=content_lang()>{m.title.clone()}</a>
                                        <span class="module-list__meta">
                                            {t.course_minutes.of(m.minutes)}
                                            " · "
                                            <span class=if m.done { "status status--done" } else { "status" }>
                                                {if m.done { t.module_done } else { t.module_open }}
                                            </span>
                                        </span>
                                    </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </section>
                    <FinalTestBox
                        slug=c.card.slug.clone()
                        info=c.final_test.clone()
                        blocked=q.read().get("test").is_some()
                    />
                    <section aria-labelledby="ziele-heading">
                        <h2 id="ziele-heading">{t.course_objectives}</h2>
                        <ul lang=content_lang()>
                            {c
                                .objectives
                                .iter()
                                .map(|o| view! { <li>{o.clone()}</li> })
                                .collect_view()}
                        </ul>
                        <p>
                            <strong>{t.course_audience}</strong>
                            " "
                            {c.audience.clone()}
                        </p>
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ModulePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("kurs").unwrap_or_default(),
            p.get("modul").unwrap_or_default(),
        )
    });
    let mark = ServerAction::<MarkRead>::new();
    let error = action_error(mark);
    let module = Resource::new_blocking(
        move || (key.get(), mark.version().get()),
        |((slug, m), _)| get_module(slug, m),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let m = crate::loaded!(module.await);
                let course_href = format!("/kurse/{}", m.course_slug);
                view! {
                    <Title text=format!("{} – {}", m.title, m.course_title) />
                    <nav aria-label=t.breadcrumb class="breadcrumb">
                        <a href="/kurse">{t.my_courses_title}</a>
                        " › "
                        <a href=course_href.clone()>{m.course_title.clone()}</a>
                    </nav>
                    <article class="module">
                        <h1 lang=content_lang()>{m.title.clone()}</h1>
                        <p class="meta">
                            {t.module_position(m.position, m.total)} " · "
                            {t.course_minutes.of(m.minutes)}
                            {m
                                .done
                                .then(|| {
                                    view! {
                                        " · "
                                        <span class="status status--done">{t.module_done}</span>
                                    }
                                })}
                        </p>
                        <section class="objectives" aria-labelledby="lernziele">
                            <h2 id="lernziele">{t.module_objectives}</h2>
                            <ul lang=content_lang()>
                                {m
                                    .objectives
                                    .iter()
                                    .map(|o| view! { <li>{o.clone()}</li> })
                                    .collect_view()}
                            </ul>
                        </section>
                        <div
                            class="module__content"
                            lang=content_lang()
                            inner_html=m.html.clone()
                        ></div>
                    </article>
                    <section class="card module-done" aria-labelledby="abschluss-heading">
                        <h2 id="abschluss-heading">{t.module_finish_heading}</h2>
                        <ErrorSummary error />
                        {if m.has_check {
                            let (course_field, module_field) = (
                                m.course_slug.clone(),
                                m.id.clone(),
                            );
                            view! {
                                <p>
                                    {if m.done {
                                        t.module_check_done
                                    } else {
                                        t.module_check_intro
                                    }}
                                </p>
                                <form method="post" action="/versuche/starten">
                                    <input type="hidden" name="kurs" value=course_field />
                                    <input type="hidden" name="modul" value=module_field />
                                    <button type="submit" class="button">
                                        {if m.done {
                                            t.module_check_repeat
                                        } else {
                                            t.module_check_start
                                        }}
                                    </button>
                                </form>
                            }
                                .into_any()
                        } else if m.done {
                            view! { <p>{t.module_already_done}</p> }.into_any()
                        } else {
                            let (course_field, module_field) = (
                                m.course_slug.clone(),
                                m.id.clone(),
                            );
                            view! {
                                <ActionForm action=mark>
                                    <input type="hidden" name="course" value=course_field />
                                    <input type="hidden" name="module" value=module_field />
                                    <button type="submit" class="button">
                                        {t.module_mark_read}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }}
                    </section>
                    <nav class="pager" aria-label=t.module_nav>
                        {m
                            .prev
                            .map(|p| {
                                view! {
                                    <a
                                        class="pager__prev"
                                        href=format!("/kurse/{}/{}", m.course_slug, p.id)
                                    >
                                        <span class="pager__label">{t.module_prev}</span>
                                        {p.title}
                                    </a>
                                }
                            })}
                        {m
                            .next
                            .map(|n| {
                                view! {
                                    <a
                                        class="pager__next"
                                        href=format!("/kurse/{}/{}", m.course_slug, n.id)
                                    >
                                        <span class="pager__label">{t.module_next}</span>
                                        {n.title}
                                    </a>
                                }
                            })}
                    </nav>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn FinalTestBox(slug: String, info: crate::model::FinalTestInfo, blocked: bool) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let facts = match info.time_limit_minutes {
        Some(m) => t.final_facts_timed(info.question_count, m, info.pass_mark_percent),
        None => t.final_facts(info.question_count, info.pass_mark_percent),
    };
    view! {
        <section class="card" id="abschlusstest" aria-labelledby="test-heading">
            <h2 id="test-heading">{t.final_heading}</h2>
            <p>{facts}</p>
            {info
                .completed
                .then(|| view! { <p class="status status--done">{t.final_completed}</p> })}
            {blocked
                .then(|| {
                    view! {
                        <p class="notice notice--warning" role="alert">
                            {t.final_blocked}
                        </p>
                    }
                })}
            {match (&info.wait_until, info.modules_complete) {
                (Some(until), _) => {
                    view! { <p class="notice notice--warning">{t.final_wait(until)}</p> }.into_any()
                }
                (None, false) => view! { <p>{t.quiz_modules_first}</p> }.into_any(),
                (None, true) => {
                    view! {
                        <form method="post" action="/versuche/starten">
                            <input type="hidden" name="kurs" value=slug.clone() />
                            <button type="submit" class="button">
                                {if info.completed { t.final_repeat } else { t.final_start }}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
            {(!info.attempts.is_empty())
                .then(|| {
                    view! {
                        <h3>{t.final_attempts}</h3>
                        <ul class="attempts">
                            {info
                                .attempts
                                .iter()
                                .map(|a| {
                                    let status = match a.passed {
                                        Some(true) => t.quiz_passed,
                                        Some(false) => t.quiz_failed,
                                        None => t.final_open,
                                    };
                                    let points = a
                                        .points
                                        .map(|p| format!(" · {p}/{}", a.max_points))
                                        .unwrap_or_default();
                                    view! {
                                        <li>
                                            <a href=format!(
                                                "/versuche/{}",
                                                a.id,
                                            )>
                                                {format!(
                                                    "{}{points} · {status}",
                                                    locale.format_date(a.date),
                                                )}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}
