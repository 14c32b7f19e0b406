//! Schulungen erfassen: record a classroom training, a webinar or an external course for a
//! list of people, and see one recorded training with its participants and attendance list.
use super::*;
use crate::api::completions::{get_session, list_sessions, RecordCompletions};
use crate::components::form::{FileUpload, TextField};
use crate::components::layout::DataTable;

#[component]
pub fn SessionsPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let record = ServerAction::<RecordCompletions>::new();
    let error = action_error(record);
    let data = Resource::new_blocking(|| (), |_| list_sessions());
    view! {
        <Title text=t.sessions_title />
        <h1>{t.sessions_title}</h1>
        <p class="lead">{t.sessions_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let form = crate::loaded!(data.await);
                let field_error = move |name: &'static str| {
                    move || error.get().and_then(|e| e.field_message(name))
                };
                let (course_msg, form_msg) = (field_error("course"), field_error("form"));
                view! {
                    <section class="card" aria-labelledby="record-heading">
                        <h2 id="record-heading">{t.sessions_record_heading}</h2>
                        <ErrorSummary error />
                        <ActionForm action=record attr:class="form">
                            <div class="field" class:field--error=move || course_msg().is_some()>
                                <label for="course">{t.csv_course}</label>
                                {move || course_msg().map(|m| view! { <p class="field__error">{m}</p> })}
                                <select id="course" name="course">
                                    {form
                                        .courses
                                        .iter()
                                        .map(|c| view! { <option value=c.slug.clone()>{c.title.clone()}</option> })
                                        .collect_view()}
                                </select>
                            </div>
                            <TextField
                                label=t.sessions_date
                                name="datum"
                                kind="date"
                                error
                                value=form.today.iso()
                                hint=t.sessions_date_hint
                            />
                            <div class="field" class:field--error=move || form_msg().is_some()>
                                <label for="form">{t.sessions_format}</label>
                                {move || form_msg().map(|m| view! { <p class="field__error">{m}</p> })}
                                <select id="form" name="form">
                                    {form
                                        .formats
                                        .iter()
                                        .map(|(code, label)| view! { <option value=code.clone()>{label.clone()}</option> })
                                        .collect_view()}
                                </select>
                            </div>
                            <TextField label=t.sessions_trainer name="leitung" error required=false />
                            <TextField
                                label=t.sessions_people
                                name="personen"
                                error
                                rows=8
                                hint=t.sessions_people_hint
                            />
                            <TextField label=t.sessions_note name="bemerkung" error required=false rows=3 />
                            <button type="submit" class="button">
                                {t.sessions_submit}
                            </button>
                        </ActionForm>
                    </section>
                    <h2>{t.sessions_list_heading}</h2>
                    {if form.sessions.is_empty() {
                        view! { <p>{t.sessions_none}</p> }.into_any()
                    } else {
                        view! {
                            <DataTable
                                caption=t.sessions_list_heading
                                columns=vec![
                                    t.sessions_date,
                                    t.csv_course,
                                    t.sessions_format,
                                    t.sessions_trainer,
                                    t.evidence_people,
                                ]
                            >
                                {form
                                    .sessions
                                    .into_iter()
                                    .map(|s| {
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!(
                                                        "/verwaltung/schulungen/{}",
                                                        s.id,
                                                    )>{locale.format_date(s.day)}</a>
                                                </th>
                                                <td>{s.course}</td>
                                                <td>{s.format}</td>
                                                <td>{s.trainer}</td>
                                                <td>{s.people}</td>
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

#[component]
pub fn SessionPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let recorded = query("erfasst");
    let uploaded = query("liste");
    let failed = query("fehler");
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_session(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.session_title />
        <h1>{t.session_title}</h1>
        {move || {
            recorded
                .get()
                .and_then(|n| n.parse::<i64>().ok())
                .map(|n| {
                    view! {
                        <p class="notice" role="status">
                            {t.sessions_recorded.of(n)}
                        </p>
                    }
                })
        }}
        {move || uploaded.get().map(|_| view! { <Notice text=t.session_attendance_saved /> })}
        {move || {
            failed
                .get()
                .map(|f| {
                    let text = match f.as_str() {
                        "gross" => t.session_attendance_too_big,
                        "kein-pdf" => t.session_attendance_not_pdf,
                        _ => t.session_attendance_missing,
                    };
                    view! {
                        <p class="notice notice--warning" role="alert">
                            {text}
                        </p>
                    }
                })
        }}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (s, people) = crate::loaded!(data.await);
                let upload = format!("/verwaltung/schulungen/{}/teilnahmeliste", s.id);
                let download = format!("/verwaltung/schulungen/{}/teilnahmeliste.pdf", s.id);
                view! {
                    <dl class="facts">
                        <dt>{t.csv_course}</dt>
                        <dd>{s.course.clone()}</dd>
                        <dt>{t.sessions_format}</dt>
                        <dd>{s.format.clone()}</dd>
                        <dt>{t.sessions_date}</dt>
                        <dd>{locale.format_date(s.day)}</dd>
                        <dt>{t.sessions_trainer}</dt>
                        <dd>
                            {if s.trainer.is_empty() {
                                "–".to_string()
                            } else {
                                s.trainer.clone()
                            }}
                        </dd>
                        <dt>{t.sessions_recorded_by}</dt>
                        <dd>{s.recorded_by.clone()}</dd>
                        {(!s.note.is_empty())
                            .then(|| {
                                view! {
                                    <dt>{t.sessions_note}</dt>
                                    <dd>{s.note.clone()}</dd>
                                }
                            })}
                    </dl>
                    <section aria-labelledby="attendance-heading">
                        <h2 id="attendance-heading">{t.session_attendance}</h2>
                        {s
                            .has_attendance
                            .then(|| {
                                view! {
                                    <p>
                                        <a href=download rel="external" download>
                                            {t.session_attendance_download}
                                        </a>
                                    </p>
                                }
                            })}
                        <FileUpload
                            action=upload
                            id="datei"
                            label=t.session_attendance_file
                            hint=t.session_attendance_hint
                            accept=".pdf,application/pdf"
                            button=t.session_attendance_upload
                            secondary=true
                        />
                    </section>
                    <DataTable
                        caption=t.session_people_caption
                        caption_shown=true
                        columns=vec![t.field_name, t.field_email, t.field_unit, t.evidence_code]
                    >
                        {people
                            .into_iter()
                            .map(|p| {
                                let code = if p.revoked {
                                    format!("{} ({})", p.code, t.evidence_revoked)
                                } else {
                                    p.code
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{p.name}</th>
                                        <td>{p.email}</td>
                                        <td>{p.unit}</td>
                                        <td>{code}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                    <p>
                        <a href="/verwaltung/schulungen">{t.sessions_back}</a>
                    </p>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
