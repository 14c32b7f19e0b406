//! The built-in pages linked from every footer: Barrierefreiheit, Leichte Sprache, Impressum,
//! Datenschutz (texts from the installation's files), the "Barriere melden" form, and the list
//! of reports for admins.
use crate::components::layout::DataTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::site::{barrier_reports, get_site_page, ReportBarrier, SetBarrierDone};
use crate::app::{use_locale, use_texts};
use crate::components::form::{action_error, ErrorSummary, Notice, TextField};
use crate::components::pagination::pagination;
use crate::components::status::Loaded;

/// One of the installation's text pages. When the UI is English but the installation has only
/// a German text, the text is shown marked `lang="de"` with a note.
#[component]
pub fn SitePage(
    name: &'static str,
    /// The page's name in the UI language (the footer link), as the document title when the
    /// text itself is in another language.
    label: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let page = Resource::new_blocking(|| (), move |_| get_site_page(name.to_string()));
    view! {
        <Loaded resource=page let:p>
            {
                let other_lang = p.lang != locale.code();
                view! {
                    <Title text=if other_lang { label.to_string() } else { p.title.clone() } />
                    <h1 lang=other_lang.then(|| p.lang.clone())>{p.title.clone()}</h1>
                    {other_lang.then(|| view! { <p class="notice">{t.site_page_german_only}</p> })}
                    <div class="module__content prose" lang=p.lang.clone() inner_html=p.html />
                }
            }
        </Loaded>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! { <SitePage name="barrierefreiheit" label=use_texts().footer_accessibility /> }
}

#[component]
pub fn EasyLanguagePage() -> impl IntoView {
    view! { <SitePage name="leichte-sprache" label=use_texts().footer_easy_language /> }
}

#[component]
pub fn ImprintPage() -> impl IntoView {
    view! { <SitePage name="impressum" label=use_texts().footer_imprint /> }
}

/// The AI Act's dates and announced changes (the courses link here), from the dated snippet.
#[component]
pub fn DeadlinesPage() -> impl IntoView {
    view! { <SitePage name="fristen" label=use_texts().deadlines_page /> }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! { <SitePage name="datenschutz" label=use_texts().footer_privacy /> }
}

/// "Barriere melden": public, works without JavaScript and without sign-in.
#[component]
pub fn ReportBarrierPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ReportBarrier>::new();
    let error = action_error(action);
    let q = use_query_map();
    let sent = move || q.read().get("gesendet").is_some();
    let page = move || q.read().get("seite").unwrap_or_default();
    view! {
        <Title text=t.barrier_title />
        <h1>{t.barrier_title}</h1>
        {move || sent().then(|| view! { <Notice text=t.barrier_sent /> })}
        <p class="lead">{t.barrier_intro}</p>
        <ErrorSummary error />
        <ActionForm action attr:class="form">
            {move || {
                view! {
                    <TextField
                        label=t.barrier_field_page
                        name="page"
                        hint=t.barrier_field_page_hint
                        value=page()
                        required=false
                        error
                    />
                }
            }}
            <TextField
                label=t.barrier_field_description
                name="description"
                hint=t.barrier_field_description_hint
                rows=6
                error
            />
            <TextField
                label=t.barrier_field_contact
                name="contact"
                autocomplete="email"
                hint=t.barrier_field_contact_hint
                required=false
                error
            />
            <button type="submit" class="button">
                {t.barrier_submit}
            </button>
        </ActionForm>
    }
}

/// The reports for admins: open ones first; each can be marked as done or reopened.
#[component]
pub fn BarrierReportsPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let toggle = ServerAction::<SetBarrierDone>::new();
    let toggle_error = action_error(toggle);
    let q = use_query_map();
    let page_no = move || q.read().get("seite").and_then(|p| p.parse::<i64>().ok());
    let reports = Resource::new_blocking(
        move || (page_no(), q.read().get("gespeichert")),
        |(page, _)| barrier_reports(page.unwrap_or(1)),
    );
    view! {
        <Title text=t.barriers_title />
        <h1>{t.barriers_title}</h1>
        <p class="lead">{t.barriers_intro}</p>
        {move || q.read().get("gespeichert").is_some().then(|| view! { <Notice text=t.saved /> })}
        <ErrorSummary error=toggle_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let data = crate::loaded!(reports.await);
                if data.items.is_empty() {
                    return view! { <p>{t.barriers_empty}</p> }.into_any();
                }
                let page_count = data.page_count();
                let page = data.page;
                view! {
                    <DataTable
                        caption=t.barriers_title
                        columns=vec![
                            t.barriers_col_date,
                            t.barriers_col_page,
                            t.barriers_col_description,
                            t.barriers_col_contact,
                            t.barriers_col_status,
                        ]
                    >
                        {data
                            .items
                            .into_iter()
                            .map(|r| {
                                let done = r.done_at.is_some();
                                view! {
                                    <tr>
                                        <td>{locale.format_date_time(r.created_at)}</td>
                                        <td class="cell-text">{r.page}</td>
                                        <td class="pre-line cell-text">{r.description}</td>
                                        <td>
                                            {if r.contact.is_empty() {
                                                t.barriers_no_contact.to_string()
                                            } else {
                                                r.contact
                                            }}
                                        </td>
                                        <td>
                                            <span class=if done {
                                                "state state--erledigt"
                                            } else {
                                                "state state--offen"
                                            }>
                                                {if done {
                                                    t.barriers_status_done
                                                } else {
                                                    t.barriers_status_open
                                                }}
                                            </span>
                                            <ActionForm action=toggle attr:class="inline-form">
                                                <input type="hidden" name="id" value=r.id />
                                                {(!done)
                                                    .then(|| {
                                                        view! { <input type="hidden" name="done" value="1" /> }
                                                    })}
                                                <button type="submit" class="button button--secondary">
                                                    {if done {
                                                        t.barriers_reopen
                                                    } else {
                                                        t.barriers_mark_done
                                                    }}
                                                </button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                    {(page_count > 1)
                        .then(|| pagination(
                            page,
                            page_count,
                            move |p: i64| format!("/verwaltung/barrieren?seite={p}"),
                        ))}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
