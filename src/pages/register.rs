//! KI-Register pages: the list, one system (classification, duties, history), the form with
//! the guided risk questionnaire, and the public transparency register. Plain forms and links:
//! everything works without JavaScript.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::register::{
    get_ai_system, get_eu_sheet, get_ki_update, list_ai_systems, list_public_ai_systems,
    load_ai_system_form, ConfirmKiUpdate, SaveAiDuty, SaveAiSystem,
};
use crate::app::use_query_param as query;
use crate::app::use_texts;
use crate::components::form::{action_error, ErrorSummary, FormError, Notice, TextField};
use crate::components::layout::DataTable;
use crate::i18n::Texts;
use crate::model::{AiSystemDetail, AiSystemForm, AiSystemValues};
use crate::register::{
    annex3_label, art50_label, art5_label, data_class_label, duty_state_label, exception_label,
    OrgRole, Status, UpdateMode, ANNEX3, ART5, ART50, DATA_CLASSES, DUTY_STATES, EXCEPTIONS,
};

/// The tag for a risk class (text, never colour alone).
#[component]
fn ClassTag(code: String, label: String) -> impl IntoView {
    view! { <span class=format!("state risk--{code}")>{label}</span> }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new_blocking(|| (), |_| list_ai_systems());
    view! {
        <Title text=t.reg_title />
        <h1>{t.reg_title}</h1>
        <p class="lead">{t.reg_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = crate::loaded!(data.await);
                view! {
                    {list
                        .can_edit
                        .then(|| {
                            view! {
                                <p>
                                    <a class="button" href="/verwaltung/ki-register/neu">
                                        {t.reg_new}
                                    </a>
                                </p>
                            }
                        })}
                    {if list.systems.is_empty() {
                        view! { <p>{t.reg_none}</p> }.into_any()
                    } else {
                        view! {
                            <DataTable
                                caption=t.reg_title
                                columns=vec![
                                    t.reg_field_name,
                                    t.reg_field_status,
                                    t.reg_field_class,
                                    t.reg_field_units,
                                    t.reg_field_course,
                                    t.reg_trained,
                                ]
                            >
                                {list
                                    .systems
                                    .into_iter()
                                    .map(|s| {
                                        let trained = if s.users == 0 {
                                            "–".to_string()
                                        } else {
                                            t.reg_trained_of(s.trained, s.users)
                                        };
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!(
                                                        "/verwaltung/ki-register/{}",
                                                        s.id,
                                                    )>{s.name}</a>
                                                    <br />
                                                    <span class="muted">{s.provider}</span>
                                                </th>
                                                <td>{s.status}</td>
                                                <td>{s.class}</td>
                                                <td>{s.units}</td>
                                                <td>{s.course}</td>
                                                <td>{trained}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </DataTable>
                        }
                            .into_any()
                    }}
                    <ul class="downloads">
                        <li>
                            <a href="/verwaltung/ki-register.pdf" rel="external" download>
                                {t.reg_pdf_download}
                            </a>
                        </li>
                        <li>
                            <a href="/verwaltung/ki-register.csv" rel="external" download>
                                {t.reg_csv_download}
                            </a>
                        </li>
                        <li>
                            <a href="/verwaltung/ki-register.json" rel="external" download>
                                {t.reg_json_download}
                            </a>
                        </li>
                    </ul>
                    <p>
                        <a href="/ki-register">{t.reg_public_link}</a>
                    </p>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AiSystemPage() -> impl IntoView {
    let t = use_texts();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let saved = query("gespeichert");
    let duty_saved = query("pflicht");
    let duty = ServerAction::<SaveAiDuty>::new();
    let duty_error = action_error(duty);
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_ai_system(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let s = crate::loaded!(data.await);
                view! {
                    <Title text=format!("{} – {}", s.values.name, t.reg_title) />
                    <p class="breadcrumb">
                        <a href="/verwaltung/ki-register">{t.reg_title}</a>
                    </p>
                    <h1>{s.values.name.clone()}</h1>
                    {move || saved.get().map(|_| view! { <Notice text=t.reg_saved /> })}
                    {move || duty_saved.get().map(|_| view! { <Notice text=t.reg_duty_saved /> })}
                    <ErrorSummary error=duty_error />
                    <SystemFacts s=s.clone() />
                    {(s.class_code == "hochriskant")
                        .then(|| {
                            view! {
                                <p>
                                    <a href=format!(
                                        "/verwaltung/ki-register/{}/eu-datenbank",
                                        s.id,
                                    )>{t.reg_eu_link}</a>
                                </p>
                            }
                        })}
                    {s.update.clone().map(|u| view! { <UpdateSection u /> })}
                    <Classification s=s.clone() />
                    <Duties s=s.clone() action=duty />
                    <History s=s />
                }
                    .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn SystemFacts(s: AiSystemDetail) -> impl IntoView {
    let t = use_texts();
    let locale = crate::app::use_locale();
    let date = move |iso: String| {
        crate::i18n::Date::parse_iso(&iso)
            .map(|d| locale.format_date(d))
            .unwrap_or_else(|| "–".to_string())
    };
    let v = s.values.clone();
    let or_dash = |x: String| if x.is_empty() { "–".to_string() } else { x };
    let link = |href: String| {
        if href.is_empty() {
            view! { "–" }.into_any()
        } else {
            view! {
                <a href=href.clone() rel="external noopener">
                    {href.clone()}
                </a>
            }
            .into_any()
        }
    };
    let trained = if s.users == 0 {
        t.reg_trained_none.to_string()
    } else {
        t.reg_trained_of(s.trained, s.users)
    };
    view! {
        {s
            .can_edit
            .then(|| {
                view! {
                    <p>
                        <a
                            class="button button--secondary"
                            href=format!("/verwaltung/ki-register/{}/bearbeiten", s.id)
                        >
                            {t.reg_edit}
                        </a>
                    </p>
                }
            })}
        <dl class="facts">
            <dt>{t.reg_field_provider}</dt>
            <dd>{v.provider.clone()}</dd>
            <dt>{t.reg_field_product}</dt>
            <dd>{or_dash(v.product.clone())}</dd>
            <dt>{t.reg_field_purpose}</dt>
            <dd class="prewrap">{v.purpose.clone()}</dd>
            <dt>{t.reg_field_status}</dt>
            <dd>{s.status.clone()}</dd>
            <dt>{t.reg_field_role}</dt>
            <dd>{s.role.clone()}</dd>
            <dt>{t.reg_field_units}</dt>
            <dd>{or_dash(s.units.join(", "))}</dd>
            <dt>{t.reg_field_responsible}</dt>
            <dd>{v.responsible.clone()}</dd>
            <dt>{t.reg_field_contact}</dt>
            <dd>{or_dash(v.contact.clone())}</dd>
            <dt>{t.reg_field_approved}</dt>
            <dd class="prewrap">{or_dash(v.approved_uses.clone())}</dd>
            <dt>{t.reg_field_prohibited}</dt>
            <dd class="prewrap">{or_dash(v.prohibited_uses.clone())}</dd>
            <dt>{t.reg_field_data}</dt>
            <dd>{or_dash(s.data_classes.join("; "))}</dd>
            <dt>{t.reg_field_instruction}</dt>
            <dd>{link(v.instruction_url.clone())}</dd>
            <dt>{t.reg_field_manual}</dt>
            <dd>{link(v.manual_url.clone())}</dd>
            <dt>{t.reg_field_introduced}</dt>
            <dd>{date(v.introduced.clone())}</dd>
            <dt>{t.reg_field_reviewed}</dt>
            <dd>{date(v.reviewed.clone())}</dd>
            <dt>{t.reg_field_course}</dt>
            <dd>{or_dash(s.course.clone())}</dd>
            <dt>{t.reg_trained}</dt>
            <dd>{trained}</dd>
            <dt>{t.reg_field_oversight}</dt>
            <dd class="prewrap">{or_dash(v.oversight.clone())}</dd>
            <dt>{t.reg_field_oversight_course}</dt>
            <dd>{or_dash(s.oversight_course.clone())}</dd>
            <dt>{t.reg_field_update_mode}</dt>
            <dd>{UpdateMode::from_code(&v.update_mode).map(|m| m.label(t)).unwrap_or("–")}</dd>
            <dt>{t.reg_field_published}</dt>
            <dd>{if v.published { t.yes } else { t.no }}</dd>
            <dt>{t.reg_field_public_oversight}</dt>
            <dd class="prewrap">{or_dash(v.public_oversight.clone())}</dd>
        </dl>
    }
}

/// The last change its users had to hear about, and how many know it.
#[component]
fn UpdateSection(u: crate::model::UpdateReach) -> impl IntoView {
    let t = use_texts();
    let locale = crate::app::use_locale();
    view! {
        <section class="card" aria-labelledby="update-heading">
            <h2 id="update-heading">{t.reg_update_heading}</h2>
            <dl class="facts">
                <dt>{t.reg_update_on}</dt>
                <dd>{locale.format_date(u.on)}</dd>
                <dt>{t.reg_update_fields}</dt>
                <dd>{u.fields.join(", ")}</dd>
                <dt>{t.reg_field_update_mode}</dt>
                <dd>{u.mode.clone()}</dd>
                <dt>{t.reg_update_current}</dt>
                <dd>{t.reg_update_reach(u.current, u.people)}</dd>
            </dl>
        </section>
    }
}

#[component]
fn Classification(s: AiSystemDetail) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card" aria-labelledby="class-heading">
            <h2 id="class-heading">{t.reg_classification}</h2>
            <p>{t.reg_result} " " <ClassTag code=s.class_code.clone() label=s.class.clone() /></p>
            <p>{t.reg_articles} " " {s.articles.join(" · ")}</p>
            <ul>{s.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
            <p class="muted">{t.reg_not_certified}</p>
        </section>
    }
}

#[component]
fn Duties(s: AiSystemDetail, action: ServerAction<SaveAiDuty>) -> impl IntoView {
    let t = use_texts();
    let id = s.id;
    let can_edit = s.can_edit;
    view! {
        <section aria-labelledby="duties-heading">
            <h2 id="duties-heading">{t.reg_duties}</h2>
            <p>{t.reg_duties_intro}</p>
            <details class="deadlines">
                <summary>{t.reg_deadlines}</summary>
                <div class="prose" lang="de" inner_html=s.deadlines_html.clone()></div>
            </details>
            <ol class="duties">
                {s
                    .duties
                    .into_iter()
                    .map(|d| {
                        let anchor = format!("pflicht-{}", d.code);
                        let state = duty_state_label(&d.status, t);
                        let code = d.code.clone();
                        let f = move |n: &str| format!("{n}-{code}");
                        view! {
                            <li id=anchor.clone() class="duty">
                                <h3 class="duty__title">
                                    {d.label.clone()} " "
                                    <span class="muted">"(" {d.article.clone()} ")"</span>
                                </h3>
                                <p>
                                    <strong>{t.reg_duty_state}": "</strong>
                                    {state}
                                    {(!d.day.is_empty()).then(|| format!(" · {}", d.day))}
                                    {(!d.responsible.is_empty())
                                        .then(|| format!(" · {}", d.responsible))}
                                </p>
                                {(!d.evidence.is_empty())
                                    .then(|| view! { <p class="prewrap">{d.evidence.clone()}</p> })}
                                {can_edit
                                    .then(|| {
                                        let (sid, did, rid, eid) = (
                                            f("status"),
                                            f("datum"),
                                            f("zustaendig"),
                                            f("nachweis"),
                                        );
                                        view! {
                                            <details class="duty__edit">
                                                <summary>{t.reg_duty_record}</summary>
                                                <ActionForm action attr:class="form form--inline">
                                                    <input type="hidden" name="id" value=id.to_string() />
                                                    <input type="hidden" name="pflicht" value=d.code.clone() />
                                                    <div class="field">
                                                        <label for=sid.clone()>{t.reg_duty_state}</label>
                                                        <select id=sid name="status">
                                                            {DUTY_STATES
                                                                .iter()
                                                                .map(|c| {
                                                                    view! {
                                                                        <option value=*c selected=*c == d.status>
                                                                            {duty_state_label(c, t)}
                                                                        </option>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </select>
                                                    </div>
                                                    <div class="field">
                                                        <label for=did.clone()>{t.reg_duty_day}</label>
                                                        <input
                                                            id=did
                                                            type="date"
                                                            name="datum"
                                                            value=d.day.clone()
                                                        />
                                                    </div>
                                                    <div class="field">
                                                        <label for=rid.clone()>{t.reg_duty_responsible}</label>
                                                        <input
                                                            id=rid
                                                            type="text"
                                                            name="zustaendig"
                                                            value=d.responsible.clone()
                                                        />
                                                    </div>
                                                    <div class="field">
                                                        <label for=eid.clone()>{t.reg_duty_evidence}</label>
                                                        <textarea id=eid name="nachweis" rows="3">
                                                            {d.evidence.clone()}
                                                        </textarea>
                                                    </div>
                                                    <button type="submit" class="button button--secondary">
                                                        {t.reg_duty_save}
                                                    </button>
                                                </ActionForm>
                                            </details>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn History(s: AiSystemDetail) -> impl IntoView {
    let t = use_texts();
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t.reg_history}</h2>
            <DataTable
                caption=t.reg_history
                columns=vec![
                    t.reg_history_version,
                    t.reg_history_when,
                    t.reg_history_who,
                    t.reg_history_what,
                ]
            >
                {s
                    .history
                    .into_iter()
                    .map(|h| {
                        view! {
                            <tr>
                                <th scope="row">{h.version}</th>
                                <td>{h.at}</td>
                                <td>{h.actor}</td>
                                <td>
                                    {(h.version == 1).then_some(t.reg_history_created)}
                                    <ul class="changes">
                                        {h
                                            .changes
                                            .into_iter()
                                            .filter(|_| h.version > 1)
                                            .map(|(field, old, new)| {
                                                let short = |v: String| {
                                                    if v.chars().count() > 120 {
                                                        format!("{}…", v.chars().take(120).collect::<String>())
                                                    } else if v.is_empty() {
                                                        "–".to_string()
                                                    } else {
                                                        v
                                                    }
                                                };
                                                view! {
                                                    <li>
                                                        <strong>{field}": "</strong>
                                                        {short(old)}
                                                        " → "
                                                        {short(new)}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </DataTable>
        </section>
    }
}

/// A group of checkboxes named `name[i]`, one per code.
#[component]
fn Checks(
    name: &'static str,
    legend: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    codes: Vec<&'static str>,
    label: fn(&str, &Texts) -> &'static str,
    checked: Vec<String>,
    error: FormError,
) -> impl IntoView {
    let t = use_texts();
    let message = move || error.get().and_then(|e| e.field_message(name));
    view! {
        <fieldset class="field" id=name class:field--error=move || message().is_some()>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="field__hint">{h}</p> })}
            {move || message().map(|m| view! { <p class="field__error">{m}</p> })}
            {codes
                .into_iter()
                .enumerate()
                .map(|(i, code)| {
                    let input_id = format!("{name}-{code}");
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=input_id.clone()
                                name=format!("{name}[{i}]")
                                value=code
                                checked=checked.iter().any(|c| c == code)
                            />
                            <label for=input_id>{label(code, t)}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
pub fn NewAiSystemPage() -> impl IntoView {
    view! { <SystemFormPage editing=false /> }
}

#[component]
pub fn EditAiSystemPage() -> impl IntoView {
    view! { <SystemFormPage editing=true /> }
}

#[component]
fn SystemFormPage(editing: bool) -> impl IntoView {
    let t = use_texts();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let save = ServerAction::<SaveAiSystem>::new();
    let error = action_error(save);
    let data = Resource::new_blocking(
        move || id.get(),
        move |id| async move {
            match (editing, id) {
                (true, None) => Err(crate::error::AppError::NotFound),
                (_, id) => load_ai_system_form(id).await,
            }
        },
    );
    let title = if editing { t.reg_edit } else { t.reg_new };
    view! {
        <Title text=title />
        <p class="breadcrumb">
            <a href="/verwaltung/ki-register">{t.reg_title}</a>
        </p>
        <h1>{title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let form = crate::loaded!(data.await);
                view! { <SystemForm form save error /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn SystemForm(
    form: AiSystemForm,
    save: ServerAction<SaveAiSystem>,
    error: FormError,
) -> impl IntoView {
    let t = use_texts();
    let v: AiSystemValues = form.values.clone();
    let a = v.answers.clone();
    let field_error =
        move |name: &'static str| move || error.get().and_then(|e| e.field_message(name));
    let select_error = move |name: &'static str| {
        let m = field_error(name);
        move || m().map(|m| view! { <p class="field__error">{m}</p> })
    };
    let art5: Vec<String> = a.art5.iter().cloned().collect();
    let exceptions: Vec<String> = a.exceptions.iter().cloned().collect();
    let art50: Vec<String> = a.art50.iter().cloned().collect();
    let checkbox = |name: &'static str, label: &'static str, checked: bool| {
        view! {
            <div class="checkbox">
                <input type="checkbox" id=name name=name value="on" checked=checked />
                <label for=name>{label}</label>
            </div>
        }
    };
    let courses = form.courses.clone();
    let course_select =
        move |name: &'static str, label: &'static str, hint: &'static str, current: String| {
            let hint_id = format!("{name}-hint");
            view! {
                <div class="field">
                    <label for=name>{label}</label>
                    <p class="field__hint" id=hint_id.clone()>
                        {hint}
                    </p>
                    {select_error(name)}
                    <select id=name name=name aria-describedby=hint_id>
                        <option value="">{t.reg_no_course}</option>
                        {courses
                            .iter()
                            .map(|c| {
                                view! {
                                    <option value=c.slug.clone() selected=c.slug == current>
                                        {c.title.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            }
        };
    view! {
        {form.restored.then(|| view! {
            <p class="notice notice--warning" role="status">{t.reg_restored}</p>
        })}
        <ErrorSummary error />
        <ActionForm action=save attr:class="form form--wide">
            {form.id.map(|id| view! {
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="version" value=form.version.to_string() />
            })}
            <fieldset class="form__section">
                <legend>{t.reg_section_basics}</legend>
                <TextField label=t.reg_field_name name="name" error value=v.name.clone() />
                <TextField label=t.reg_field_provider name="anbieter" error value=v.provider.clone() />
                <TextField label=t.reg_field_product name="produkt" error value=v.product.clone() required=false hint=t.reg_product_hint />
                <TextField label=t.reg_field_purpose name="zweck" error value=v.purpose.clone() rows=4 hint=t.reg_purpose_hint />
                <div class="field">
                    <label for="status">{t.reg_field_status}</label>
                    {select_error("status")}
                    <select id="status" name="status">
                        {Status::ALL.iter().map(|s| view! {
                            <option value=s.code() selected=s.code() == v.status>{s.label(t)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="field" id="rolle">
                    <legend>{t.reg_field_role}</legend>
                    {select_error("rolle")}
                    {OrgRole::ALL.iter().map(|r| {
                        let input_id = format!("rolle-{}", r.code());
                        view! {
                            <div class="checkbox">
                                <input type="radio" id=input_id.clone() name="rolle" value=r.code() checked=r.code() == v.role />
                                <label for=input_id>{r.label(t)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <TextField label=t.reg_field_responsible name="verantwortlich" error value=v.responsible.clone() hint=t.reg_responsible_hint />
                <TextField label=t.reg_field_contact name="kontakt" error value=v.contact.clone() required=false hint=t.reg_contact_hint />
                <TextField label=t.reg_field_introduced name="eingefuehrt" kind="date" error value=v.introduced.clone() required=false />
                <TextField label=t.reg_field_reviewed name="geprueft" kind="date" error value=v.reviewed.clone() required=false />
            </fieldset>
            <fieldset class="form__section">
                <legend>{t.reg_section_rules}</legend>
                <fieldset class="field" id="einheiten" class:field--error=move || field_error("einheiten")().is_some()>
                    <legend>{t.reg_field_units}</legend>
                    <p class="field__hint">{t.reg_units_hint}</p>
                    {select_error("einheiten")}
                    {form.units.iter().enumerate().map(|(i, u)| {
                        let input_id = format!("einheit-{}", u.id);
                        view! {
                            <div class=format!("checkbox depth-{}", u.depth.min(6))>
                                <input type="checkbox" id=input_id.clone() name=format!("einheiten[{i}]")
                                    value=u.id.to_string() checked=v.units.contains(&u.id) />
                                <label for=input_id>{u.name.clone()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <TextField label=t.reg_field_approved name="erlaubt" error value=v.approved_uses.clone() rows=4 required=false hint=t.reg_approved_hint />
                <TextField label=t.reg_field_prohibited name="verboten" error value=v.prohibited_uses.clone() rows=4 required=false hint=t.reg_prohibited_hint />
                <Checks name="daten" legend=t.reg_field_data hint=t.reg_data_hint codes=DATA_CLASSES.to_vec()
                    label=data_class_label checked=v.data_classes.clone() error />
                <TextField label=t.reg_field_instruction name="dienstanweisung" kind="url" error value=v.instruction_url.clone() required=false />
                <TextField label=t.reg_field_manual name="betriebsanleitung" kind="url" error value=v.manual_url.clone() required=false />
            </fieldset>
            <fieldset class="form__section" id="fragebogen">
                <legend>{t.reg_section_questionnaire}</legend>
                <p>{t.reg_questionnaire_intro}</p>
                <Checks name="art5" legend=t.reg_q_art5 hint=t.reg_q_art5_hint codes=ART5.to_vec()
                    label=art5_label checked=art5 error />
                <div class="field">
                    <label for="anhang3">{t.reg_q_annex3}</label>
                    <p class="field__hint" id="anhang3-hint">{t.reg_q_annex3_hint}</p>
                    <select id="anhang3" name="anhang3" aria-describedby="anhang3-hint">
                        <option value="">{annex3_label("", t)}</option>
                        {ANNEX3.iter().map(|c| view! {
                            <option value=*c selected=a.annex3.as_deref() == Some(*c)>{annex3_label(c, t)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Checks name="ausnahme" legend=t.reg_q_exception hint=t.reg_q_exception_hint codes=EXCEPTIONS.to_vec()
                    label=exception_label checked=exceptions error />
                <TextField label=t.reg_q_exception_reason name="ausnahme_begruendung" error
                    value=a.exception_reason.clone() rows=3 required=false />
                {checkbox("profiling", t.reg_q_profiling, a.profiling)}
                <Checks name="art50" legend=t.reg_q_art50 codes=ART50.to_vec() label=art50_label checked=art50 error />
                {checkbox("gpai", t.reg_q_gpai, a.gpai)}
                {form.id.map(|_| view! {
                    <div class="field" class:field--error=move || field_error("einstufung_geprueft")().is_some()>
                        {select_error("einstufung_geprueft")}
                        <div class="checkbox">
                            <input type="checkbox" id="einstufung_geprueft" name="einstufung_geprueft" value="on" />
                            <label for="einstufung_geprueft">{t.reg_q_reviewed}</label>
                        </div>
                    </div>
                })}
            </fieldset>
            <fieldset class="form__section">
                <legend>{t.reg_section_training}</legend>
                {course_select("kurs", t.reg_field_course, t.reg_course_hint, v.course.clone())}
                <TextField label=t.reg_field_oversight name="aufsicht" error value=v.oversight.clone() rows=3 required=false hint=t.reg_oversight_hint />
                {course_select("aufsichtskurs", t.reg_field_oversight_course, t.reg_oversight_course_hint, v.oversight_course.clone())}
                <fieldset class="field" id="aenderung" class:field--error=move || field_error("aenderung")().is_some()>
                    <legend>{t.reg_field_update_mode}</legend>
                    <p class="field__hint">{t.reg_update_hint}</p>
                    {select_error("aenderung")}
                    {UpdateMode::ALL.iter().map(|m| {
                        let input_id = format!("aenderung-{}", m.code());
                        view! {
                            <div class="checkbox">
                                <input type="radio" id=input_id.clone() name="aenderung" value=m.code() checked=m.code() == v.update_mode />
                                <label for=input_id>{m.label(t)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            </fieldset>
            <fieldset class="form__section" id="eu-datenbank">
                <legend>{t.reg_section_eu}</legend>
                <p>{t.reg_eu_hint}</p>
                <TextField label=t.reg_field_eu_database name="eu_datenbank" kind="url" error value=v.eu_database_url.clone() required=false />
                <TextField label=t.reg_field_fria name="grundrechte" error value=v.fria_summary.clone() rows=4 required=false />
                <TextField label=t.reg_field_dpia name="dsfa" error value=v.dpia_summary.clone() rows=4 required=false />
            </fieldset>
            <fieldset class="form__section">
                <legend>{t.reg_section_public}</legend>
                <TextField label=t.reg_field_public_oversight name="aufsicht_oeffentlich" error value=v.public_oversight.clone() rows=3 required=false hint=t.reg_public_oversight_hint />
                <div class="field" id="veroeffentlicht-field" class:field--error=move || field_error("veroeffentlicht")().is_some()>
                    {select_error("veroeffentlicht")}
                    <div class="checkbox">
                        <input type="checkbox" id="veroeffentlicht" name="veroeffentlicht" value="on" checked=v.published />
                        <label for="veroeffentlicht">{t.reg_publish}</label>
                    </div>
                    <p class="field__hint">{t.reg_publish_hint}</p>
                </div>
            </fieldset>
            <button type="submit" class="button">{t.reg_save}</button>
        </ActionForm>
    }
}

#[component]
pub fn PublicRegisterPage() -> impl IntoView {
    let t = use_texts();
    let locale = crate::app::use_locale();
    let data = Resource::new_blocking(|| (), |_| list_public_ai_systems());
    view! {
        <Title text=t.reg_public_title />
        <h1>{t.reg_public_title}</h1>
        <p class="lead">{t.reg_public_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let systems = crate::loaded!(data.await);
                if systems.is_empty() {
                    return view! { <p>{t.reg_public_none}</p> }.into_any();
                }
                view! {
                    <div class="public-register">
                        {systems
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <article class="card">
                                        <h2>{s.name.clone()}</h2>
                                        <p class="prewrap">{s.purpose.clone()}</p>
                                        <dl class="facts">
                                            <dt>{t.reg_field_status}</dt>
                                            <dd>{s.status.clone()}</dd>
                                            <dt>{t.reg_field_class}</dt>
                                            <dd>
                                                <ClassTag code=s.class_code.clone() label=s.class.clone() />
                                            </dd>
                                            <dt>{t.reg_public_office}</dt>
                                            <dd>{s.office.clone()}</dd>
                                            <dt>{t.reg_public_oversight}</dt>
                                            <dd>{s.oversight.clone()}</dd>
                                            <dt>{t.reg_field_provider}</dt>
                                            <dd>{s.provider.clone()}</dd>
                                            <dt>{t.reg_field_contact}</dt>
                                            <dd>
                                                {if s.contact.is_empty() {
                                                    "–".to_string()
                                                } else {
                                                    s.contact.clone()
                                                }}
                                            </dd>
                                            {(!s.reviewed.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <dt>{t.reg_field_reviewed}</dt>
                                                        <dd>
                                                            {crate::i18n::Date::parse_iso(&s.reviewed)
                                                                .map(|d| locale.format_date(d))
                                                                .unwrap_or_default()}
                                                        </dd>
                                                    }
                                                })}
                                        </dl>
                                    </article>
                                }
                            })
                            .collect_view()}
                    </div>
                    <p>
                        <a href="/ki-register.json" rel="external">
                            {t.reg_public_json}
                        </a>
                    </p>
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// A change of one of the person's AI tools: what changed, the current rules, and the
/// confirmation (or the course to take again).
#[component]
pub fn KiUpdatePage() -> impl IntoView {
    let t = use_texts();
    let locale = crate::app::use_locale();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let confirmed = query("bestaetigt");
    let confirm = ServerAction::<ConfirmKiUpdate>::new();
    let error = action_error(confirm);
    let data = Resource::new_blocking(
        move || (id.get(), confirm.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_ki_update(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let u = crate::loaded!(data.await);
                let title = t.ki_update_title(&u.name);
                let empty = |v: String| {
                    if v.is_empty() { t.ki_update_empty.to_string() } else { v }
                };
                view! {
                    <Title text=title.clone() />
                    <h1>{title}</h1>
                    {move || {
                        confirmed.get().map(|_| view! { <Notice text=t.ki_update_confirmed /> })
                    }}
                    <ErrorSummary error />
                    <p class="lead">{t.ki_update_lead(locale.format_date(u.changed_on))}</p>
                    <section aria-labelledby="changes-heading">
                        <h2 id="changes-heading">{t.ki_update_changes}</h2>
                        <dl class="facts">
                            {u
                                .changes
                                .iter()
                                .map(|c| {
                                    let list = |label: &'static str, items: &Vec<String>| {
                                        (!items.is_empty())
                                            .then(|| {
                                                view! {
                                                    <p class="change__label">
                                                        <strong>{label}</strong>
                                                    </p>
                                                    <ul>
                                                        {items
                                                            .iter()
                                                            .map(|i| view! { <li>{i.clone()}</li> })
                                                            .collect_view()}
                                                    </ul>
                                                }
                                            })
                                    };
                                    let body = if c.added.is_empty() && c.removed.is_empty() {
                                        view! {
                                            <span class="muted">{t.ki_update_before} ": "</span>
                                            <span class="prewrap">{empty(c.before.clone())}</span>
                                            <br />
                                            <strong>{t.ki_update_after} ": "</strong>
                                            <span class="prewrap">{empty(c.after.clone())}</span>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            {list(t.ki_update_added, &c.added)}
                                            {list(t.ki_update_removed, &c.removed)}
                                        }
                                            .into_any()
                                    };
                                    view! {
                                        <dt>{c.field.clone()}</dt>
                                        <dd>{body}</dd>
                                    }
                                })
                                .collect_view()}
                        </dl>
                    </section>
                    <section aria-labelledby="rules-heading">
                        <h2 id="rules-heading">{t.ki_update_rules}</h2>
                        <div class="module__content" inner_html=u.rules_html.clone()></div>
                    </section>
                    {if u.current {
                        view! {
                            <p class="notice" role="status">
                                {t.ki_update_done}
                            </p>
                        }
                            .into_any()
                    } else if let Some((slug, course)) = u.course.clone() {
                        view! {
                            <p>
                                {t.ki_update_course_by(locale.format_date(u.due))} " "
                                <a class="button" href=format!("/kurse/{slug}")>
                                    {course}
                                </a>
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ActionForm action=confirm attr:class="form">
                                <input type="hidden" name="id" value=u.id.to_string() />
                                <input type="hidden" name="version" value=u.version.to_string() />
                                <p>{t.ki_update_confirm_by(locale.format_date(u.due))}</p>
                                <button type="submit" class="button">
                                    {t.ki_update_confirm}
                                </button>
                            </ActionForm>
                        }
                            .into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// The sheet for the EU database (Annex VIII Section C): printable, with what is missing.
#[component]
pub fn EuSheetPage() -> impl IntoView {
    let t = use_texts();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_eu_sheet(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let e = crate::loaded!(data.await);
                let or_missing = |v: String| {
                    if v.is_empty() {
                        view! { <em class="state state--overdue">{t.reg_eu_missing}</em> }
                            .into_any()
                    } else {
                        view! { <span class="prewrap">{v}</span> }.into_any()
                    }
                };
                let contact = if e.contact.is_empty() {
                    e.responsible.clone()
                } else {
                    format!("{} – {}", e.responsible, e.contact)
                };
                view! {
                    <Title text=format!("{} – {}", t.reg_eu_title, e.name) />
                    <p class="breadcrumb">
                        <a href="/verwaltung/ki-register">{t.reg_title}</a>
                        " › "
                        <a href=format!("/verwaltung/ki-register/{}", e.id)>{e.name.clone()}</a>
                    </p>
                    <h1>{t.reg_eu_title} ": " {e.name.clone()}</h1>
                    <p class="lead">{t.reg_eu_lead}</p>
                    {if e.national {
                        view! { <p class="notice notice--warning">{t.reg_eu_national}</p> }
                            .into_any()
                    } else if !e.applies {
                        view! { <p class="notice">{t.reg_eu_not_high}</p> }.into_any()
                    } else if e.missing.is_empty() {
                        view! {
                            <p class="notice" role="status">
                                {t.reg_eu_complete}
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <div class="notice notice--warning">
                                <p>{t.reg_eu_incomplete}</p>
                                <ul>
                                    {e
                                        .missing
                                        .iter()
                                        .map(|m| view! { <li>{m.clone()}</li> })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                            .into_any()
                    }}
                    <dl class="facts">
                        <dt>{t.reg_eu_deployer}</dt>
                        <dd>{e.deployer.clone()} " – " {e.deployer_contact.clone()}</dd>
                        <dt>{t.reg_eu_contact}</dt>
                        <dd>{contact}</dd>
                        <dt>{t.reg_field_eu_database}</dt>
                        <dd>{or_missing(e.provider_entry.clone())}</dd>
                        <dt>{t.reg_field_fria}</dt>
                        <dd>{or_missing(e.fria.clone())}</dd>
                        <dt>{t.reg_field_dpia}</dt>
                        <dd>{or_missing(e.dpia.clone())}</dd>
                        <dt>{t.reg_field_provider}</dt>
                        <dd>{e.provider.clone()}</dd>
                        <dt>{t.reg_field_product}</dt>
                        <dd>{e.product.clone()}</dd>
                        <dt>{t.reg_field_purpose}</dt>
                        <dd class="prewrap">{e.purpose.clone()}</dd>
                        <dt>{t.reg_eu_use_case}</dt>
                        <dd>{e.use_case.clone()}</dd>
                        <dt>{t.reg_eu_registration}</dt>
                        <dd>{e.registration.clone()}</dd>
                    </dl>
                    <p class="muted">{t.reg_not_certified}</p>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
