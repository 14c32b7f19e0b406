//! The people of an Übersicht selection, and one person's courses.
use super::*;
use crate::components::layout::DataTable;

#[component]
pub(super) fn PeopleSection(
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
                        <DataTable
                            caption=t.dash_people_heading
                            columns=vec![
                                t.field_name,
                                t.dash_state,
                                t.field_unit,
                                t.dash_assigned,
                                t.state_done,
                                t.state_overdue,
                                t.dash_next_due,
                            ]
                        >
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
                        </DataTable>
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
                                        {c
                                            .recorded
                                            .map(|f| {
                                                view! { <span class="meta">{format!(" · {f}")}</span> }
                                            })}
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
