use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::Layout;
use crate::i18n::{Locale, Texts};
use crate::pages::admin::{
    ImportPage, ImportPreviewPage, NewUserPage, OrgUnitsPage, UserPage, UsersPage,
};
use crate::pages::auth::{AccountPage, ForgotPasswordPage, LoginPage, SetPasswordPage};
use crate::pages::certificates::{AdminCertificatesPage, MyCertificatesPage, VerifyPage};
use crate::pages::courses::{CoursePage, ModulePage, MyCoursesPage};
use crate::pages::home::{AboutPage, HomePage};
use crate::pages::info::{
    AccessibilityPage, BarrierReportsPage, DeadlinesPage, EasyLanguagePage, ImprintPage,
    PrivacyPage, ReportBarrierPage,
};
use crate::pages::not_found::NotFound;
use crate::pages::quiz::AttemptPage;
use crate::pages::register::{
    AiSystemPage, EditAiSystemPage, EuSheetPage, KiUpdatePage, NewAiSystemPage, PublicRegisterPage,
    RegisterPage,
};
use crate::pages::tracking::{
    AssignmentsPage, AuditPage, DashboardPage, RemoveAssignmentPage, SessionPage, SessionsPage,
};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    provide_request_nonce();
    let locale = current_locale();
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href=stylesheet />
                {crate::api::site::theme_href()
                    .map(|href| view! { <link rel="stylesheet" href=href /> })}
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Every route renders with `SsrMode::Async`: the server sends the page only once all its data
/// is there, so browsers without JavaScript get complete HTML (no out-of-order chunks that need
/// a script to put them in place), with the right `<title>`.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(current_locale());
    let t = use_texts();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                t.app_name.to_string()
            } else {
                format!("{page} – {}", t.app_name)
            }
        } />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    // One parent for every page: all render SsrMode::Async (see above).
                    <ParentRoute path=path!("") view=Outlet ssr=SsrMode::Async>
                        <Route path=path!("") view=HomePage />
                        <Route path=path!("/ueber") view=AboutPage />
                        <Route path=path!("/kurse") view=MyCoursesPage />
                        <Route path=path!("/kurse/:kurs") view=CoursePage />
                        <Route path=path!("/kurse/:kurs/:modul") view=ModulePage />
                        <Route path=path!("/versuche/:id") view=AttemptPage />
                        <Route path=path!("/zertifikate") view=MyCertificatesPage />
                        <Route path=path!("/verify/:code") view=VerifyPage />
                        <Route path=path!("/verwaltung/zertifikate") view=AdminCertificatesPage />
                        <Route path=path!("/anmelden") view=LoginPage />
                        <Route path=path!("/passwort-festlegen") view=SetPasswordPage />
                        <Route path=path!("/passwort-vergessen") view=ForgotPasswordPage />
                        <Route path=path!("/konto") view=AccountPage />
                        <Route path=path!("/verwaltung/benutzer") view=UsersPage />
                        <Route path=path!("/verwaltung/benutzer/neu") view=NewUserPage />
                        <Route path=path!("/verwaltung/benutzer/:id") view=UserPage />
                        <Route path=path!("/verwaltung/import") view=ImportPage />
                        <Route path=path!("/verwaltung/import/:id") view=ImportPreviewPage />
                        <Route path=path!("/verwaltung/organisation") view=OrgUnitsPage />
                        <Route
                            path=path!("/verwaltung/organisation/import/:id")
                            view=crate::pages::admin::OrgTreeImportPage
                        />
                        <Route path=path!("/verwaltung/uebersicht") view=DashboardPage />
                        <Route path=path!("/verwaltung/zuweisungen") view=AssignmentsPage />
                        <Route
                            path=path!("/verwaltung/zuweisungen/:id/entfernen")
                            view=RemoveAssignmentPage
                        />
                        <Route path=path!("/verwaltung/schulungen") view=SessionsPage />
                        <Route path=path!("/verwaltung/schulungen/:id") view=SessionPage />
                        <Route path=path!("/verwaltung/protokoll") view=AuditPage />
                        <Route path=path!("/verwaltung/ki-register") view=RegisterPage />
                        <Route path=path!("/verwaltung/ki-register/neu") view=NewAiSystemPage />
                        <Route path=path!("/verwaltung/ki-register/:id") view=AiSystemPage />
                        <Route
                            path=path!("/verwaltung/ki-register/:id/bearbeiten")
                            view=EditAiSystemPage
                        />
                        <Route path=path!("/ki-register") view=PublicRegisterPage />
                        <Route path=path!("/ki-aenderung/:id") view=KiUpdatePage />
                        <Route
                            path=path!("/verwaltung/ki-register/:id/eu-datenbank")
                            view=EuSheetPage
                        />
                        <Route path=path!("/verwaltung/barrieren") view=BarrierReportsPage />
                        <Route
                            path=path!("/verwaltung/e-mails")
                            view=crate::pages::mail::MailPage
                        />
                        <Route path=path!("/barrierefreiheit") view=AccessibilityPage />
                        <Route path=path!("/barriere-melden") view=ReportBarrierPage />
                        <Route path=path!("/leichte-sprache") view=EasyLanguagePage />
                        <Route path=path!("/fristen") view=DeadlinesPage />
                        <Route path=path!("/impressum") view=ImprintPage />
                        <Route path=path!("/datenschutz") view=PrivacyPage />
                    </ParentRoute>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The UI strings of the current request's language.
pub fn use_texts() -> &'static Texts {
    use_context::<Locale>().unwrap_or_default().texts()
}

/// One query parameter of the current URL, reactive.
pub fn use_query_param(name: &'static str) -> Memo<Option<String>> {
    let q = leptos_router::hooks::use_query_map();
    Memo::new(move |_| q.read().get(name))
}

/// `lang` for course content: the content is German, so inside an English page it is marked
/// `lang="de"` (WCAG 3.1.2, language of parts); None inside a German page.
pub fn content_lang() -> Option<&'static str> {
    (use_locale() != Locale::De).then_some("de")
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The language of this request: the `lang` cookie on the server; in the browser, the `lang`
/// attribute the server put on `<html>`, so both sides render the same.
pub fn current_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| crate::server::auth::session::locale(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|code| Locale::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

/// Hands the request's CSP nonce (set by the security-header middleware) to Leptos.
fn provide_request_nonce() {
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::server::http::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}
