//! Übersicht: the state bars of the org units, drilled down by unit, course and state.
use super::people::PeopleSection;
use super::*;

/// From this many rows on, the page says how large the status list will be.
const LARGE_EXPORT_ROWS: u32 = 10_000;
/// Bytes of a status-list row, measured on the bench data (name, address, unit path, course,
/// dates): about 125.
const EXPORT_BYTES_PER_ROW: i64 = 125;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let q = use_query_map();
    let get = move |k: &str| q.read().get(k).filter(|v| !v.trim().is_empty());
    let dash = Resource::new_blocking(
        move || {
            (
                get("kurs"),
                get("einheit").and_then(|v| v.parse::<i64>().ok()),
                get("einheitensuche"),
                get("einheitenseite").and_then(|v| v.parse::<i64>().ok()),
            )
        },
        |(course, unit, search, page)| get_dashboard(course, unit, search, page),
    );
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
                    .and_then(|u| d.path.iter().find(|x| x.id == u).map(|x| x.name.clone()));
                let unit_search = get("einheitensuche").unwrap_or_default();
                let row_course = course.clone();
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
                let searching = d.search.is_some();
                view! {
                    {(!d.path.is_empty())
                        .then(|| {
                            let last = d.path.len() - 1;
                            view! {
                                <nav class="breadcrumb" aria-label=t.dash_path>
                                    <ol>
                                        <li>
                                            <a href=href_with(
                                                "/verwaltung/uebersicht",
                                                &[("kurs", course.clone())],
                                            )>{t.dash_all_units}</a>
                                        </li>
                                        {d
                                            .path
                                            .iter()
                                            .enumerate()
                                            .map(|(i, p)| {
                                                let href = href_with(
                                                    "/verwaltung/uebersicht",
                                                    &[("einheit", p.id.to_string()), ("kurs", course.clone())],
                                                );
                                                view! {
                                                    <li>
                                                        <a href=href aria-current=(i == last).then_some("page")>
                                                            {p.name.clone()}
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </nav>
                            }
                        })}
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
                                                &[
                                                    ("einheit", unit.clone()),
                                                    ("kurs", course.clone()),
                                                    ("status", status.into()),
                                                ],
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
                    <form
                        method="get"
                        action="/verwaltung/uebersicht"
                        class="filters"
                        role="search"
                        aria-label=t.dash_unit_search
                    >
                        {(!course.is_empty())
                            .then(|| {
                                view! { <input type="hidden" name="kurs" value=course.clone() /> }
                            })}
                        <div class="field">
                            <label for="einheitensuche">{t.dash_unit_search_label}</label>
                            <input
                                id="einheitensuche"
                                name="einheitensuche"
                                type="search"
                                value=unit_search.clone()
                            />
                        </div>
                        <button type="submit" class="button">
                            {t.dash_unit_search_submit}
                        </button>
                    </form>
                    {d
                        .search
                        .map(|found| {
                            view! {
                                <p role="status">
                                    {t.dash_units_found.of(found.total)}" "
                                    <a href=href_with(
                                        "/verwaltung/uebersicht",
                                        &[("kurs", course.clone())],
                                    )>{t.dash_all_units}</a>
                                </p>
                            }
                        })}
                    <p class="meta">
                        {t.dash_as_of(locale.format_date(d.today))}" "
                        {format!(
                            "{}, {}.",
                            t.dash_totals.of(d.people),
                            t.dash_pairs.of(d.total.total()),
                        )} {d.total.done_percent().map(|p| format!(" {}", t.dash_quota_total(p)))}
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
                                    <th scope="col">{t.dash_quota}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {d
                                    .units
                                    .iter()
                                    .map(|u| {
                                        let href = href_with(
                                            "/verwaltung/uebersicht",
                                            &[
                                                ("einheit", u.id.to_string()),
                                                ("kurs", row_course.clone()),
                                            ],
                                        );
                                        let current = selected_unit == Some(u.id);
                                        view! {
                                            <tr class=format!("depth-{}", u.depth.min(6))>
                                                <th scope="row">
                                                    <a href=href.clone() aria-current=current.then_some("true")>
                                                        {u.name.clone()}
                                                    </a>
                                                    {searching
                                                        .then(|| {
                                                            view! { <span class="unit-path">{u.path.clone()}</span> }
                                                        })}
                                                    {(u.children > 0 && !u.unfolded)
                                                        .then(|| {
                                                            view! {
                                                                <a class="unit-children" href=href.clone()>
                                                                    {t.dash_sub_units.of(u.children)}
                                                                    <span class="visually-hidden">
                                                                        {format!(" ({})", u.name)}
                                                                    </span>
                                                                </a>
                                                            }
                                                        })}
                                                </th>
                                                <td>{u.people}</td>
                                                {CourseState::ALL
                                                    .into_iter()
                                                    .map(|s| view! { <td>{u.counts.get(s)}</td> })
                                                    .collect_view()}
                                                <td class="quota">
                                                    <span class="quota__value">
                                                        {u
                                                            .counts
                                                            .done_percent()
                                                            .map(|p| t.dash_quota_value(p))
                                                            .unwrap_or_else(|| "–".into())}
                                                    </span>
                                                    <StateBar counts=u.counts />
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </TableWrap>
                    {d
                        .search
                        .or(d.level)
                        .filter(|f| f.total > f.per_page)
                        .map(|f| {
                            let course = course.clone();
                            let q = unit_search.clone();
                            let unit = unit.clone();
                            crate::components::pagination::pagination(
                                f.page,
                                (f.total + f.per_page - 1) / f.per_page,
                                move |p| href_with(
                                    "/verwaltung/uebersicht",
                                    &[
                                        ("einheit", unit.clone()),
                                        ("kurs", course.clone()),
                                        ("einheitensuche", q.clone()),
                                        ("einheitenseite", p.to_string()),
                                    ],
                                ),
                            )
                        })}
                    <section class="card" aria-labelledby="export-heading">
                        <h2 id="export-heading">{t.dash_exports}</h2>
                        <p>
                            {match &unit_name {
                                Some(n) => t.dash_exports_unit(n),
                                None => t.dash_exports_all.to_string(),
                            }}
                        </p>
                        {(d.total.total() > LARGE_EXPORT_ROWS)
                            .then(|| {
                                let rows = d.total.total();
                                view! {
                                    <p class="hint">
                                        {t
                                            .dash_export_size(
                                                locale.format_count(i64::from(rows)),
                                                (i64::from(rows) * EXPORT_BYTES_PER_ROW + 999_999)
                                                    / 1_000_000,
                                            )}
                                    </p>
                                }
                            })}
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
