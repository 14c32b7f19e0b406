//! CSV-Import: the upload form and the preview before anything is created.
use super::{param_id, PasswordLinks};
use crate::components::layout::DataTable;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{get_import_preview, CommitImport};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::{action_error, ErrorSummary, FileUpload, FormError};
use crate::model::ImportPreview;

#[component]
pub fn ImportPage() -> impl IntoView {
    let t = use_texts();
    let failed = query("fehler");
    view! {
        <Title text=t.import_title />
        <h1>{t.import_title}</h1>
        <p>{t.import_intro}</p>
        <pre class="example" aria-label=t.import_example_label>
            <code>{t.import_example}</code>
        </pre>
        {move || {
            failed
                .get()
                .map(|_| {
                    view! {
                        <p class="notice notice--warning" role="alert">
                            {t.import_no_file}
                        </p>
                    }
                })
        }}
        <FileUpload
            action="/verwaltung/import"
            id="datei"
            label=t.import_file
            hint=t.import_file_hint
            accept=".csv,text/csv"
            button=t.import_upload
        />
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let t = use_texts();
    let id = param_id();
    let commit = ServerAction::<CommitImport>::new();
    let error = action_error(commit);
    let done = query("fertig");
    let failed = query("fehler");
    let preview = Resource::new_blocking(
        move || (id.get(), done.get(), commit.version().get()),
        |(id, _, _)| get_import_preview(id),
    );
    view! {
        <Title text=t.import_preview_title />
        <h1>{t.import_preview_title}</h1>
        {move || {
            commit.version().get();
            view! { <PasswordLinks /> }
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let p = crate::loaded!(preview.await);
                if p.committed {
                    return view! {
                        <p class="notice" role="status">
                            {t.import_done}
                        </p>
                        <p>
                            <a href="/verwaltung/benutzer">{t.users_title}</a>
                        </p>
                    }
                        .into_any();
                }
                let option_failed = failed
                    .get()
                    .map(|_| {
                        view! {
                            <p class="notice notice--warning" role="alert">
                                {t.import_option_invalid}
                            </p>
                        }
                    });
                view! {
                    {option_failed}
                    <MappingStep p=p.clone() />
                    <section id="vorschau" aria-labelledby="vorschau-titel">
                        <h2 id="vorschau-titel">{t.import_preview_heading}</h2>
                        <PreviewStep p commit error />
                    </section>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// Step 1: what each column holds, where unknown units go, whom the sync deactivates. A plain
/// form: the number of columns varies with the file.
#[component]
fn MappingStep(p: ImportPreview) -> impl IntoView {
    let t = use_texts();
    let fields = p.fields.clone();
    let unit_options = |chosen: &str,
                        none: &'static str,
                        top: Option<(&'static str, &'static str)>| {
        let mut options =
            vec![view! { <option value="" selected=chosen.is_empty()>{none}</option> }.into_any()];
        if let Some((value, label)) = top.filter(|_| p.may_top_level) {
            options.push(
                view! {
                    <option value=value selected=chosen == value>
                        {label}
                    </option>
                }
                .into_any(),
            );
        }
        options.extend(p.units.iter().map(|(id, path)| {
            let value = id.to_string();
            let selected = chosen == value;
            view! {
                <option value=value selected=selected>
                    {path.clone()}
                </option>
            }
            .into_any()
        }));
        options.collect_view()
    };
    let create_options = unit_options(
        &p.create_under,
        t.import_create_none,
        Some(("oben", t.import_top_level)),
    );
    let sync_options = unit_options(
        &p.sync,
        t.import_sync_none,
        Some(("alle", t.import_sync_all)),
    );
    view! {
        <section aria-labelledby="zuordnung-titel">
            <h2 id="zuordnung-titel">{t.import_mapping_title}</h2>
            <p>{t.import_mapping_intro}</p>
            <form
                method="post"
                action=format!("/verwaltung/import/{}/zuordnung", p.id)
                class="form form--wide"
            >
                <DataTable
                    caption=t.import_mapping_caption
                    columns=vec![t.import_col_header, t.import_col_sample, t.import_col_field]
                >
                    {p
                        .columns
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let select_id = format!("spalte-{i}");
                            let label = format!("{} „{}“", t.import_col_field, c.header);
                            let options = fields
                                .iter()
                                .map(|(code, name)| {
                                    view! {
                                        <option value=code.clone() selected=*code == c.field>
                                            {name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view();
                            view! {
                                <tr>
                                    <th scope="row">{c.header}</th>
                                    <td>{c.sample}</td>
                                    <td>
                                        <select id=select_id name="spalte" aria-label=label>
                                            <option value="" selected=c.field.is_empty()>
                                                {t.import_field_none}
                                            </option>
                                            {options}
                                        </select>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </DataTable>
                <div class="field">
                    <label for="einheiten_unter">{t.import_create_units}</label>
                    <p class="field__hint" id="einheiten-hint">
                        {t.import_create_units_hint}
                    </p>
                    <select
                        id="einheiten_unter"
                        name="einheiten_unter"
                        aria-describedby="einheiten-hint"
                    >
                        {create_options}
                    </select>
                </div>
                <div class="field">
                    <label for="abgleich">{t.import_sync}</label>
                    <p class="field__hint" id="abgleich-hint">
                        {t.import_sync_hint}
                    </p>
                    <select id="abgleich" name="abgleich" aria-describedby="abgleich-hint">
                        {sync_options}
                    </select>
                </div>
                <button type="submit" class="button button--secondary">
                    {t.import_mapping_apply}
                </button>
            </form>
        </section>
    }
}

/// Step 2: every problem, or what the import does, and the button that does it.
#[component]
fn PreviewStep(
    p: ImportPreview,
    commit: ServerAction<CommitImport>,
    error: FormError,
) -> impl IntoView {
    let t = use_texts();
    if !p.errors.is_empty() {
        return view! {
            <div class="error-summary" role="alert">
                <h3 class="error-summary__title">{t.import_errors.of(p.errors.len())}</h3>
                <ul>{p.errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                {(!p.unknown_units.is_empty())
                    .then(|| {
                        view! {
                            <ul class="import-units">
                                {p
                                    .unknown_units
                                    .into_iter()
                                    .map(|u| view! { <li>{u}</li> })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </div>
            <p>
                <a href="/verwaltung/import">{t.import_again}</a>
            </p>
        }
        .into_any();
    }
    let nothing = p.rows.is_empty() && p.deactivate.is_empty() && p.new_units.is_empty();
    view! {
        <p>{t.import_summary(&p.file_name, p.new_count, p.update_count, p.unchanged)}</p>
        {(!p.new_units.is_empty())
            .then(|| {
                view! {
                    <h3>{t.import_new_units_heading(p.new_units.len())}</h3>
                    <ul>
                        {p.new_units.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}
                    </ul>
                }
            })}
        {(!p.deactivate.is_empty())
            .then(|| {
                view! {
                    <h3 id="deaktivieren">{t.import_deactivate_heading(p.deactivate.len())}</h3>
                    <ul aria-labelledby="deaktivieren">
                        {p
                            .deactivate
                            .into_iter()
                            .map(|d| {
                                view! {
                                    <li>{format!("{} ({}, {})", d.name, d.email, d.org_unit)}</li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        {if nothing {
            view! {
                <p class="notice" role="status">
                    {t.import_nothing}
                </p>
            }
                .into_any()
        } else {
            view! {
                <ErrorSummary error />
                <ActionForm action=commit attr:class="form">
                    <input type="hidden" name="id" value=p.id.to_string() />
                    {p
                        .mail_enabled
                        .then(|| {
                            view! {
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id="invite"
                                        name="invite"
                                        value="on"
                                        checked
                                    />
                                    <label for="invite">{t.import_invite}</label>
                                </div>
                            }
                        })}
                    <button type="submit" class="button">
                        {t.import_commit}
                    </button>
                </ActionForm>
            }
                .into_any()
        }}
        {(!p.rows.is_empty())
            .then(|| {
                view! {
                    <DataTable
                        caption=t.import_preview_caption
                        caption_shown=true
                        columns=vec![
                            t.import_col_row,
                            t.field_name,
                            t.field_email,
                            t.import_col_personnel_no,
                            t.field_unit,
                            t.field_role,
                            t.import_col_changes,
                        ]
                    >
                        {p
                            .rows
                            .into_iter()
                            .map(|r| {
                                let change = if r.changes.is_empty() {
                                    t.import_new_person.to_string()
                                } else {
                                    r.changes
                                };
                                view! {
                                    <tr>
                                        <td>{r.row}</td>
                                        <td>{r.name}</td>
                                        <td>{r.email}</td>
                                        <td>{r.personnel_no}</td>
                                        <td>{r.org_unit}</td>
                                        <td>{r.role.label(t)}</td>
                                        <td>{change}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                }
            })}
    }
    .into_any()
}
