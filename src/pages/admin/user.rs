//! One person: creating (Benutzer anlegen) and editing, with the unit picker both share.
use super::{param_id, PasswordLinks};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::get_current_user;
use crate::api::users::{
    get_user, list_org_units, CreateUser, DeleteUser, ResetPasswordLink, SetTimeFactor, UpdateUser,
};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, Notice, TextField};
use crate::model::{OrgUnit, Role};

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
    let time = ServerAction::<SetTimeFactor>::new();
    let time_error = action_error(time);
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
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id="ki_koordination"
                                        name="ki_koordination"
                                        value="on"
                                        checked=u.ai_coordinator
                                        aria-describedby="ki_koordination-hint"
                                    />
                                    <label for="ki_koordination">{t.user_ai_coordinator}</label>
                                </div>
                                <p class="field__hint" id="ki_koordination-hint">
                                    {t.user_ai_coordinator_hint}
                                </p>
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
                    <section class="card" aria-labelledby="time-heading">
                        <h2 id="time-heading">{t.time_factor_heading}</h2>
                        <p>{t.time_factor_intro}</p>
                        <ErrorSummary error=time_error />
                        <ActionForm action=time attr:class="form form--inline">
                            <input type="hidden" name="id" value=u.id.to_string() />
                            <div class="field">
                                <label for="percent">{t.time_factor_label}</label>
                                <select id="percent" name="percent">
                                    {crate::model::TIME_PERCENTS
                                        .iter()
                                        .map(|p| {
                                            let label = if *p == 100 {
                                                t.time_factor_normal.to_string()
                                            } else {
                                                t.time_factor_option(p)
                                            };
                                            view! {
                                                <option value=p.to_string() selected=*p == u.time_percent>
                                                    {label}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button button--secondary">
                                {t.save}
                            </button>
                        </ActionForm>
                    </section>
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
