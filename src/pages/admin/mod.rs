//! Verwaltung: Benutzer, Benutzer anlegen/bearbeiten, CSV-Import, Organisationseinheiten.
//! One module per page group; the pieces they share (the id in the address, the password links
//! shown once) live here.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::auth::take_password_links;
use crate::app::{use_locale, use_texts};
use crate::components::layout::TableWrap;
use crate::model::PasswordLink;

mod import;
mod org;
mod user;
mod users;

pub use import::{ImportPage, ImportPreviewPage};
pub use org::{OrgTreeImportPage, OrgUnitsPage};
pub use user::{NewUserPage, UserPage};
pub use users::UsersPage;

pub(super) fn param_id() -> Memo<i64> {
    let p = use_params_map();
    Memo::new(move |_| p.read().get("id").and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Password links to hand over, shown once (after creating, importing or resetting).
#[component]
pub(super) fn PasswordLinks() -> impl IntoView {
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
