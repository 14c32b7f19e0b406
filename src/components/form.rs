//! Accessible form pieces: an error summary at the top (links to the fields), and fields whose
//! errors are tied to them with `aria-describedby` and `aria-invalid`.
use leptos::prelude::*;

use crate::app::use_texts;
use crate::error::AppError;

/// The error of a server action, for forms.
pub type FormError = Signal<Option<AppError>>;

pub fn action_error<I, O>(action: ServerAction<I>) -> FormError
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
pub fn ErrorSummary(error: FormError) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            let items: Vec<(Option<String>, String)> = match &e {
                AppError::Fields(fields) => fields
                    .iter()
                    .map(|f| (Some(f.field.clone()), f.message.clone()))
                    .collect(),
                other => vec![(None, other.message(t))],
            };
            view! {
                <div class="error-summary" role="alert">
                    <h2 class="error-summary__title">{t.form_error_heading}</h2>
                    <ul>
                        {items
                            .into_iter()
                            .map(|(field, msg)| match field {
                                Some(f) => {
                                    view! {
                                        <li>
                                            <a href=format!("#{f}")>{msg}</a>
                                        </li>
                                    }
                                        .into_any()
                                }
                                None => view! { <li>{msg}</li> }.into_any(),
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A labelled text input.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    error: FormError,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    /// A multi-line field (`<textarea>`) with this many rows.
    #[prop(optional)]
    rows: Option<u32>,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field_message(name));
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {move || message().map(|m| view! { <p class="field__error" id=error_id.clone()>{m}</p> })}
            {match rows {
                Some(rows) => view! {
                    <textarea
                        id=name
                        name=name
                        rows=rows
                        autocomplete=autocomplete
                        required=required
                        aria-invalid=move || message().is_some().then_some("true")
                        aria-describedby=described_by
                    >{value}</textarea>
                }.into_any(),
                None => view! {
                    <input
                        id=name
                        name=name
                        type=kind
                        autocomplete=autocomplete
                        required=required
                        value=value
                        aria-invalid=move || message().is_some().then_some("true")
                        aria-describedby=described_by
                    />
                }.into_any(),
            }}
        </div>
    }
}

/// A form that uploads one file to a plain route (multipart; works without JavaScript): the
/// field `datei` with its label and hint, and the button.
#[component]
pub fn FileUpload(
    #[prop(into)] action: String,
    /// The input's id (the field name is always `datei`).
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    accept: &'static str,
    button: &'static str,
    #[prop(optional)] secondary: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="form">
            <div class="field">
                <label for=id>{label}</label>
                {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
                <input
                    id=id
                    name="datei"
                    type="file"
                    accept=accept
                    required=true
                    aria-describedby=hint.map(|_| hint_id.clone())
                />
            </div>
            <button type="submit" class="button" class:button--secondary=secondary>
                {button}
            </button>
        </form>
    }
}

/// A short confirmation shown after a successful action (status, not alert).
#[component]
pub fn Notice(text: &'static str) -> impl IntoView {
    view! {
        <p class="notice" role="status">
            {text}
        </p>
    }
}

/// Options of an org-unit select, indented by depth.
pub fn unit_options(units: &[crate::model::OrgUnit], selected: Option<i64>) -> AnyView {
    units
        .iter()
        .map(|u| {
            let label = format!("{}{}", "\u{2003}".repeat(u.depth), u.name);
            view! {
                <option value=u.id.to_string() selected=selected == Some(u.id)>
                    {label}
                </option>
            }
        })
        .collect_view()
        .into_any()
}
