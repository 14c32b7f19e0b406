//! "Really remove?" in place. Without JavaScript the button is a link to a page of its own that
//! asks the question; with JavaScript the same question, with the same consequences spelled out,
//! opens where the button is, so a coordinator working through a list does not lose her place.
//! The confirming form posts to the same server function either way.
use leptos::html;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the in-place question says. Islands run without the server's context, so the texts
/// travel as props in the page's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmTexts {
    /// The button, e.g. "Entfernen".
    pub label: String,
    /// Read by screen readers after the label, to tell the buttons of a list apart.
    pub label_detail: String,
    pub question: String,
    pub consequence: String,
    pub confirm: String,
    pub cancel: String,
}

/// `href`: the confirmation page; `action` and `id`: the form that does it.
#[island]
pub fn ConfirmInPlace(href: String, action: String, id: i64, texts: ConfirmTexts) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let open = RwSignal::new(false);
    let question = NodeRef::<html::P>::new();
    let link = NodeRef::<html::A>::new();
    let on_open = move |ev: leptos::ev::MouseEvent| {
        if !live.get_untracked() {
            return;
        }
        ev.prevent_default();
        open.set(true);
        request_animation_frame(move || {
            if let Some(p) = question.get_untracked() {
                let _ = p.focus();
            }
        });
    };
    let on_cancel = move |_| {
        open.set(false);
        request_animation_frame(move || {
            if let Some(a) = link.get_untracked() {
                let _ = a.focus();
            }
        });
    };
    view! {
        <a
            class="button button--danger"
            href=href
            node_ref=link
            hidden=move || open.get()
            on:click=on_open
        >
            {texts.label}
            <span class="visually-hidden">{texts.label_detail}</span>
        </a>
        <div class="confirm-in-place" hidden=move || !open.get()>
            <p class="confirm-in-place__question" tabindex="-1" node_ref=question>
                <strong>{texts.question}</strong>
            </p>
            <p>{texts.consequence}</p>
            <form method="post" action=action class="form form--inline">
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="button button--danger">
                    {texts.confirm}
                </button>
                <button type="button" class="button button--secondary" on:click=on_cancel>
                    {texts.cancel}
                </button>
            </form>
        </div>
    }
}
