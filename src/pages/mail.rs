//! E-Mails (admins): whether mail is on, the queue, what was sent and what failed with the mail
//! server's answer, a retry for failed mails and a test mail to oneself.
use crate::components::layout::DataTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::mail::{mail_overview, RetryMail, SendTestMail};
use crate::app::{use_locale, use_texts};
use crate::components::form::{action_error, ErrorSummary, Notice};

#[component]
pub fn MailPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let retry = ServerAction::<RetryMail>::new();
    let test = ServerAction::<SendTestMail>::new();
    let retry_error = action_error(retry);
    let test_error = action_error(test);
    let q = use_query_map();
    let data = Resource::new_blocking(
        move || {
            (
                q.read().get("erneut"),
                q.read().get("test"),
                retry.version().get(),
                test.version().get(),
            )
        },
        |_| mail_overview(),
    );
    view! {
        <Title text=t.mail_title />
        <h1>{t.mail_title}</h1>
        {move || q.read().get("test").map(|_| view! { <Notice text=t.mail_test_queued /> })}
        {move || q.read().get("erneut").map(|_| view! { <Notice text=t.mail_retry_queued /> })}
        <ErrorSummary error=retry_error />
        <ErrorSummary error=test_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Some(figures) = crate::loaded!(data.await) else {
                    return view! { <p class="lead">{t.mail_off}</p> }.into_any();
                };
                let failed_class = if figures.failed > 0 {
                    "reminder reminder--overdue"
                } else {
                    "reminder"
                };
                view! {
                    <p class="lead">{t.mail_intro}</p>
                    <ul class="reminder-list">
                        <li class="reminder">
                            <strong>{figures.waiting}</strong>
                            " "
                            {t.mail_waiting}
                        </li>
                        <li class="reminder">
                            <strong>{figures.sent}</strong>
                            " "
                            {t.mail_sent}
                        </li>
                        <li class=failed_class>
                            <strong>{figures.failed}</strong>
                            " "
                            {t.mail_failed}
                        </li>
                    </ul>
                    <ActionForm action=test>
                        <button type="submit" class="button button--secondary">
                            {t.mail_test}
                        </button>
                    </ActionForm>
                    <h2>{t.mail_problems}</h2>
                    {if figures.problems.is_empty() {
                        view! { <p>{t.mail_no_problems}</p> }.into_any()
                    } else {
                        view! {
                            <DataTable
                                caption=t.mail_problems
                                columns=vec![
                                    t.mail_col_created,
                                    t.mail_col_recipient,
                                    t.mail_col_subject,
                                    t.mail_col_answer,
                                    t.mail_col_state,
                                ]
                            >
                                {figures
                                    .problems
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <tr>
                                                <td>{locale.format_date_time(p.created_at)}</td>
                                                <td class="cell-text">{p.recipient.clone()}</td>
                                                <td class="cell-text">{p.subject.clone()}</td>
                                                <td class="cell-text">{p.error.clone()}</td>
                                                <td>
                                                    {if p.failed {
                                                        view! {
                                                            <span>{t.mail_given_up}</span>
                                                            <ActionForm action=retry>
                                                                <input type="hidden" name="id" value=p.id.to_string() />
                                                                <button type="submit" class="button button--secondary">
                                                                    {t.mail_retry}
                                                                    <span class="visually-hidden">
                                                                        {format!(": {}", p.recipient)}
                                                                    </span>
                                                                </button>
                                                            </ActionForm>
                                                        }
                                                            .into_any()
                                                    } else {
                                                        view! { <span>{t.mail_will_retry.of(p.attempts)}</span> }
                                                            .into_any()
                                                    }}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </DataTable>
                        }
                            .into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}
