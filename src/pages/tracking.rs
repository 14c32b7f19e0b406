//! Schulungskoordination: Übersicht (dashboard with drill-down), Zuweisungen, a person's
//! courses, Protokoll (audit log). Every page is a plain form/link page: it works without
//! JavaScript.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tracking::{
    get_assignment, get_dashboard, get_person_courses, list_assignments, list_audit,
    list_people_status, AssignUnit, DeleteAssignment, UpdateAssignment,
};
use crate::app::use_query_param as query;
use crate::app::{use_locale, use_texts};
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, Notice};
use crate::components::layout::{percent_encode, Counted, TableWrap};
use crate::components::pagination::pagination;
use crate::components::status::{Loaded, StateTag};
use crate::i18n::Texts;
use crate::islands::confirm::{ConfirmInPlace, ConfirmTexts};
use crate::model::{CourseState, PersonCourse, StateCounts, DUE_SOON_CODE};

/// A stacked bar of the state counts (decorative: the same numbers stand in the table row).
#[component]
fn StateBar(counts: StateCounts) -> impl IntoView {
    let total = counts.total().max(1) as f64;
    let mut x = 0.0;
    let segments: Vec<(String, String, String)> = CourseState::ALL
        .into_iter()
        .filter(|s| counts.get(*s) > 0)
        .map(|s| {
            let w = f64::from(counts.get(s)) * 100.0 / total;
            let seg = (
                format!("{x:.2}"),
                format!("{w:.2}"),
                format!("bar__seg bar__seg--{}", s.code()),
            );
            x += w;
            seg
        })
        .collect();
    view! {
        <svg
            class="bar"
            viewBox="0 0 100 10"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
        >
            <rect class="bar__bg" x="0" y="0" width="100" height="10" />
            {segments
                .into_iter()
                .map(|(x, w, class)| view! { <rect class=class x=x y="0" width=w height="10" /> })
                .collect_view()}
        </svg>
    }
}

fn legend(t: &'static Texts) -> impl IntoView {
    view! {
        <ul class="legend" aria-label=t.dash_legend>
            {CourseState::ALL
                .into_iter()
                .map(|s| {
                    view! {
                        <li>
                            <span
                                class=format!("legend__swatch bar__seg--{}", s.code())
                                aria-hidden="true"
                            ></span>
                            {s.label(t)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

fn href_with(base: &str, params: &[(&str, String)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let q = use_query_map();
    let get = move |k: &str| q.read().get(k).filter(|v| !v.trim().is_empty());
    let dash = Resource::new_blocking(move || get("kurs"), get_dashboard);
    let people = Resource::new_blocking(
        move || {
            (
                get("einheit").and_then(|v| v.parse::<i64>().ok()),
                get("kurs"),
                get("status"),
                get("q"),
                get("sortierung"),
                get("seite").and_then(|v| v.parse::<i64>().ok()),
            )
        },
        |(unit, course, state, search, sort, page)| async move {
            if unit.is_none() && state.is_none() && search.is_none() {
                return Ok(None);
            }
            list_people_status(unit, course, state, search, sort, page)
                .await
                .map(Some)
        },
    );
    view! {
        <Title text=t.dash_title />
        <h1>{t.dash_title}</h1>
        <p class="lead">{t.dash_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let d = crate::loaded!(dash.await);
                let course = get("kurs").unwrap_or_default();
                let unit = get("einheit").unwrap_or_default();
                let selected_unit: Option<i64> = unit.parse().ok();
                let unit_name = selected_unit
                    .and_then(|u| d.units.iter().find(|x| x.id == u).map(|x| x.name.clone()));
                let status_href = href_with(
                    "/verwaltung/export/status.csv",
                    &[
                        ("einheit", unit.clone()),
                        ("kurs", course.clone()),
                        ("status", get("status").unwrap_or_default()),
                        ("q", get("q").unwrap_or_default()),
                    ],
                );
                let evidence = |ext: &str| href_with(
                    &format!("/verwaltung/export/nachweis.{ext}"),
                    &[("einheit", unit.clone())],
                );
                let r = d.reminders;
                view! {
                    <section class="reminders" aria-labelledby="reminders-heading">
                        <h2 id="reminders-heading">{t.dash_reminders}</h2>
                        <ul class="reminder-list">
                            {[
                                (
                                    "reminder reminder--overdue",
                                    "ueberfaellig",
                                    t.dash_reminder_overdue,
                                    r.overdue,
                                ),
                                ("reminder", DUE_SOON_CODE, t.dash_reminder_due_soon, r.due_soon),
                                ("reminder", "laeuft-ab", t.dash_reminder_expiring, r.expiring),
                            ]
                                .into_iter()
                                .map(|(class, status, text, n)| {
                                    view! {
                                        <li class=class>
                                            <a href=href_with(
                                                "/verwaltung/uebersicht",
                                                &[("kurs", course.clone()), ("status", status.into())],
                                            )>
                                                <Counted text n=i64::from(n) />
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                    <form
                        method="get"
                        action="/verwaltung/uebersicht"
                        class="filters"
                        aria-label=t.dash_filter
                    >
                        {selected_unit
                            .map(|u| {
                                view! { <input type="hidden" name="einheit" value=u.to_string() /> }
                            })}
                        <div class="field">
                            <label for="kurs">{t.dash_course}</label>
                            <select id="kurs" name="kurs">
                                <option value="">{t.dash_all_courses}</option>
                                {d
                                    .courses
                                    .iter()
                                    .map(|c| {
                                        view! {
                                            <option value=c.slug.clone() selected=c.slug == course>
                                                {c.title.clone()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">
                            {t.filter_apply}
                        </button>
                    </form>
                    <p class="meta">
                        {t.dash_as_of(locale.format_date(d.today))}" "
                        {format!(
                            "{}, {}.",
                            t.dash_totals.of(d.people),
                            t.dash_pairs.of(d.total.total()),
                        )}
                    </p>
                    {legend(t)}
                    <TableWrap label=t.dash_table_caption>
                        <table class="table table--numbers">
                            <caption class="visually-hidden">{t.dash_table_caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t.field_unit}</th>
                                    <th scope="col">{t.dash_people}</th>
                                    {CourseState::ALL
                                        .into_iter()
                                        .map(|s| view! { <th scope="col">{s.label(t)}</th> })
                                        .collect_view()}
                                    <th scope="col">{t.dash_distribution}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {d
                                    .units
                                    .iter()
                                    .map(|u| {
                                        let href = href_with(
                                            "/verwaltung/uebersicht",
                                            &[("einheit", u.id.to_string()), ("kurs", course.clone())],
                                        );
                                        let current = selected_unit == Some(u.id);
                                        view! {
                                            <tr class=format!("depth-{}", u.depth.min(6))>
                                                <th scope="row">
                                                    <a href=href aria-current=current.then_some("true")>
                                                        {u.name.clone()}
                                                    </a>
                                                </th>
                                                <td>{u.people}</td>
                                                {CourseState::ALL
                                                    .into_iter()
                                                    .map(|s| view! { <td>{u.counts.get(s)}</td> })
                                                    .collect_view()}
                                                <td>
                                                    <StateBar counts=u.counts />
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </TableWrap>
                    <section class="card" aria-labelledby="export-heading">
                        <h2 id="export-heading">{t.dash_exports}</h2>
                        <p>
                            {match &unit_name {
                                Some(n) => t.dash_exports_unit(n),
                                None => t.dash_exports_all.to_string(),
                            }}
                        </p>
                        <ul class="actions">
                            <li>
                                <a
                                    class="button button--secondary"
                                    href=status_href
                                    download
                                    rel="external"
                                >
                                    {t.dash_export_status}
                                </a>
                            </li>
                            <li>
                                <a
                                    class="button button--secondary"
                                    href=evidence("csv")
                                    download
                                    rel="external"
                                >
                                    {t.dash_export_evidence_csv}
                                </a>
                            </li>
                            <li>
                                <a
                                    class="button button--secondary"
                                    href=evidence("pdf")
                                    download
                                    rel="external"
                                >
                                    {t.dash_export_evidence_pdf}
                                </a>
                            </li>
                        </ul>
                    </section>
                    <PeopleSection people unit_name />
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn PeopleSection(
    people: Resource<
        Result<Option<crate::model::Paged<crate::model::PersonStatus>>, crate::error::AppError>,
    >,
    unit_name: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let q = use_query_map();
    let get = move |k: &str| q.read().get(k).unwrap_or_default();
    view! {
        <section aria-labelledby="people-heading">
            <h2 id="people-heading">
                {match &unit_name {
                    Some(n) => t.dash_people_in(n),
                    None => t.dash_people_heading.to_string(),
                }}
            </h2>
            <form
                method="get"
                action="/verwaltung/uebersicht"
                class="filters"
                role="search"
                aria-label=t.dash_people_filter
            >
                <input type="hidden" name="einheit" value=get("einheit") />
                <input type="hidden" name="kurs" value=get("kurs") />
                <div class="field">
                    <label for="q">{t.users_search}</label>
                    <input id="q" name="q" type="search" value=get("q") />
                </div>
                <div class="field">
                    <label for="status">{t.dash_state}</label>
                    <select id="status" name="status">
                        <option value="">{t.dash_all_states}</option>
                        {CourseState::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=s.code() selected=get("status") == s.code()>
                                        {s.label(t)}
                                    </option>
                                }
                            })
                            .collect_view()}
                        <option value=DUE_SOON_CODE selected=get("status") == DUE_SOON_CODE>
                            {t.dash_state_due_soon}
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="sortierung">{t.dash_sort}</label>
                    <select id="sortierung" name="sortierung">
                        {[
                            ("name", t.dash_sort_name),
                            ("einheit", t.dash_sort_unit),
                            ("status", t.dash_sort_state),
                            ("faellig", t.dash_sort_due),
                        ]
                            .into_iter()
                            .map(|(code, label)| {
                                view! {
                                    <option value=code selected=get("sortierung") == code>
                                        {label}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">
                    {t.filter_apply}
                </button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let Some(data) = crate::loaded!(people.await) else {
                        return view! { <p>{t.dash_people_hint}</p> }.into_any();
                    };
                    let page_count = data.page_count();
                    let page = data.page;
                    let page_href = move |p: i64| href_with(
                        "/verwaltung/uebersicht",
                        &[
                            ("einheit", get("einheit")),
                            ("kurs", get("kurs")),
                            ("status", get("status")),
                            ("q", get("q")),
                            ("sortierung", get("sortierung")),
                            ("seite", p.to_string()),
                        ],
                    );
                    view! {
                        <p role="status">{t.users_count.of(data.total)}</p>
                        <TableWrap label=t.dash_people_heading>
                            <table class="table">
                                <caption class="visually-hidden">{t.dash_people_heading}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t.field_name}</th>
                                        <th scope="col">{t.dash_state}</th>
                                        <th scope="col">{t.field_unit}</th>
                                        <th scope="col">{t.dash_assigned}</th>
                                        <th scope="col">{t.state_done}</th>
                                        <th scope="col">{t.state_overdue}</th>
                                        <th scope="col">{t.dash_next_due}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {data
                                        .items
                                        .into_iter()
                                        .map(|p| {
                                            view! {
                                                <tr>
                                                    <th scope="row">
                                                        <a href=format!(
                                                            "/verwaltung/benutzer/{}",
                                                            p.id,
                                                        )>{p.name}</a>
                                                    </th>
                                                    <td>
                                                        {match p.worst {
                                                            Some(s) => view! { <StateTag state=s /> }.into_any(),
                                                            None => {
                                                                view! { <span>{t.dash_nothing_assigned}</span> }.into_any()
                                                            }
                                                        }}
                                                    </td>
                                                    <td class="cell-text">{p.unit.unwrap_or_default()}</td>
                                                    <td>{p.counts.total()}</td>
                                                    <td>{p.counts.done + p.counts.expiring}</td>
                                                    <td>{p.counts.overdue}</td>
                                                    <td>
                                                        {p
                                                            .next_due
                                                            .map(|d| locale.format_date(d))
                                                            .unwrap_or_default()}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </TableWrap>
                        {(page_count > 1).then(|| pagination(page, page_count, page_href))}
                    }
                        .into_any()
                })}
            </Transition>
        </section>
    }
}

/// A person's courses with state, due date and certificate validity (on the user page).
#[component]
pub fn PersonCourses(id: Memo<i64>) -> impl IntoView {
    let t = use_texts();
    let courses = Resource::new_blocking(move || id.get(), get_person_courses);
    view! {
        <section class="card" aria-labelledby="courses-heading">
            <h2 id="courses-heading">{t.person_courses_heading}</h2>
            <Loaded resource=courses let:list>
                {if list.is_empty() {
                    view! { <p>{t.person_courses_none}</p> }.into_any()
                } else {
                    view! { <PersonCourseTable list /> }.into_any()
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn PersonCourseTable(list: Vec<PersonCourse>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let scores = list.iter().any(|c| c.attempts.is_some());
    let date = move |d: Option<crate::i18n::Date>| {
        d.map(|d| locale.format_date(d))
            .unwrap_or_else(|| "–".into())
    };
    view! {
        <TableWrap label=t.person_courses_heading>
            <table class="table">
                <caption class="visually-hidden">{t.person_courses_heading}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.csv_course}</th>
                        <th scope="col">{t.dash_state}</th>
                        <th scope="col">{t.csv_due}</th>
                        <th scope="col">{t.csv_completed}</th>
                        <th scope="col">{t.csv_valid_until}</th>
                        {scores
                            .then(|| {
                                view! {
                                    <th scope="col">{t.person_score}</th>
                                    <th scope="col">{t.person_attempts}</th>
                                }
                            })}
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    <th scope="row">
                                        {c.title}
                                        {(!c.assigned)
                                            .then(|| {
                                                view! {
                                                    <span class="meta">
                                                        {format!(" ({})", t.person_not_assigned)}
                                                    </span>
                                                }
                                            })}
                                        {(c.assigned && c.mandatory)
                                            .then(|| {
                                                view! {
                                                    <span class="meta">
                                                        {format!(" · {}", t.assign_mandatory)}
                                                    </span>
                                                }
                                            })}
                                    </th>
                                    <td>
                                        <StateTag state=c.state />
                                    </td>
                                    <td>{date(c.due)}</td>
                                    <td>{date(c.completed)}</td>
                                    <td>{date(c.valid_until)}</td>
                                    {scores
                                        .then(|| {
                                            view! {
                                                <td>{c.score.unwrap_or_else(|| "–".into())}</td>
                                                <td>{c.attempts.unwrap_or(0)}</td>
                                            }
                                        })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

#[component]
pub fn AssignmentsPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let create = ServerAction::<AssignUnit>::new();
    let update = ServerAction::<UpdateAssignment>::new();
    let error = action_error(create);
    let update_error = action_error(update);
    let saved = query("gespeichert");
    let removed = query("entfernt");
    let data = Resource::new_blocking(
        move || (saved.get(), removed.get(), update.version().get()),
        |_| list_assignments(),
    );
    view! {
        <Title text=t.assign_title />
        <h1>{t.assign_title}</h1>
        <p class="lead">{t.assign_intro}</p>
        {move || saved.get().map(|_| view! { <Notice text=t.saved /> })}
        {move || removed.get().map(|_| view! { <Notice text=t.assign_removed /> })}
        <ErrorSummary error=update_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (list, courses, units) = crate::loaded!(data.await);
                let due_msg = move || error.get().and_then(|e| e.field_message("due"));
                view! {
                    <section class="card" aria-labelledby="new-assignment">
                        <h2 id="new-assignment">{t.assign_new_heading}</h2>
                        <ErrorSummary error />
                        <ActionForm action=create attr:class="form">
                            <div class="field">
                                <label for="course">{t.csv_course}</label>
                                <select id="course" name="course">
                                    {courses.iter().map(|c| view! { <option value=c.slug.clone()>{c.title.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="org_unit_id">{t.field_unit}</label>
                                <p class="field__hint" id="org_unit_id-hint">{t.assign_unit_hint}</p>
                                <select id="org_unit_id" name="org_unit_id" aria-describedby="org_unit_id-hint">
                                    {unit_options(&units, None)}
                                </select>
                            </div>
                            <div class="field" class:field--error=move || due_msg().is_some()>
                                <label for="due">{t.csv_due}</label>
                                <p class="field__hint" id="due-hint">{t.assign_due_hint}</p>
                                {move || due_msg().map(|m| view! { <p class="field__error" id="due-error">{m}</p> })}
                                <input id="due" name="due" type="date"
                                    aria-describedby=move || if due_msg().is_some() { "due-hint due-error" } else { "due-hint" }
                                    aria-invalid=move || due_msg().map(|_| "true") />
                            </div>
                            <div class="checkbox">
                                <input type="checkbox" id="mandatory" name="mandatory" value="on" checked />
                                <label for="mandatory">{t.assign_mandatory}</label>
                            </div>
                            <button type="submit" class="button">{t.assign_submit}</button>
                        </ActionForm>
                    </section>
                    <h2>{t.assign_list_heading}</h2>
                    {if list.is_empty() {
                        view! { <p>{t.assign_none}</p> }.into_any()
                    } else {
                        view! {
                            <TableWrap label=t.assign_list_heading>
                                <table class="table">
                                    <caption class="visually-hidden">{t.assign_list_heading}</caption>
                                    <thead><tr>
                                        <th scope="col">{t.csv_course}</th>
                                        <th scope="col">{t.assign_target}</th>
                                        <th scope="col">{t.csv_due}</th>
                                        <th scope="col">{t.assign_change}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|a| {
                                            let due_id = format!("due-{}", a.id);
                                            let m_id = format!("mandatory-{}", a.id);
                                            let label = format!(": {} – {}", a.course.title, a.target);
                                            let (l1, l2, l3, l4) = (label.clone(), label.clone(), label.clone(), label);
                                            let remove_href = format!("/verwaltung/zuweisungen/{}/entfernen", a.id);
                                            let remove_action = <DeleteAssignment as leptos::server_fn::ServerFn>::PATH.to_string();
                                            let remove_texts = ConfirmTexts {
                                                label: t.assign_remove.into(),
                                                label_detail: l4,
                                                question: t.assign_remove_question(&a.course.title, &a.target),
                                                consequence: t.assign_remove_keeps.into(),
                                                confirm: t.assign_remove_confirm.into(),
                                                cancel: t.cancel.into(),
                                            };
                                            view! {
                                                <tr>
                                                    <th scope="row">{a.course.title.clone()}{a.mandatory.then(|| view! { <span class="meta">{format!(" · {}", t.assign_mandatory)}</span> })}</th>
                                                    <td>{a.target.clone()}{(!a.is_unit).then(|| view! { <span class="meta">{format!(" ({})", t.assign_person)}</span> })}</td>
                                                    <td>{a.due.map(|d| locale.format_date(d)).unwrap_or_else(|| t.assign_no_due.to_string())}</td>
                                                    <td>
                                                        <ActionForm action=update attr:class="form form--inline">
                                                            <input type="hidden" name="id" value=a.id.to_string() />
                                                            <div class="field">
                                                                <label for=due_id.clone()>{t.csv_due}<span class="visually-hidden">{l1}</span></label>
                                                                <input id=due_id type="date" name="due" value=a.due.map(|d| d.iso()).unwrap_or_default() />
                                                            </div>
                                                            <div class="checkbox">
                                                                <input type="checkbox" id=m_id.clone() name="mandatory" value="on" checked=a.mandatory />
                                                                <label for=m_id>{t.assign_mandatory}<span class="visually-hidden">{l2}</span></label>
                                                            </div>
                                                            <button type="submit" class="button button--secondary">{t.save}<span class="visually-hidden">{l3}</span></button>
                                                        </ActionForm>
                                                        <ConfirmInPlace href=remove_href action=remove_action id=a.id texts=remove_texts />
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </TableWrap>
                        }.into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// "Really remove?" before an assignment goes: a page of its own, so the question is the same
/// with and without JavaScript.
#[component]
pub fn RemoveAssignmentPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let delete = ServerAction::<DeleteAssignment>::new();
    let error = action_error(delete);
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_assignment(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.assign_remove_title />
        <h1>{t.assign_remove_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let a = crate::loaded!(data.await);
                let question = t.assign_remove_question(&a.course.title, &a.target);
                let due = a.due.map(|d| t.assign_remove_due(locale.format_date(d)));
                view! {
                    <ErrorSummary error />
                    <p class="lead">{question}</p>
                    {due.map(|d| view! { <p class="meta">{d}</p> })}
                    <p>{t.assign_remove_keeps}</p>
                    <ActionForm action=delete attr:class="form form--inline">
                        <input type="hidden" name="id" value=a.id.to_string() />
                        <button type="submit" class="button button--danger">
                            {t.assign_remove_confirm}
                        </button>
                        <a class="button button--secondary" href="/verwaltung/zuweisungen">
                            {t.cancel}
                        </a>
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let q = use_query_map();
    let get = move |k: &str| q.read().get(k).unwrap_or_default();
    let log = Resource::new_blocking(
        move || (get("bereich"), get("q"), get("seite").parse::<i64>().ok()),
        |(area, search, page)| list_audit(Some(area), Some(search), page),
    );
    let areas = [
        ("", t.audit_all),
        ("assignment", t.audit_area_assignments),
        ("certificate", t.audit_area_certificates),
        ("user", t.audit_area_users),
        ("org_unit", t.audit_area_units),
        ("export", t.audit_area_exports),
    ];
    view! {
        <Title text=t.audit_title />
        <h1>{t.audit_title}</h1>
        <p class="lead">{t.audit_intro}</p>
        <form
            method="get"
            action="/verwaltung/protokoll"
            class="filters"
            role="search"
            aria-label=t.audit_filter
        >
            <div class="field">
                <label for="bereich">{t.audit_area}</label>
                <select id="bereich" name="bereich">
                    {areas
                        .into_iter()
                        .map(|(code, label)| {
                            view! {
                                <option value=code selected=move || get("bereich") == code>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="q">{t.audit_search}</label>
                <input id="q" name="q" type="search" value=move || get("q") />
            </div>
            <button type="submit" class="button">
                {t.filter_apply}
            </button>
        </form>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let data = crate::loaded!(log.await);
                let page_count = data.page_count();
                let page = data.page;
                let page_href = move |p: i64| href_with(
                    "/verwaltung/protokoll",
                    &[("bereich", get("bereich")), ("q", get("q")), ("seite", p.to_string())],
                );
                view! {
                    <p role="status">{t.audit_count.of(data.total)}</p>
                    <TableWrap label=t.audit_title>
                        <table class="table">
                            <caption class="visually-hidden">{t.audit_title}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t.audit_when}</th>
                                    <th scope="col">{t.audit_who}</th>
                                    <th scope="col">{t.audit_event}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {data
                                    .items
                                    .into_iter()
                                    .map(|e| {
                                        view! {
                                            <tr>
                                                <td>{locale.format_date_time(e.at)}</td>
                                                <td class="cell-text">
                                                    {match e.actor.rsplit_once(" <") {
                                                        Some((name, mail)) => {
                                                            // "Name <address>": the name, the address below it.
                                                            view! {
                                                                {name.to_string()}
                                                                <br />
                                                                <span class="meta">
                                                                    {mail.trim_end_matches('>').to_string()}
                                                                </span>
                                                            }
                                                                .into_any()
                                                        }
                                                        None => view! { {e.actor.clone()} }.into_any(),
                                                    }}
                                                </td>
                                                <td class="cell-text">{e.summary}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </TableWrap>
                    {(page_count > 1).then(|| pagination(page, page_count, page_href))}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
