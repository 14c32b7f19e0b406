//! The final test's and module checks' aids: a countdown, the list of open questions before
//! sending, and buttons to move the steps of an ordering question. The form itself is plain
//! HTML that works without JavaScript; these only add to it.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::Texts;

/// The labels the quiz islands show. Islands run in the browser without the server's context,
/// so their texts travel as props, in the page's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizAids {
    submit: String,
    question: String,
    time_left: String,
    minutes_left_one: String,
    minutes_left_other: String,
    time_up: String,
    unanswered_one: String,
    unanswered_other: String,
    unanswered_hint: String,
    submit_anyway: String,
}

impl QuizAids {
    pub fn new(t: &Texts) -> Self {
        Self {
            submit: t.quiz_submit.into(),
            question: t.quiz_question.into(),
            time_left: t.quiz_time_left.into(),
            minutes_left_one: t.quiz_minutes_left.one.into(),
            minutes_left_other: t.quiz_minutes_left.other.into(),
            time_up: t.quiz_time_up.into(),
            unanswered_one: t.quiz_unanswered.one.into(),
            unanswered_other: t.quiz_unanswered.other.into(),
            unanswered_hint: t.quiz_unanswered_hint.into(),
            submit_anyway: t.quiz_submit_anyway.into(),
        }
    }
}

/// The answer form, a plain post that works without JavaScript. With JavaScript it adds what a
/// script can: a countdown for a timed test (announced to screen readers at five minutes, one
/// minute and the end, not every second), and, when questions are still open, a list of them
/// with links before anything is sent; "Trotzdem absenden" sends as it is.
#[island]
pub fn QuizForm(
    action: String,
    seconds_left: Option<i64>,
    /// Questions the server found open when the form was last sent (shown from the start, so
    /// that "Trotzdem absenden" works without JavaScript too).
    open: Vec<usize>,
    aids: QuizAids,
    children: Children,
) -> impl IntoView {
    let live = RwSignal::new(false);
    let left = RwSignal::new(seconds_left);
    let announcement = RwSignal::new(String::new());
    let open_questions = RwSignal::new(open);
    let send_anyway = RwSignal::new(false);
    let summary = NodeRef::<leptos::html::Div>::new();
    let minutes = (
        aids.minutes_left_one.clone(),
        aids.minutes_left_other.clone(),
    );
    let time_up = aids.time_up.clone();
    Effect::new(move |_| {
        live.set(true);
        if let Some(s) = seconds_left {
            let end = browser::now_ms() + s as f64 * 1000.0;
            let (one, other) = minutes.clone();
            let time_up = time_up.clone();
            let _ = set_interval_with_handle(
                move || {
                    let before = left.get_untracked().unwrap_or(0);
                    let now = ((end - browser::now_ms()) / 1000.0).ceil().max(0.0) as i64;
                    if now == before {
                        return;
                    }
                    left.set(Some(now));
                    // Announce when a threshold is crossed, once each.
                    for mark in [300, 60] {
                        if before > mark && now <= mark {
                            let n = mark / 60;
                            let text = if n == 1 { &one } else { &other };
                            announcement.set(text.replace("{n}", &n.to_string()));
                        }
                    }
                    if before > 0 && now == 0 {
                        announcement.set(time_up.clone());
                    }
                },
                std::time::Duration::from_millis(500),
            );
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if send_anyway.get_untracked() {
            return;
        }
        let open = browser::open_questions(&ev);
        if !open.is_empty() {
            ev.prevent_default();
            open_questions.set(open);
            request_animation_frame(move || {
                if let Some(el) = summary.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    };
    let time_left = aids.time_left.clone();
    let clock = move || {
        let s = left.get().unwrap_or(0);
        time_left.replace("{time}", &format!("{}:{:02}", s / 60, s % 60))
    };
    let question = aids.question.clone();
    let (one, other) = (aids.unanswered_one.clone(), aids.unanswered_other.clone());
    view! {
        <form method="post" action=action class="quiz" on:submit=on_submit>
            {seconds_left
                .map(|_| {
                    view! {
                        <p class="countdown" role="timer" hidden=move || !live.get()
                    class:countdown--ending=move || left.get().unwrap_or(0) <= 60>{clock}</p>
                    }
                })}
            <p class="visually-hidden" aria-live="polite">
                {move || announcement.get()}
            </p>
            {children()}
            // The ordinary button comes first: it is the form's default button, the one Enter
            // in a field presses, so Enter never confirms "Trotzdem absenden".
            <button type="submit" class="button">
                {aids.submit.clone()}
            </button>
            <div
                class="error-summary"
                id="offene-fragen"
                tabindex="-1"
                node_ref=summary
                hidden=move || open_questions.with(Vec::is_empty)
            >
                <p class="error-summary__title">
                    {move || {
                        let n = open_questions.with(Vec::len);
                        if n == 1 { one.clone() } else { other.replace("{n}", &n.to_string()) }
                    }}
                </p>
                <ul>
                    {move || {
                        open_questions
                            .get()
                            .into_iter()
                            .map(|n| {
                                view! {
                                    <li>
                                        <a href=format!(
                                            "#frage-{n}",
                                        )>{format!("{} {n}", question)}</a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <p>{aids.unanswered_hint.clone()}</p>
                <button
                    type="submit"
                    name="trotzdem"
                    value="1"
                    class="button button--secondary"
                    on:click=move |_| send_anyway.set(true)
                >
                    {aids.submit_anyway.clone()}
                </button>
            </div>
        </form>
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderAids {
    choose: String,
    up: String,
    down: String,
    moved: String,
}

impl OrderAids {
    pub fn new(t: &Texts) -> Self {
        Self {
            choose: t.quiz_position_choose.into(),
            up: t.quiz_move_up.into(),
            down: t.quiz_move_down.into(),
            moved: t.quiz_moved.into(),
        }
    }
}

/// The steps of an ordering question, each with a number to choose: that is the answer, with
/// or without JavaScript. With JavaScript each step also gets "Nach oben" and "Nach unten";
/// moving a step numbers all steps in the order shown, says where the step now stands, and
/// keeps the focus on the button that moved it.
#[island]
pub fn OrderSteps(
    question: String,
    steps: Vec<(String, String)>,
    /// Numbers given so far (option id, position), from a form sent with open questions.
    positions: Vec<(String, u32)>,
    aids: OrderAids,
) -> impl IntoView {
    let n = steps.len();
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let given: Vec<Option<u32>> = steps
        .iter()
        .map(|(id, _)| positions.iter().find(|(o, _)| o == id).map(|(_, p)| *p))
        .collect();
    // Steps numbered before stand in that order, the others after them, so that moving a step
    // keeps the numbers given.
    let mut start: Vec<usize> = (0..n).collect();
    start.sort_by_key(|i| (given[*i].unwrap_or(u32::MAX), *i));
    let order = RwSignal::new(start);
    let values = RwSignal::new(
        given
            .iter()
            .map(|p| p.map(|p| p.to_string()).unwrap_or_default())
            .collect::<Vec<_>>(),
    );
    let status = RwSignal::new(String::new());
    let steps = StoredValue::new(steps);
    let aids = StoredValue::new(aids);
    let question = StoredValue::new(question);
    let move_step = move |i: usize, up: bool| {
        let mut o = order.get_untracked();
        let Some(p) = o.iter().position(|x| *x == i) else {
            return;
        };
        let target = if up {
            p.checked_sub(1)
        } else {
            Some(p + 1).filter(|t| *t < n)
        };
        let Some(target) = target else { return };
        o.swap(p, target);
        values.set(
            (0..n)
                .map(|k| {
                    o.iter()
                        .position(|x| *x == k)
                        .map(|p| (p + 1).to_string())
                        .unwrap_or_default()
                })
                .collect(),
        );
        order.set(o);
        let text = steps.with_value(|s| s[i].1.clone());
        status.set(aids.with_value(|a| {
            a.moved
                .replace("{step}", &text)
                .replace("{position}", &(target + 1).to_string())
                .replace("{total}", &n.to_string())
        }));
        let button =
            question.with_value(|q| format!("{}-{q}-{i}", if up { "hoch" } else { "runter" }));
        request_animation_frame(move || browser::focus(&button));
    };
    let row = move |i: usize| {
        let (id, text) = steps.with_value(|s| s[i].clone());
        let q = question.get_value();
        let input_id = format!("a-{q}-{i}");
        let (up_label, down_label, choose) =
            aids.with_value(|a| (a.up.clone(), a.down.clone(), a.choose.clone()));
        view! {
            <div class="order-row">
                <select
                    id=input_id.clone()
                    name=format!("o.{q}.{id}")
                    prop:value=move || values.with(|v| v[i].clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        values.update(|all| all[i] = v)
                    }
                >
                    <option value="">{choose}</option>
                    {(1..=n)
                        .map(|p| {
                            let given = values.with_untracked(|v| v[i] == p.to_string());
                            // Without JavaScript the number given so far is preselected here.
                            view! {
                                <option value=p.to_string() selected=given>
                                    {p}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for=input_id>{text.clone()}</label>
                <span class="order-row__move" hidden=move || !live.get()>
                    <button
                        type="button"
                        class="button button--secondary button--small"
                        id=format!("hoch-{q}-{i}")
                        aria-disabled=move || {
                            order.with(|o| o.first() == Some(&i)).then_some("true")
                        }
                        on:click=move |_| move_step(i, true)
                    >
                        {up_label}
                        <span class="visually-hidden">{format!(": {text}")}</span>
                    </button>
                    <button
                        type="button"
                        class="button button--secondary button--small"
                        id=format!("runter-{q}-{i}")
                        aria-disabled=move || order.with(|o| o.last() == Some(&i)).then_some("true")
                        on:click=move |_| move_step(i, false)
                    >
                        {down_label}
                        <span class="visually-hidden">{format!(": {text}")}</span>
                    </button>
                </span>
            </div>
        }
    };
    view! {
        {move || order.get().into_iter().map(row).collect_view()}
        <p class="visually-hidden" aria-live="polite">
            {move || status.get()}
        </p>
    }
}

/// Browser-only helpers of the islands; on the server they do nothing.
mod browser {
    #[cfg(feature = "hydrate")]
    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn now_ms() -> f64 {
        0.0
    }

    /// The numbers of the questions in the submitted form that have no answer: no box ticked,
    /// or (ordering) a step without a number.
    #[cfg(feature = "hydrate")]
    pub fn open_questions(ev: &leptos::ev::SubmitEvent) -> Vec<usize> {
        use wasm_bindgen::JsCast;
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return Vec::new();
        };
        let Ok(list) = form.query_selector_all("fieldset.question") else {
            return Vec::new();
        };
        (0..list.length())
            .filter(|i| {
                let Some(f) = list
                    .item(*i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    return false;
                };
                let has = |sel: &str| f.query_selector(sel).ok().flatten().is_some();
                if has("select") {
                    has("option[value='']:checked")
                } else {
                    !has("input:checked")
                }
            })
            .map(|i| i as usize + 1)
            .collect()
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn open_questions(_: &leptos::ev::SubmitEvent) -> Vec<usize> {
        Vec::new()
    }

    pub fn focus(id: &str) {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = id;
    }
}
