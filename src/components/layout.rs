use leptos::prelude::*;
use leptos_router::hooks::use_location;

use server_fn::ServerFn;

use crate::api::auth::{get_current_user, Logout};
use crate::api::site::get_site_info;
use crate::app::{use_locale, use_texts};
use crate::model::Role;

/// Header with product and organisation name, skip link, navigation, language switch; the page
/// in `<main>`; footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let site = Resource::new_blocking(|| (), |_| get_site_info());
    let location = use_location();
    // Refetched on every navigation, so the header always shows who is signed in.
    let user = Resource::new_blocking(
        move || (location.pathname.get(), location.search.get()),
        |_| get_current_user(),
    );
    let nav = move || {
        Suspend::new(async move {
            let user = user.await.ok().flatten();
            let manager = user.as_ref().is_some_and(|u| u.role != Role::Employee);
            let admin = user.as_ref().is_some_and(|u| u.role == Role::Admin);
            view! {
                <ul>
                    <li>
                        <a href="/">{t.nav_home}</a>
                    </li>
                    {user
                        .is_some()
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/kurse">{t.nav_courses}</a>
                                </li>
                            }
                        })}
                    {user
                        .is_some()
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/zertifikate">{t.nav_certificates}</a>
                                </li>
                            }
                        })}
                    {admin
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/zertifikate">{t.nav_admin_certificates}</a>
                                </li>
                            }
                        })}
                    {manager
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/uebersicht">{t.nav_dashboard}</a>
                                </li>
                            }
                        })}
                    {manager
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/zuweisungen">{t.nav_assignments}</a>
                                </li>
                            }
                        })}
                    {manager
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/schulungen">{t.nav_sessions}</a>
                                </li>
                            }
                        })}
                    {manager
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/benutzer">{t.nav_users}</a>
                                </li>
                            }
                        })}
                    {(manager || admin)
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/organisation">{t.nav_org}</a>
                                </li>
                            }
                        })}
                    {admin
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/protokoll">{t.nav_audit}</a>
                                </li>
                            }
                        })}
                    {admin
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/barrieren">{t.nav_barriers}</a>
                                </li>
                            }
                        })}
                    {admin
                        .then(|| {
                            view! {
                                <li>
                                    <a href="/verwaltung/e-mails">{t.nav_mail}</a>
                                </li>
                            }
                        })}
                    {match user {
                        Some(u) => {
                            view! {
                                <li>
                                    <a href="/konto">
                                        {t.nav_account}
                                        <span class="visually-hidden">
                                            {format!(" ({})", u.display_name)}
                                        </span>
                                    </a>
                                </li>
                                <li>
                                    <form method="post" action=Logout::PATH class="inline-form">
                                        <button type="submit" class="link-button">
                                            {t.nav_logout}
                                        </button>
                                    </form>
                                </li>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <li>
                                    <a href="/anmelden">{t.nav_login}</a>
                                </li>
                            }
                                .into_any()
                        }
                    }}
                </ul>
            }
        })
    };
    let switch_href = move || {
        let here = location.pathname.get();
        let query = location.search.get();
        let back = if query.is_empty() {
            here
        } else {
            format!("{here}?{query}")
        };
        format!(
            "/sprache?lang={}&zurueck={}",
            locale.other().code(),
            percent_encode(&back)
        )
    };
    // The report form learns which page the person was on.
    let report_href = move || {
        let here = location.pathname.get();
        if here == "/barriere-melden" {
            here
        } else {
            format!("/barriere-melden?seite={}", percent_encode(&here))
        }
    };
    let org_name = move || {
        site.get()
            .and_then(|r| r.ok())
            .map(|s| s.org_name)
            .unwrap_or_default()
    };
    view! {
        <a class="skip-link" href="#inhalt">
            {t.skip_link}
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__name">{t.app_name}</span>
                    <span class="brand__org">
                        <Suspense fallback=|| ()>{org_name}</Suspense>
                    </span>
                </a>
                <nav aria-label=t.nav_label class="site-nav">
                    <Suspense fallback=|| ()>{nav}</Suspense>
                </nav>
                <a
                    class="lang-switch"
                    href=switch_href
                    rel="external"
                    hreflang=locale.other().code()
                    lang=locale.other().code()
                    title=t.lang_switch_hint
                >
                    {t.lang_switch_to}
                </a>
            </div>
        </header>
        <main id="inhalt" tabindex="-1" class="site-main">
            {children()}
        </main>
        <footer class="site-footer">
            <nav aria-label=t.footer_nav_label class="footer-nav">
                <ul>
                    <li>
                        <a href="/ueber">{t.about_title}</a>
                    </li>
                    <li>
                        <a href="/barrierefreiheit">{t.footer_accessibility}</a>
                    </li>
                    <li>
                        <a href=report_href>{t.footer_report_barrier}</a>
                    </li>
                    <li>
                        <a href="/leichte-sprache">{t.footer_easy_language}</a>
                    </li>
                    <li>
                        <a href="/impressum">{t.footer_imprint}</a>
                    </li>
                    <li>
                        <a href="/datenschutz">{t.footer_privacy}</a>
                    </li>
                </ul>
            </nav>
            <p>{t.footer_text}</p>
        </footer>
    }
}

/// Percent-encodes everything but unreserved characters and `/`, for a path in a query value.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// Everything but the unreserved characters and `/`, so that a path in `?weiter=` stays
/// readable.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

#[cfg(test)]
mod tests {
    #[test]
    fn percent_encoding() {
        assert_eq!(
            super::percent_encode("/kurse?x=ä&y"),
            "/kurse%3Fx%3D%C3%A4%26y"
        );
    }
}

/// A counted text with its number set apart ("<strong>3</strong> Zuweisungen überfällig"), in
/// the singular or plural form the number asks for.
#[component]
pub fn Counted(text: crate::i18n::Plural, n: i64) -> impl IntoView {
    let (before, after) = text.around(n);
    view! {
        {before}
        <strong>{n}</strong>
        {after}
    }
}

/// A data table in its scroll region: the caption that names it (for screen readers only unless
/// `caption_shown`), a header row with one column header per name, and `children` as the rows.
#[component]
pub fn DataTable(
    caption: &'static str,
    columns: Vec<&'static str>,
    #[prop(optional)] caption_shown: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <TableWrap label=caption>
            <table class="table">
                <caption class:visually-hidden=!caption_shown>{caption}</caption>
                <thead>
                    <tr>
                        {columns
                            .into_iter()
                            .map(|c| view! { <th scope="col">{c}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </TableWrap>
    }
}

/// The box a wide table scrolls in: a named region that keyboard users can focus and scroll with
/// the arrow keys (WCAG 2.1.1, 1.4.10), so the page itself never scrolls sideways.
#[component]
pub fn TableWrap(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=label>
            {children()}
        </div>
    }
}
