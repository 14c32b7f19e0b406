//! Verwaltung: Benutzer, Benutzer anlegen/bearbeiten, CSV-Import, Organisationseinheiten.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::auth::{get_current_user, take_password_links};
use crate::api::org::{CreateOrgUnit, DeleteOrgUnit, UpdateOrgUnit};
use crate::api::tracking::AssignPeople;
use crate::api::users::{
    get_import_preview, get_user, list_org_units, list_users, CommitImport, CreateUser, DeleteUser,
    InviteNotSignedIn, ResetPasswordLink, UpdateUser,
};
use crate::app::use_query_param as query;
use crate::app::{use_locale, use_texts};
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, Notice, TextField};
use crate::components::layout::{percent_encode, TableWrap};
use crate::components::pagination::pagination;
use crate::model::{OrgUnit, PasswordLink, Role};

fn param_id() -> Memo<i64> {
    let p = use_params_map();
    Memo::new(move |_| p.read().get("id").and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Password links to hand over, shown once (after creating, importing or resetting).
#[component]
fn PasswordLinks() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let links = Resource::new_blocking(|| (), |_| take_password_links());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let links: Vec<PasswordLink> = links.await.unwrap_or_default();
                let mailed = links.iter().all(|l| l.mailed);
                let heading = if mailed { t.links_mailed_heading } else { t.links_heading };
                (!links.is_empty())
                    .then(|| {
                        // With mail on, the people got their links by e-mail: the page says so.
                        view! {
                            <section class="card card--highlight" aria-labelledby="links-heading">
                                <h2 id="links-heading">{heading}</h2>
                                <p>{if mailed { t.links_mailed_intro } else { t.links_intro }}</p>
                                <TableWrap label=heading>
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t.field_email}</th>
                                                <th scope="col">{t.links_link}</th>
                                                <th scope="col">{t.links_valid_until}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {links
                                                .into_iter()
                                                .map(|l| {
                                                    view! {
                                                        <tr>
                                                            <td class="cell-text">{l.email}</td>
                                                            <td>
                                                                {if l.mailed {
                                                                    view! { <span>{t.links_mailed}</span> }.into_any()
                                                                } else {
                                                                    view! { <code class="link-to-hand-over">{l.url}</code> }
                                                                        .into_any()
                                                                }}
                                                            </td>
                                                            <td>{locale.format_date(l.expires)}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </TableWrap>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_texts();
    let q = use_query_map();
    let users = Resource::new_blocking(
        move || {
            let q = q.read();
            (
                q.get("q"),
                q.get("einheit").and_then(|v| v.parse::<i64>().ok()),
                q.get("rolle").filter(|r| !r.is_empty()),
                q.get("zugang").filter(|r| !r.is_empty()),
                q.get("seite").and_then(|v| v.parse::<i64>().ok()),
            )
        },
        |(search, unit, role, access, page)| list_users(search, unit, role, access, page),
    );
    let invite = ServerAction::<InviteNotSignedIn>::new();
    let invited = query("eingeladen");
    let units = Resource::new_blocking(|| (), |_| list_org_units());
    let assign = ServerAction::<AssignPeople>::new();
    let assign_error = action_error(assign);
    let assigned = query("zugewiesen");
    let courses = Resource::new_blocking(|| (), |_| crate::api::courses::list_course_options());
    view! {
        <Title text=t.users_title />
        <h1>{t.users_title}</h1>
        <p class="actions">
            <a class="button" href="/verwaltung/benutzer/neu">
                {t.user_new_title}
            </a>
            <a class="button button--secondary" href="/verwaltung/import">
                {t.import_title}
            </a>
        </p>
        {move || {
            assigned
                .get()
                .map(|n| {
                    view! {
                        <p class="notice" role="status">
                            {n
                                .parse::<i64>()
                                .map(|n| t.assign_people_done.of(n))
                                .unwrap_or_default()}
                        </p>
                    }
                })
        }}
        {move || q.read().get("geloescht").map(|_| view! { <Notice text=t.user_deleted /> })}
        {move || {
            invited
                .get()
                .and_then(|n| n.parse::<i64>().ok())
                .map(|n| {
                    view! {
                        <p class="notice" role="status">
                            {t.users_invited.of(n)}
                        </p>
                    }
                })
        }}
        {move || {
            invite.version().get();
            view! { <PasswordLinks /> }
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let units = crate::loaded!(units.await);
                let data = crate::loaded!(users.await);
                let courses = courses.await.unwrap_or_default();
                let (search, unit, role, access) = {
                    let q = q.read();
                    (
                        q.get("q").unwrap_or_default(),
                        q.get("einheit").and_then(|v| v.parse().ok()),
                        q.get("rolle").unwrap_or_default(),
                        q.get("zugang").unwrap_or_default(),
                    )
                };
                let pending_only = access == "ausstehend";
                let page_count = data.page_count();
                let page = data.page;
                let page_href = {
                    let (search, role, access) = (search.clone(), role.clone(), access.clone());
                    move |p: i64| {
                        format!(
                            "/verwaltung/benutzer?q={}&einheit={}&rolle={}&zugang={}&seite={p}",
                            percent_encode(&search),
                            unit.map(|u: i64| u.to_string()).unwrap_or_default(),
                            percent_encode(&role),
                            percent_encode(&access),
                        )
                    }
                };
                let invite_all = (pending_only && data.total > 0)
                    .then(|| {
                        view! {
                            <ActionForm action=invite attr:class="form form--inline">
                                <input
                                    type="hidden"
                                    name="unit"
                                    value=unit.map(|u: i64| u.to_string()).unwrap_or_default()
                                />
                                <p class="field__hint">{t.users_invite_hint}</p>
                                <button type="submit" class="button button--secondary">
                                    {t.users_invite_all.of(data.total)}
                                </button>
                            </ActionForm>
                        }
                    });
                view! {
                    <form
                        method="get"
                        action="/verwaltung/benutzer"
                        class="filters"
                        role="search"
                        aria-label=t.users_filter
                    >
                        <div class="field">
                            <label for="q">{t.users_search}</label>
                            <input id="q" name="q" type="search" value=search />
                        </div>
                        <div class="field">
                            <label for="einheit">{t.field_unit}</label>
                            <select id="einheit" name="einheit">
                                <option value="">{t.all_units}</option>
                                {unit_options(&units, unit)}
                            </select>
                        </div>
                        <div class="field">
                            <label for="rolle">{t.field_role}</label>
                            <select id="rolle" name="rolle">
                                <option value="">{t.all_roles}</option>
                                {Role::ALL
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <option value=r.code() selected=role == r.code()>
                                                {r.label(t)}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="zugang">{t.users_access}</label>
                            <select id="zugang" name="zugang">
                                <option value="">{t.users_access_all}</option>
                                <option value="ausstehend" selected=pending_only>
                                    {t.users_access_pending}
                                </option>
                            </select>
                        </div>
                        <button type="submit" class="button">
                            {t.filter_apply}
                        </button>
                    </form>
                    <p role="status">{t.users_count.of(data.total)}</p>
                    {invite_all}
                    <ErrorSummary error=assign_error />
                    <ActionForm action=assign attr:class="form form--bulk">
                        <TableWrap label=t.users_title>
                            <table class="table">
                                <caption class="visually-hidden">{t.users_title}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">
                                            <span class="visually-hidden">{t.assign_select}</span>
                                        </th>
                                        <th scope="col">{t.field_name}</th>
                                        <th scope="col">{t.field_email}</th>
                                        <th scope="col">{t.field_unit}</th>
                                        <th scope="col">{t.field_role}</th>
                                        <th scope="col">{t.field_status}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {data
                                        .items
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, u)| {
                                            view! {
                                                <tr>
                                                    <td class="checkbox-cell">
                                                        <input
                                                            type="checkbox"
                                                            id=format!("sel-{}", u.id)
                                                            name=format!("user_ids[{i}]")
                                                            value=u.id.to_string()
                                                        />
                                                        <label for=format!("sel-{}", u.id) class="visually-hidden">
                                                            {t.assign_select_person(&u.display_name)}
                                                        </label>
                                                    </td>
                                                    <td>
                                                        <a href=format!(
                                                            "/verwaltung/benutzer/{}",
                                                            u.id,
                                                        )>{u.display_name}</a>
                                                    </td>
                                                    <td>{u.email}</td>
                                                    <td>{u.org_unit.unwrap_or_default()}</td>
                                                    <td>{u.role.label(t)}</td>
                                                    <td>
                                                        {if !u.active {
                                                            t.status_inactive
                                                        } else if u.has_password {
                                                            t.status_active
                                                        } else {
                                                            t.status_invited
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </TableWrap>
                        <fieldset class="card bulk">
                            <legend>{t.assign_people_heading}</legend>
                            <p class="field__hint">{t.assign_people_hint}</p>
                            <div class="field">
                                <label for="bulk-course">{t.csv_course}</label>
                                <select id="bulk-course" name="course">
                                    {courses
                                        .into_iter()
                                        .map(|c| view! { <option value=c.slug>{c.title}</option> })
                                        .collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="bulk-due">{t.csv_due}</label>
                                <input id="bulk-due" name="due" type="date" />
                            </div>
                            <div class="checkbox">
                                <input
                                    type="checkbox"
                                    id="bulk-mandatory"
                                    name="mandatory"
                                    value="on"
                                    checked
                                />
                                <label for="bulk-mandatory">{t.assign_mandatory}</label>
                            </div>
                            <button type="submit" class="button">
                                {t.assign_people_submit}
                            </button>
                        </fieldset>
                    </ActionForm>
                    {pagination(page, page_count, page_href)}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<CreateUser>::new();
    let error = action_error(action);
    let units = Resource::new_blocking(|| (), |_| list_org_units());
    let me = Resource::new_blocking(|| (), |_| get_current_user());
    view! {
        <Title text=t.user_new_title />
        <h1>{t.user_new_title}</h1>
        <p>{t.user_new_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let units = crate::loaded!(units.await);
                let is_admin = matches!(me.await, Ok(Some(ref u)) if u.role == Role::Admin);
                let roles: Vec<Role> = if is_admin {
                    Role::ALL.to_vec()
                } else {
                    vec![Role::Employee]
                };
                view! {
                    <ErrorSummary error />
                    <ActionForm action attr:class="form">
                        <TextField
                            label=t.field_name
                            name="display_name"
                            autocomplete="off"
                            error
                        />
                        <TextField
                            label=t.field_email
                            name="email"
                            kind="email"
                            autocomplete="off"
                            error
                        />
                        <UnitSelect units=units.clone() selected=None allow_none=is_admin error />
                        <div class="field">
                            <label for="role">{t.field_role}</label>
                            <select id="role" name="role">
                                {roles
                                    .into_iter()
                                    .map(|r| view! { <option value=r.code()>{r.label(t)}</option> })
                                    .collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">
                            {t.user_create_submit}
                        </button>
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn UnitSelect(
    units: Vec<OrgUnit>,
    selected: Option<i64>,
    allow_none: bool,
    error: crate::components::form::FormError,
) -> impl IntoView {
    let t = use_texts();
    let message = move || error.get().and_then(|e| e.field_message("org_unit_id"));
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label for="org_unit_id">{t.field_unit}</label>
            {move || message().map(|m| view! { <p class="field__error" id="org_unit_id-error">{m}</p> })}
            <select id="org_unit_id" name="org_unit_id"
                aria-describedby=move || message().map(|_| "org_unit_id-error")
                aria-invalid=move || message().map(|_| "true")>
                {allow_none.then(|| view! { <option value="">{t.no_unit}</option> })}
                {unit_options(&units, selected)}
            </select>
        </div>
    }
}

#[component]
pub fn UserPage() -> impl IntoView {
    let t = use_texts();
    let id = param_id();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPasswordLink>::new();
    let error = action_error(update);
    let reset_error = action_error(reset);
    let delete = ServerAction::<DeleteUser>::new();
    let delete_error = action_error(delete);
    let saved = query("gespeichert");
    let user = Resource::new_blocking(
        move || (id.get(), saved.get(), reset.version().get()),
        |(id, _, _)| get_user(id),
    );
    let units = Resource::new_blocking(|| (), |_| list_org_units());
    let me = Resource::new_blocking(|| (), |_| get_current_user());
    view! {
        <Title text=t.user_edit_title />
        <h1>{t.user_edit_title}</h1>
        {move || saved.get().map(|_| view! { <Notice text=t.saved /> })}
        {move || {
            reset.version().get();
            view! { <PasswordLinks /> }
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let u = crate::loaded!(user.await);
                let units = units.await.unwrap_or_default();
                let me = me.await.ok().flatten();
                let is_admin = me.as_ref().is_some_and(|m| m.role == Role::Admin);
                let is_self = me.as_ref().is_some_and(|m| m.id == u.id);
                view! {
                    <p class="lead">{u.email.clone()}</p>
                    <ErrorSummary error />
                    <ActionForm action=update attr:class="form">
                        <input type="hidden" name="id" value=u.id.to_string() />
                        <TextField
                            label=t.field_name
                            name="display_name"
                            value=u.display_name.clone()
                            error
                        />
                        <UnitSelect
                            units=units.clone()
                            selected=u.org_unit_id
                            allow_none=is_admin
                            error
                        />
                        {if is_admin {
                            view! {
                                <div class="field">
                                    <label for="role">{t.field_role}</label>
                                    <select id="role" name="role">
                                        {Role::ALL
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <option value=r.code() selected=r == u.role>
                                                        {r.label(t)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                                <fieldset class="field">
                                    <legend>{t.user_scope}</legend>
                                    <p class="field__hint">{t.user_scope_hint}</p>
                                    {units
                                        .iter()
                                        .enumerate()
                                        .map(|(i, unit)| {
                                            let checked = u.scope_unit_ids.contains(&unit.id);
                                            let input_id = format!("scope-{}", unit.id);
                                            view! {
                                                <div class=format!("checkbox depth-{}", unit.depth.min(6))>
                                                    <input
                                                        type="checkbox"
                                                        id=input_id.clone()
                                                        name=format!("scope[{i}]")
                                                        value=unit.id.to_string()
                                                        checked=checked
                                                    />
                                                    <label for=input_id>{unit.name.clone()}</label>
                                                </div>
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                            }
                                .into_any()
                        } else {
                            view! { <input type="hidden" name="role" value=u.role.code() /> }
                                .into_any()
                        }}
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id="active"
                                name="active"
                                value="on"
                                checked=u.active
                            />
                            <label for="active">{t.user_active}</label>
                        </div>
                        <button type="submit" class="button">
                            {t.save}
                        </button>
                    </ActionForm>
                    <crate::pages::tracking::PersonCourses id />
                    {(u.active)
                        .then(|| {
                            view! {
                                <section class="card" aria-labelledby="reset-heading">
                                    <h2 id="reset-heading">{t.reset_heading}</h2>
                                    <p>
                                        {if u.has_password {
                                            t.reset_intro
                                        } else {
                                            t.reset_intro_invited
                                        }}
                                    </p>
                                    <ErrorSummary error=reset_error />
                                    <ActionForm action=reset>
                                        <input type="hidden" name="id" value=u.id.to_string() />
                                        <button type="submit" class="button button--secondary">
                                            {t.reset_submit}
                                        </button>
                                    </ActionForm>
                                </section>
                            }
                        })}
                    {(is_admin && !is_self)
                        .then(|| {
                            let confirm_error = move || {
                                delete_error.get().and_then(|e| e.field_message("confirm"))
                            };
                            view! {
                                <section class="card card--danger" aria-labelledby="delete-heading">
                                    <h2 id="delete-heading">{t.user_delete_heading}</h2>
                                    <p id="delete-text">{t.user_delete_text}</p>
                                    <ErrorSummary error=delete_error />
                                    <ActionForm action=delete>
                                        <input type="hidden" name="id" value=u.id.to_string() />
                                        {move || {
                                            confirm_error()
                                                .map(|m| {
                                                    view! {
                                                        <p class="field__error" id="confirm-error">
                                                            {m}
                                                        </p>
                                                    }
                                                })
                                        }}
                                        <div class="checkbox">
                                            <input
                                                type="checkbox"
                                                id="confirm"
                                                name="confirm"
                                                value="on"
                                                aria-invalid=move || {
                                                    confirm_error().is_some().then_some("true")
                                                }
                                                aria-describedby=move || {
                                                    if confirm_error().is_some() {
                                                        "delete-text confirm-error"
                                                    } else {
                                                        "delete-text"
                                                    }
                                                }
                                            />
                                            <label for="confirm">{t.user_delete_confirm}</label>
                                        </div>
                                        <button type="submit" class="button button--danger">
                                            {t.user_delete_submit}
                                        </button>
                                    </ActionForm>
                                </section>
                            }
                        })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

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
                    <TableWrap label=t.import_preview_caption>
                        <table class="table">
                            <caption>{t.import_preview_caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t.import_col_row}</th>
                                    <th scope="col">{t.field_name}</th>
                                    <th scope="col">{t.field_email}</th>
                                    <th scope="col">{t.field_unit}</th>
                                    <th scope="col">{t.field_role}</th>
                                </tr>
                            </thead>
                            <tbody>
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
                            </tbody>
                        </table>
                    </TableWrap>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

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
    view! {
        <Title text=t.org_title />
        <h1>{t.org_title}</h1>
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
                            }
                        })}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
