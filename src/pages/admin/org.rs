//! Organisationseinheiten: the org tree with creating, renaming, moving and deleting.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::get_current_user;
use crate::api::org::{
    get_tree_preview, CommitTreeImport, CreateOrgUnit, DeleteOrgUnit, UpdateOrgUnit,
};
use crate::api::users::list_org_units;
use crate::app::use_texts;
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, FileUpload, TextField};
use crate::components::layout::DataTable;
use crate::model::{OrgUnit, Role};

#[component]
pub fn OrgUnitsPage() -> impl IntoView {
    let t = use_texts();
    let create = ServerAction::<CreateOrgUnit>::new();
    let update = ServerAction::<UpdateOrgUnit>::new();
    let delete = ServerAction::<DeleteOrgUnit>::new();
    let create_error = action_error(create);
    let update_error = action_error(update);
    let delete_error = action_error(delete);
    let q = use_query_map();
    let units = Resource::new_blocking(
        move || {
            (
                q.read().get("gespeichert"),
                q.read().get("geloescht"),
                create.version().get(),
                update.version().get(),
                delete.version().get(),
            )
        },
        |_| list_org_units(),
    );
    let me = Resource::new_blocking(|| (), |_| get_current_user());
    let get = move |k: &str| q.read().get(k);
    view! {
        <Title text=t.org_title />
        <h1>{t.org_title}</h1>
        {move || {
            get("neu")
                .zip(get("geaendert"))
                .map(|(n, u)| {
                    view! {
                        <p class="notice" role="status">
                            {t.tree_done(n, u)}
                        </p>
                    }
                })
        }}
        {move || {
            get("fehler")
                .map(|_| {
                    view! {
                        <p class="notice notice--warning" role="alert">
                            {t.import_no_file}
                        </p>
                    }
                })
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let units = crate::loaded!(units.await);
                let is_admin = matches!(me.await, Ok(Some(ref m)) if m.role == Role::Admin);
                let create_options = unit_options(&units, None);
                let items = units
                    .clone()
                    .into_iter()
                    .map(|u| {
                        let others: Vec<OrgUnit> = units
                            .iter()
                            .filter(|o| o.id != u.id)
                            .cloned()
                            .collect();
                        view! {
                            <li class=format!("tree__item depth-{}", u.depth.min(6))>
                                <span class="tree__name">{u.name.clone()}</span>
                                {u
                                    .code
                                    .clone()
                                    .map(|c| {
                                        view! {
                                            <span class="tree__code">{format!(" ({c})")}</span>
                                        }
                                    })}
                                " "
                                <span class="tree__count">{t.org_members.of(u.member_count)}</span>
                                {is_admin
                                    .then(|| {
                                        view! {
                                            <details class="tree__edit">
                                                <summary>
                                                    {t.org_edit}
                                                    <span class="visually-hidden">
                                                        {format!(": {}", u.name)}
                                                    </span>
                                                </summary>
                                                <ActionForm action=update attr:class="form form--inline">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <div class="field">
                                                        <label for=format!("name-{}", u.id)>{t.field_name}</label>
                                                        <input
                                                            id=format!("name-{}", u.id)
                                                            name="name"
                                                            value=u.name.clone()
                                                            required=true
                                                        />
                                                    </div>
                                                    <div class="field">
                                                        <label for=format!("code-{}", u.id)>{t.org_code}</label>
                                                        <input
                                                            id=format!("code-{}", u.id)
                                                            name="code"
                                                            value=u.code.clone().unwrap_or_default()
                                                            maxlength="50"
                                                        />
                                                    </div>
                                                    <div class="field">
                                                        <label for=format!("parent-{}", u.id)>{t.org_parent}</label>
                                                        <select id=format!("parent-{}", u.id) name="parent_id">
                                                            <option value="">{t.org_top_level}</option>
                                                            {unit_options(&others, u.parent_id)}
                                                        </select>
                                                    </div>
                                                    <button type="submit" class="button">
                                                        {t.save}
                                                    </button>
                                                </ActionForm>
                                                <ActionForm action=delete>
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <button type="submit" class="button button--danger">
                                                        {t.org_delete}
                                                    </button>
                                                </ActionForm>
                                            </details>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <ErrorSummary error=update_error />
                    <ErrorSummary error=delete_error />
                    <ul class="tree">{items}</ul>
                    {is_admin
                        .then(|| {
                            view! {
                                <section class="card" aria-labelledby="new-unit-heading">
                                    <h2 id="new-unit-heading">{t.org_new}</h2>
                                    <ErrorSummary error=create_error />
                                    <ActionForm action=create attr:class="form">
                                        <TextField
                                            label=t.field_name
                                            name="name"
                                            error=create_error
                                        />
                                        <div class="field">
                                            <label for="parent_id">{t.org_parent}</label>
                                            <select id="parent_id" name="parent_id">
                                                <option value="">{t.org_top_level}</option>
                                                {create_options}
                                            </select>
                                        </div>
                                        <button type="submit" class="button">
                                            {t.org_create_submit}
                                        </button>
                                    </ActionForm>
                                </section>
                                <TreeUpload />
                            }
                        })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// Admins: the whole tree from a CSV file (with a preview before anything changes).
#[component]
fn TreeUpload() -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card" aria-labelledby="tree-upload-heading">
            <h2 id="tree-upload-heading">{t.tree_heading}</h2>
            <p>{t.tree_intro}</p>
            <pre class="example" aria-label=t.import_example_label>
                <code>{t.tree_example}</code>
            </pre>
            <FileUpload
                action="/verwaltung/organisation/import"
                id="struktur-datei"
                label=t.tree_file
                accept=".csv,text/csv"
                button=t.import_upload
                secondary=true
            />
        </section>
    }
}

/// The preview of an uploaded tree file, and the button that applies it.
#[component]
pub fn OrgTreeImportPage() -> impl IntoView {
    let t = use_texts();
    let commit = ServerAction::<CommitTreeImport>::new();
    let error = action_error(commit);
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let preview = Resource::new_blocking(
        move || (id.get(), commit.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_tree_preview(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.tree_preview_title />
        <h1>{t.tree_preview_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let p = crate::loaded!(preview.await);
                if p.committed {
                    return view! {
                        <p class="notice" role="status">
                            {t.import_already_done}
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
                            <a href="/verwaltung/organisation">{t.import_again}</a>
                        </p>
                    }
                        .into_any();
                }
                view! {
                    <p>{t.tree_preview_intro(&p.file_name, p.rows.len())}</p>
                    <ErrorSummary error />
                    <ActionForm action=commit attr:class="form">
                        <input type="hidden" name="id" value=p.id.to_string() />
                        <button type="submit" class="button">
                            {t.tree_commit}
                        </button>
                    </ActionForm>
                    <DataTable
                        caption=t.tree_preview_caption
                        caption_shown=true
                        columns=vec![
                            t.tree_col_code,
                            t.field_name,
                            t.tree_col_parent,
                            t.import_col_changes,
                        ]
                    >
                        {p
                            .rows
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <tr>
                                        <td>{r.code}</td>
                                        <td>{r.name}</td>
                                        <td>{r.parent}</td>
                                        <td>{r.change}</td>
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
