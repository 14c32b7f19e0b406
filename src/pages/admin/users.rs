//! Benutzer: the list of people with filters and paging.
use super::PasswordLinks;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tracking::AssignPeople;
use crate::api::users::{list_org_units, list_users, InviteNotSignedIn};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, Notice};
use crate::components::layout::{percent_encode, TableWrap};
use crate::components::pagination::pagination;
use crate::model::Role;

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
                            <div class="field">
                                <label for="bulk-due-days">{t.assign_due_days}</label>
                                <input
                                    id="bulk-due-days"
                                    name="due_days"
                                    type="number"
                                    min="1"
                                    max="3650"
                                    inputmode="numeric"
                                    class="input--short"
                                />
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
