//! Anmelden, Passwort festlegen, Mein Konto.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::auth::{
    get_current_user, login_options, mail_enabled, mail_settings, password_link_valid,
    ChangePassword, Login, RequestPasswordLink, SetPassword, UpdateMailSettings, UpdateProfile,
};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::{action_error, ErrorSummary, Notice, TextField};
use crate::components::layout::percent_encode;
use crate::model::SignInOptions;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Login>::new();
    let error = action_error(action);
    let next = query("weiter");
    let logged_out = query("abgemeldet");
    let refused = query("sso");
    let options = Resource::new_blocking(|| (), |_| login_options());
    view! {
        <Title text=t.login_title />
        <h1>{t.login_title}</h1>
        {move || logged_out.get().map(|_| view! { <Notice text=t.logout_done /> })}
        {move || {
            refused
                .get()
                .and_then(|code| sso_refusal(t, &code))
                .map(|text| {
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1">
                            <h2 class="error-summary__title">{t.sso_refused_title}</h2>
                            <p>{text}</p>
                        </div>
                    }
                })
        }}
        <ErrorSummary error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let options = options
                    .await
                    .unwrap_or(SignInOptions {
                        sso_label: None,
                        local: "all".into(),
                    });
                let sso = options
                    .sso_label
                    .clone()
                    .map(|label| {
                        let href = move || {
                            match next.get().filter(|n| !n.is_empty()) {
                                Some(n) => format!("/anmelden/sso?weiter={}", percent_encode(&n)),
                                None => "/anmelden/sso".to_string(),
                            }
                        };
                        view! {
                            <p>
                                <a class="button sso-button" href=href>
                                    {label}
                                </a>
                            </p>
                        }
                    });
                let with_sso = options.sso_label.is_some();
                let local = options.local;
                view! {
                    {sso}
                    {(local != "off")
                        .then(|| {
                            view! {
                                {with_sso
                                    .then(|| view! { <h2 class="divider">{t.sso_divider}</h2> })}
                                {(local == "admins")
                                    .then(|| view! { <p class="hint">{t.sso_admins_only}</p> })}
                                // A plain form: signing in changes the session, so the next page is a
                                // full page load.
                                <form method="post" action=Login::PATH class="form">
                                    <input
                                        type="hidden"
                                        name="next"
                                        value=move || next.get().unwrap_or_default()
                                    />
                                    <TextField
                                        label=t.field_email
                                        name="email"
                                        kind="email"
                                        autocomplete="username"
                                        error
                                    />
                                    <TextField
                                        label=t.field_password
                                        name="password"
                                        kind="password"
                                        autocomplete="current-password"
                                        error
                                    />
                                    <button type="submit" class="button">
                                        {t.login_submit}
                                    </button>
                                </form>
                                <p>
                                    <a href="/passwort-vergessen">{t.forgot_link}</a>
                                </p>
                                {(!with_sso).then(|| view! { <p class="hint">{t.login_help}</p> })}
                            }
                        })}
                }
            })}
        </Suspense>
    }
}

/// The explanation of a refused single sign-on (`?sso=<code>`): what happened and whom to ask.
fn sso_refusal(t: &'static crate::i18n::Texts, code: &str) -> Option<&'static str> {
    Some(match code {
        "sitzung" => t.sso_refused_sitzung,
        "abgebrochen" => t.sso_refused_abgebrochen,
        "token" => t.sso_refused_token,
        "unbekannt" => t.sso_refused_unbekannt,
        "deaktiviert" => t.sso_refused_deaktiviert,
        "stoerung" => t.sso_refused_stoerung,
        "adresse" => t.sso_refused_adresse,
        "verknuepft" => t.sso_refused_verknuepft,
        "gesperrt" => t.sso_refused_gesperrt,
        _ => return None,
    })
}

/// "Passwort vergessen?": asks for the address and always answers the same way, so nobody
/// learns which addresses have an account. Without mail it says whom to ask.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = use_texts();
    let sent = query("gesendet");
    let error = action_error(ServerAction::<RequestPasswordLink>::new());
    let enabled = Resource::new_blocking(|| (), |_| mail_enabled());
    view! {
        <Title text=t.forgot_title />
        <h1>{t.forgot_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match (enabled.await, sent.get()) {
                    (Ok(true), Some(_)) => view! { <Notice text=t.forgot_sent /> }.into_any(),
                    (Ok(true), None) => {
                        view! {
                            <p>{t.forgot_intro}</p>
                            <form method="post" action=RequestPasswordLink::PATH class="form">
                                <TextField
                                    label=t.field_email
                                    name="email"
                                    kind="email"
                                    autocomplete="username"
                                    error
                                />
                                <button type="submit" class="button">
                                    {t.forgot_submit}
                                </button>
                            </form>
                        }
                            .into_any()
                    }
                    _ => view! { <p>{t.forgot_no_mail}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p>
            <a href="/anmelden">{t.forgot_back}</a>
        </p>
    }
}

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SetPassword>::new();
    let error = action_error(action);
    let token = query("token");
    let valid = Resource::new_blocking(
        move || token.get().unwrap_or_default(),
        |token| async move {
            if token.is_empty() {
                Ok(false)
            } else {
                password_link_valid(token).await
            }
        },
    );
    view! {
        <Title text=t.set_password_title />
        <h1>{t.set_password_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match valid.await {
                    Ok(true) => {
                        view! {
                            <p>{t.set_password_intro}</p>
                            <ErrorSummary error />
                            <form method="post" action=SetPassword::PATH class="form">
                                <input
                                    type="hidden"
                                    name="token"
                                    value=move || token.get().unwrap_or_default()
                                />
                                <TextField
                                    label=t.field_new_password
                                    name="password"
                                    kind="password"
                                    autocomplete="new-password"
                                    hint=t.password_rules
                                    error
                                />
                                <TextField
                                    label=t.field_password_repeat
                                    name="password_repeat"
                                    kind="password"
                                    autocomplete="new-password"
                                    error
                                />
                                <button type="submit" class="button">
                                    {t.set_password_submit}
                                </button>
                            </form>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <p class="notice notice--warning" role="alert">
                                {t.password_link_invalid}
                            </p>
                            <p>
                                <a href="/passwort-vergessen">{t.forgot_new_link}</a>
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    let profile = ServerAction::<UpdateProfile>::new();
    let password = ServerAction::<ChangePassword>::new();
    let profile_error = action_error(profile);
    let password_error = action_error(password);
    let q = use_query_map();
    let user = Resource::new_blocking(move || q.read().get("gespeichert"), |_| get_current_user());
    let mail = Resource::new_blocking(move || q.read().get("gespeichert"), |_| mail_settings());
    let options = Resource::new_blocking(|| (), |_| login_options());
    let mail_action = ServerAction::<UpdateMailSettings>::new();
    let mail_error = action_error(mail_action);
    let notice = move || {
        let q = q.read();
        if q.get("passwort").as_deref() == Some("neu") {
            Some(t.password_set_done)
        } else if q.get("passwort").is_some() {
            Some(t.password_changed)
        } else if q.get("gespeichert").is_some() {
            Some(t.saved)
        } else {
            None
        }
    };
    view! {
        <Title text=t.account_title />
        <h1>{t.account_title}</h1>
        {move || notice().map(|text| view! { <Notice text /> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let mail_settings = mail.await.ok().flatten();
                let local = options.await.map(|o| o.local).unwrap_or_else(|_| "all".into());
                match user.await {
                    Ok(Some(u)) => {
                        let may_use_password = local == "all"
                            || (local == "admins" && u.role == crate::model::Role::Admin);
                        // With single sign-on a password is only of use where it signs in.
                        view! {
                            <section class="card" aria-labelledby="profile-heading">
                                <h2 id="profile-heading">{t.account_profile}</h2>
                                <dl class="facts">
                                    <dt>{t.field_email}</dt>
                                    <dd>{u.email.clone()}</dd>
                                    <dt>{t.field_role}</dt>
                                    <dd>{u.role.label(t)}</dd>
                                </dl>
                                <ErrorSummary error=profile_error />
                                <ActionForm action=profile attr:class="form">
                                    <TextField
                                        label=t.field_name
                                        name="display_name"
                                        autocomplete="name"
                                        value=u.display_name.clone()
                                        error=profile_error
                                    />
                                    <button type="submit" class="button">
                                        {t.save}
                                    </button>
                                </ActionForm>
                            </section>
                            {may_use_password
                                .then(|| {
                                    view! {
                                        <section class="card" aria-labelledby="password-heading">
                                            <h2 id="password-heading">{t.account_password}</h2>
                                            <p>{t.account_password_intro}</p>
                                            <ErrorSummary error=password_error />
                                            <ActionForm action=password attr:class="form">
                                                <TextField
                                                    label=t.field_current_password
                                                    name="current_password"
                                                    kind="password"
                                                    autocomplete="current-password"
                                                    error=password_error
                                                />
                                                <TextField
                                                    label=t.field_new_password
                                                    name="new_password"
                                                    kind="password"
                                                    autocomplete="new-password"
                                                    hint=t.password_rules
                                                    error=password_error
                                                />
                                                <TextField
                                                    label=t.field_password_repeat
                                                    name="new_password_repeat"
                                                    kind="password"
                                                    autocomplete="new-password"
                                                    error=password_error
                                                />
                                                <button type="submit" class="button">
                                                    {t.change_password_submit}
                                                </button>
                                            </ActionForm>
                                        </section>
                                    }
                                })}
                            {mail_settings
                                .map(|m| {
                                    view! {
                                        <section class="card" aria-labelledby="mail-heading">
                                            <h2 id="mail-heading">{t.mail_settings_heading}</h2>
                                            <p>{t.mail_settings_intro}</p>
                                            <ErrorSummary error=mail_error />
                                            <ActionForm action=mail_action attr:class="form">
                                                <div class="field">
                                                    <label for="sprache">{t.mail_settings_language}</label>
                                                    <select id="sprache" name="sprache">
                                                        <option value="de" selected=m.locale == "de">
                                                            "Deutsch"
                                                        </option>
                                                        <option value="en" lang="en" selected=m.locale == "en">
                                                            "English"
                                                        </option>
                                                    </select>
                                                </div>
                                                <div class="checkbox">
                                                    <input
                                                        type="checkbox"
                                                        id="erinnerungen"
                                                        name="erinnerungen"
                                                        value="on"
                                                        checked=m.reminders
                                                    />
                                                    <label for="erinnerungen">
                                                        {t.mail_settings_reminders}
                                                    </label>
                                                </div>
                                                {m
                                                    .coordinator
                                                    .then(|| {
                                                        view! {
                                                            <div class="checkbox">
                                                                <input
                                                                    type="checkbox"
                                                                    id="wochenuebersicht"
                                                                    name="wochenuebersicht"
                                                                    value="on"
                                                                    checked=m.digest
                                                                />
                                                                <label for="wochenuebersicht">
                                                                    {t.mail_settings_digest}
                                                                </label>
                                                            </div>
                                                        }
                                                    })}
                                                <button type="submit" class="button">
                                                    {t.mail_settings_save}
                                                </button>
                                            </ActionForm>
                                        </section>
                                    }
                                })}
                            <section class="card" aria-labelledby="data-heading">
                                <h2 id="data-heading">{t.account_data_heading}</h2>
                                <p>{t.account_data_text}</p>
                                <p>
                                    <a
                                        class="button button--secondary"
                                        href="/konto/meine-daten.json"
                                        download="meine-daten.json"
                                        rel="external"
                                    >
                                        {t.account_data_download}
                                    </a>
                                </p>
                            </section>
                        }
                            .into_any()
                    }
                    _ => view! { <crate::components::status::LoginRequired /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
