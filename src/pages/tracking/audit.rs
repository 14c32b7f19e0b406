//! Protokoll: the audit log as German sentences, filtered and paged.
use super::*;
use crate::components::layout::DataTable;

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
                    <DataTable
                        caption=t.audit_title
                        columns=vec![t.audit_when, t.audit_who, t.audit_event]
                    >
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
                    </DataTable>
                    {(page_count > 1).then(|| pagination(page, page_count, page_href))}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
