//! CSV-Import: the upload form and the preview before anything is created.
use super::{param_id, PasswordLinks};
use crate::components::layout::DataTable;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::users::{get_import_preview, CommitImport};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::{action_error, ErrorSummary};

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
        <form method="post" action="/verwaltung/import" enctype="multipart/form-data" class="form">
            <div class="field">
                <label for="datei">{t.import_file}</label>
                <p class="field__hint" id="datei-hint">
                    {t.import_file_hint}
                </p>
                <input
                    id="datei"
                    name="datei"
                    type="file"
                    accept=".csv,text/csv"
                    required=true
                    aria-describedby="datei-hint"
                />
            </div>
            <button type="submit" class="button">
                {t.import_upload}
            </button>
        </form>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let t = use_texts();
    let id = param_id();
    let commit = ServerAction::<CommitImport>::new();
    let error = action_error(commit);
    let done = query("fertig");
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
                if !p.errors.is_empty() {
                    return view! {
                        <div class="error-summary" role="alert">
                            <h2 class="error-summary__title">
                                {t.import_errors.of(p.errors.len())}
                            </h2>
                            <ul>
                                {p
                                    .errors
                                    .into_iter()
                                    .map(|e| view! { <li>{e}</li> })
                                    .collect_view()}
                            </ul>
                        </div>
                        <p>
                            <a href="/verwaltung/import">{t.import_again}</a>
                        </p>
                    }
                        .into_any();
                }
                let count = p.rows.len();
                view! {
                    <p>{t.import_preview_intro(count, &p.file_name)}</p>
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
                            {t.import_commit.of(count)}
                        </button>
                    </ActionForm>
                    <DataTable
                        caption=t.import_preview_caption
                        caption_shown=true
                        columns=vec![
                            t.import_col_row,
                            t.field_name,
                            t.field_email,
                            t.field_unit,
                            t.field_role,
                        ]
                    >
                        {p
                            .rows
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <tr>
                                        <td>{r.row}</td>
                                        <td>{r.name}</td>
                                        <td>{r.email}</td>
                                        <td>{r.org_unit}</td>
                                        <td>{r.role.label(t)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
