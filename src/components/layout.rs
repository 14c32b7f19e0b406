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
    let nav = move || {
        Suspend::new(async move {
            let user = user.await.ok().flatten();
            let manager = user.as_ref().is_some_and(|u| u.role != Role::Employee);
            let admin = user.as_ref().is_some_and(|u| u.role == Role::Admin);
            let signed_in = user.is_some();
            // The administration's pages in one group, so the header stays one line on a
            // desktop; a native <details>, so it opens without JavaScript.
            let mut manage: Vec<(&'static str, &'static str)> = Vec::new();
            if manager {
                manage.extend([
                    ("/verwaltung/uebersicht", t.nav_dashboard),
                    ("/verwaltung/zuweisungen", t.nav_assignments),
                    ("/verwaltung/schulungen", t.nav_sessions),
                    ("/verwaltung/benutzer", t.nav_users),
                    ("/verwaltung/organisation", t.nav_org),
                ]);
            }
            if manager || user.as_ref().is_some_and(|u| u.ai_coordinator) {
                manage.push(("/verwaltung/ki-register", t.nav_register));
            }
            if admin {
                manage.extend([
                    ("/verwaltung/zertifikate", t.nav_admin_certificates),
                    ("/verwaltung/protokoll", t.nav_audit),
                    ("/verwaltung/barrieren", t.nav_barriers),
                    ("/verwaltung/e-mails", t.nav_mail),
                ]);
            }
            let here = StoredValue::new(location.pathname.get_untracked());
            let current = move |href: &str| here.with_value(|h| h == href).then_some("page");
            let current_in_group = here.with_value(|h| h.starts_with("/verwaltung/"));
            let link = move |href: &'static str, label: &'static str| {
                view! {
                    <li>
                        <a href=href aria-current=current(href)>
                            {label}
                        </a>
                    </li>
                }
            };
            view! {
                // The landmark stays outside the menu, so it is there while the menu is closed.
                // The administration's longer line folds into the menu up to a wider screen.
                <nav aria-label=t.nav_label class="site-nav">
                <details class="site-menu" class:site-menu--long=manager>
                <summary class="site-menu__toggle">
                    <span class="site-menu__icon" aria-hidden="true"></span>
                    <span class="site-menu__label">{t.nav_menu}</span>
                </summary>
                <div class="site-menu__panel">
                <ul>
                    {link("/", t.nav_home)}
                    {signed_in.then(|| link("/kurse", t.nav_courses))}
                    {signed_in.then(|| link("/zertifikate", t.nav_certificates))}
                    {(!manage.is_empty())
                        .then(|| {
                            view! {
                                <li class="site-nav__group">
                                    <details>
                                        <summary class:current=current_in_group>
                                            {t.nav_manage}
                                            {current_in_group
                                                .then(|| {
                                                    view! {
                                                        <span class="visually-hidden">
                                                            {t.nav_current_section}
                                                        </span>
                                                    }
                                                })}
                                        </summary>
                                        <ul>
                                            {manage
                                                .into_iter()
                                                .map(|(href, label)| link(href, label))
                                                .collect_view()}
                                        </ul>
                                    </details>
                                </li>
                            }
                        })}
                    {match user {
                        Some(u) => {
                            view! {
                                <li>
                                    <a href="/konto" aria-current=current("/konto")>
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
                        None => link("/anmelden", t.nav_login).into_any(),
                    }}
                </ul>
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
                </details>
                </nav>
            }
        })
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
    // The logo names the organisation for screen readers (its alt text); the name beside it is
    // then hidden from them, so that the link is not read with the name twice.
    let brand = move || {
        site.get().and_then(|r| r.ok()).map(|s| {
            let has_logo = s.logo.is_some();
            let logo = s.logo.map(|src| {
                view! { <img class="brand__logo" src=src alt=s.org_name.clone() /> }
            });
            view! {
                <a class="brand" class:brand--logo=has_logo href="/">
                    {logo}
                    <span class="brand__text">
                        <span class="brand__name">{t.app_name}</span>
                        <span class="brand__org" aria-hidden=has_logo.then_some("true")>
                            {s.org_name}
                        </span>
                    </span>
                </a>
            }
        })
    };
    view! {
        <a class="skip-link" href="#inhalt">
            {t.skip_link}
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <Suspense fallback=|| ()>{brand}</Suspense>
                // On narrow screens the navigation folds into a menu (a native <details>, so it
                // works without JavaScript); on wide ones the stylesheet keeps it open.
                <Suspense fallback=|| ()>{nav}</Suspense>
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
