//! Meine Zertifikate, the public verify page, and the admin list with revocation.
use crate::components::layout::DataTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::certificates::{
    all_certificates, my_certificates, verify_certificate, RevokeCertificate,
};
use crate::app::{use_locale, use_texts};
use crate::components::form::{action_error, ErrorSummary, Notice};
use crate::i18n::Texts;
use crate::model::{CertStatus, CertificateSummary};

fn status_label(t: &Texts, s: CertStatus) -> &'static str {
    match s {
        CertStatus::Valid => t.cert_valid,
        CertStatus::Expiring => t.cert_expiring,
        CertStatus::Expired => t.cert_expired,
        CertStatus::Revoked => t.cert_revoked,
    }
}

#[component]
pub fn MyCertificatesPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let certs = Resource::new_blocking(|| (), |_| my_certificates());
    view! {
        <Title text=t.my_certs_title />
        <h1>{t.my_certs_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = crate::loaded!(certs.await);
                if list.is_empty() {
                    return view! { <p>{t.my_certs_none}</p> }.into_any();
                }
                let expiring = list.iter().any(|c| c.status == CertStatus::Expiring);
                view! {
                    {expiring
                        .then(|| {
                            view! {
                                <p class="notice notice--warning" role="status">
                                    {t.my_certs_expiring_notice}
                                </p>
                            }
                        })}
                    <ul class="cert-list">
                        {list
                            .into_iter()
                            .map(|c| {
                                let pdf = format!("/zertifikate/{}/pdf", c.code);
                                let verify = format!("/verify/{}", c.code);
                                view! {
                                    <li class="card">
                                        <h2>{c.course_title.clone()}</h2>
                                        <p>
                                            <strong>{t.cert_status}</strong>
                                            " "
                                            {status_label(t, c.status)}
                                        </p>
                                        <p>
                                            {t
                                                .cert_dates(
                                                    locale.format_date(c.completed_on),
                                                    locale.format_date(c.valid_until),
                                                )}
                                        </p>
                                        <p>{t.cert_code}" "<code>{c.code_grouped.clone()}</code></p>
                                        <p class="actions">
                                            // A revoked certificate is no longer handed out as a document.
                                            {(c.status != CertStatus::Revoked)
                                                .then(|| {
                                                    view! {
                                                        <a class="button" href=pdf rel="external" download="">
                                                            {t.cert_download}
                                                            <span class="visually-hidden">
                                                                {format!(": {}", c.course_title)}
                                                            </span>
                                                        </a>
                                                    }
                                                })}
                                            <a
                                                class="button button--secondary"
                                                href=verify
                                                rel="external"
                                            >
                                                {t.cert_verify_link}
                                                <span class="visually-hidden">
                                                    {format!(": {}", c.course_title)}
                                                </span>
                                            </a>
                                        </p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let result = Resource::new_blocking(move || code.get(), verify_certificate);
    view! {
        <Title text=t.verify_title />
        <h1>{t.verify_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(v) => {
                        let class = match v.status {
                            CertStatus::Valid | CertStatus::Expiring => "verify verify--valid",
                            _ => "verify verify--invalid",
                        };
                        let headline = match v.status {
                            CertStatus::Valid | CertStatus::Expiring => t.verify_valid.to_string(),
                            CertStatus::Expired => t.verify_expired.to_string(),
                            CertStatus::Revoked => {
                                t.verify_revoked(
                                    v.revoked_on.map(|d| locale.format_date(d)).unwrap_or_default(),
                                )
                            }
                        };
                        let icon = match v.status {
                            CertStatus::Valid | CertStatus::Expiring => "✓",
                            CertStatus::Expired => "!",
                            CertStatus::Revoked => "✗",
                        };
                        let json = format!("/verify/{}.json", v.code);
                        view! {
                            <section class=class aria-labelledby="verify-status">
                                <h2 class="verify__headline" id="verify-status">
                                    <span class="verify__icon" aria-hidden="true">
                                        {icon}
                                    </span>
                                    <span>{headline}</span>
                                </h2>
                                <dl class="facts">
                                    <dt>{t.verify_holder}</dt>
                                    <dd>{v.holder}</dd>
                                    <dt>{t.verify_course}</dt>
                                    <dd>{format!("{} ({})", v.course_title, v.level.label(t))}</dd>
                                    {v
                                        .format
                                        .clone()
                                        .map(|f| {
                                            view! {
                                                <dt>{t.verify_format}</dt>
                                                <dd>{f}</dd>
                                            }
                                        })}
                                    <dt>{t.verify_issued}</dt>
                                    <dd>{locale.format_date(v.completed_on)}</dd>
                                    <dt>{t.verify_valid_until}</dt>
                                    <dd>{locale.format_date(v.valid_until)}</dd>
                                    <dt>{t.verify_issuer}</dt>
                                    <dd>{v.issuer}</dd>
                                    <dt>{t.cert_code}</dt>
                                    <dd>
                                        <code>{v.code_grouped}</code>
                                    </dd>
                                </dl>
                            </section>
                            {(!v.topics.is_empty())
                                .then(|| {
                                    view! {
                                        <section class="card" aria-labelledby="verify-topics">
                                            <h2 id="verify-topics">{t.verify_topics}</h2>
                                            <ul lang=crate::app::content_lang()>
                                                {v
                                                    .topics
                                                    .iter()
                                                    .map(|x| view! { <li>{x.clone()}</li> })
                                                    .collect_view()}
                                            </ul>
                                        </section>
                                    }
                                })}
                            <details class="verify__machine">
                                <summary>{t.verify_machine}</summary>
                                <p>{t.verify_machine_text}</p>
                                <ul>
                                    <li>
                                        <a href=json rel="external">
                                            {t.verify_machine_json}
                                        </a>
                                    </li>
                                    <li>
                                        <a href="/zertifikate/schluessel.json" rel="external">
                                            {t.verify_machine_keys}
                                        </a>
                                    </li>
                                </ul>
                            </details>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        crate::components::set_error_status(&e);
                        let text = if e == crate::error::AppError::RateLimited {
                            t.verify_rate_limited
                        } else {
                            t.verify_not_found
                        };
                        view! {
                            <p class="notice notice--warning" role="alert">
                                {text}
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
pub fn AdminCertificatesPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let revoke = ServerAction::<RevokeCertificate>::new();
    let error = action_error(revoke);
    let q = use_query_map();
    let certs = Resource::new_blocking(
        move || (q.read().get("widerrufen"), revoke.version().get()),
        |_| all_certificates(),
    );
    view! {
        <Title text=t.admin_certs_title />
        <h1>{t.admin_certs_title}</h1>
        {move || q.read().get("widerrufen").map(|_| view! { <Notice text=t.cert_revoke_done /> })}
        <ErrorSummary error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list: Vec<CertificateSummary> = crate::loaded!(certs.await);
                view! {
                    <DataTable
                        caption=t.admin_certs_title
                        columns=vec![
                            t.verify_holder,
                            t.verify_course,
                            t.verify_valid_until,
                            t.cert_status,
                            t.cert_revoke,
                        ]
                    >
                        {list
                            .into_iter()
                            .map(|c| {
                                let reason_id = format!("reason-{}", c.code);
                                view! {
                                    <tr>
                                        <td>{c.holder.clone()}</td>
                                        <td>
                                            {c.course_title.clone()}<br />
                                            <code>{c.code_grouped.clone()}</code>
                                        </td>
                                        <td>{locale.format_date(c.valid_until)}</td>
                                        <td>{status_label(t, c.status)}</td>
                                        <td>
                                            {(c.status != CertStatus::Revoked)
                                                .then(|| {
                                                    view! {
                                                        <ActionForm action=revoke attr:class="form form--inline">
                                                            <input type="hidden" name="code" value=c.code.clone() />
                                                            <label for=reason_id
                                                                .clone()>
                                                                {t.cert_revoke_reason}
                                                                <span class="visually-hidden">
                                                                    {format!(" ({})", c.holder)}
                                                                </span>
                                                            </label>
                                                            <input id=reason_id name="reason" required=true />
                                                            <button type="submit" class="button button--danger">
                                                                {t.cert_revoke}
                                                            </button>
                                                        </ActionForm>
                                                    }
                                                })}
                                        </td>
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
