//! A module check or final test: the questions as a plain form (works without JavaScript), and
//! after submission the result with feedback.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::courses::get_attempt;
use serde::{Deserialize, Serialize};

use crate::app::{content_lang, use_texts};
use crate::i18n::Texts;
use crate::model::{AttemptView, QuestionType, QuizQuestion};
use crate::pages::admin::ErrorBox;

#[component]
pub fn AttemptPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let q = use_query_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let attempt = Resource::new_blocking(move || id.get(), get_attempt);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match attempt.await {
                    Ok(a) => {
                        let failed = q.read().get("fehler").is_some();
                        view! { <Attempt a failed /> }.into_any()
                    }
                    Err(e) => view! { <Title text=t.error_not_found /><ErrorBox error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Attempt(a: AttemptView, failed: bool) -> impl IntoView {
    let t = use_texts();
    let title = match (&a.module_title, a.is_final) {
        (_, true) => t.quiz_final_title.replace("{course}", &a.course_title),
        (Some(m), false) => t.quiz_check_title.replace("{module}", m),
        (None, false) => t.quiz_check_title.replace("{module}", ""),
    };
    let back = match &a.module_id {
        Some(m) => format!("/kurse/{}/{m}", a.course_slug),
        None => format!("/kurse/{}", a.course_slug),
    };
    let action = format!("/versuche/{}", a.id);
    let result = a.result.clone();
    let n = a.questions.len();
    view! {
        <Title text=title.clone() />
        <nav aria-label=t.breadcrumb class="breadcrumb">
            <a href="/kurse">{t.my_courses_title}</a>" › "<a href=format!("/kurse/{}", a.course_slug)>{a.course_title.clone()}</a>
        </nav>
        <h1>{title}</h1>
        {failed.then(|| view! { <div class="error-summary" role="alert"><p>{t.quiz_unknown_ids}</p></div> })}
        {match result {
            Some(r) => {
                let percent = if r.max_points > 0 { r.points * 100 / r.max_points } else { 0 };
                view! {
                    <section class=if r.passed { "result result--passed" } else { "result result--failed" } aria-labelledby="ergebnis" role="status">
                        <h2 id="ergebnis">{if r.passed { t.quiz_passed } else { t.quiz_failed }}</h2>
                        <p class="result__score">{t.quiz_score.of(r.max_points).replace("{points}", &r.points.to_string()).replace("{percent}", &percent.to_string())}</p>
                        <p>{t.quiz_pass_mark.replace("{percent}", &a.pass_mark_percent.to_string())}</p>
                        {r.time_exceeded.then(|| view! { <p>{t.quiz_time_exceeded}</p> })}
                        {r.course_completed.then(|| view! { <p><strong>{t.quiz_course_completed}</strong></p> })}
                    </section>
                    <ol class="questions questions--result">
                        {a.questions.into_iter().map(|q| view! { <li><ResultQuestion q /></li> }).collect_view()}
                    </ol>
                    <p><a class="button" href=back>{t.quiz_back}</a></p>
                }.into_any()
            }
            None => view! {
                <p>{t.quiz_intro.of(n).replace("{percent}", &a.pass_mark_percent.to_string())}</p>
                {a.deadline.clone().map(|d| view! { <p class="notice notice--warning">{t.quiz_deadline.replace("{time}", &d)}</p> })}
                <QuizForm action seconds_left=a.seconds_left aids=QuizAids::new(t)>
                    <ol class="questions">
                        {a.questions.into_iter().enumerate().map(|(i, q)| view! { <li><QuestionInput q number=i + 1 /></li> }).collect_view()}
                    </ol>
                </QuizForm>
            }.into_any(),
        }}
    }
}

#[component]
fn QuestionInput(q: QuizQuestion, number: usize) -> impl IntoView {
    let t = use_texts();
    let legend_prefix = format!("{} {number}: ", t.quiz_question);
    let name = format!("q.{}", q.id);
    let hint = match q.kind {
        QuestionType::Multiple => Some(t.quiz_hint_multiple),
        QuestionType::Ordering => Some(t.quiz_hint_ordering),
        _ => None,
    };
    let hint_id = format!("hint-{}", q.id);
    let inputs = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let input_id = format!("a-{}-{i}", q.id);
            match q.kind {
                QuestionType::Ordering => ().into_any(),
                QuestionType::Multiple => view! {
                    <div class="checkbox">
                        <input type="checkbox" id=input_id.clone() name=name.clone() value=o.id.clone() />
                        <label for=input_id>{o.text.clone()}</label>
                    </div>
                }
                .into_any(),
                _ => view! {
                    <div class="checkbox">
                        <input type="radio" id=input_id.clone() name=name.clone() value=o.id.clone() />
                        <label for=input_id>{o.text.clone()}</label>
                    </div>
                }
                .into_any(),
            }
        })
        .collect_view();
    let steps = (q.kind == QuestionType::Ordering).then(|| {
        let steps = q
            .options
            .iter()
            .map(|o| (o.id.clone(), o.text.clone()))
            .collect();
        view! { <OrderSteps question=q.id.clone() steps aids=OrderAids::new(t) /> }
    });
    view! {
        <fieldset class="question" id=format!("frage-{number}") aria-describedby=hint.map(|_| hint_id.clone())>
            <legend>{legend_prefix}<span lang=content_lang()>{q.text.clone()}</span></legend>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {inputs}
            {steps}
        </fieldset>
    }
}

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
    fn new(t: &Texts) -> Self {
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
fn QuizForm(
    action: String,
    seconds_left: Option<i64>,
    aids: QuizAids,
    children: Children,
) -> impl IntoView {
    let live = RwSignal::new(false);
    let left = RwSignal::new(seconds_left);
    let announcement = RwSignal::new(String::new());
    let open_questions = RwSignal::new(Vec::<usize>::new());
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
            {seconds_left.map(|_| view! {
                <p class="countdown" role="timer" hidden=move || !live.get()
                    class:countdown--ending=move || left.get().unwrap_or(0) <= 60>{clock}</p>
            })}
            <p class="visually-hidden" aria-live="polite">{move || announcement.get()}</p>
            {children()}
            <div class="error-summary" id="offene-fragen" tabindex="-1" node_ref=summary
                hidden=move || open_questions.with(Vec::is_empty)>
                <p class="error-summary__title">{move || {
                    let n = open_questions.with(Vec::len);
                    if n == 1 { one.clone() } else { other.replace("{n}", &n.to_string()) }
                }}</p>
                <ul>
                    {move || open_questions.get().into_iter().map(|n| view! {
                        <li><a href=format!("#frage-{n}")>{format!("{} {n}", question)}</a></li>
                    }).collect_view()}
                </ul>
                <p>{aids.unanswered_hint.clone()}</p>
                <button type="submit" class="button button--secondary" on:click=move |_| send_anyway.set(true)>
                    {aids.submit_anyway.clone()}
                </button>
            </div>
            <button type="submit" class="button">{aids.submit.clone()}</button>
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
    fn new(t: &Texts) -> Self {
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
fn OrderSteps(question: String, steps: Vec<(String, String)>, aids: OrderAids) -> impl IntoView {
    let n = steps.len();
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let order = RwSignal::new((0..n).collect::<Vec<usize>>());
    let values = RwSignal::new(vec![String::new(); n]);
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
                <select id=input_id.clone() name=format!("o.{q}.{id}")
                    prop:value=move || values.with(|v| v[i].clone())
                    on:change=move |ev| { let v = event_target_value(&ev); values.update(|all| all[i] = v) }>
                    <option value="">{choose}</option>
                    {(1..=n).map(|p| view! { <option value=p.to_string()>{p}</option> }).collect_view()}
                </select>
                <label for=input_id>{text.clone()}</label>
                <span class="order-row__move" hidden=move || !live.get()>
                    <button type="button" class="button button--secondary button--small" id=format!("hoch-{q}-{i}")
                        aria-disabled=move || order.with(|o| o.first() == Some(&i)).then_some("true")
                        on:click=move |_| move_step(i, true)>
                        {up_label}<span class="visually-hidden">{format!(": {text}")}</span>
                    </button>
                    <button type="button" class="button button--secondary button--small" id=format!("runter-{q}-{i}")
                        aria-disabled=move || order.with(|o| o.last() == Some(&i)).then_some("true")
                        on:click=move |_| move_step(i, false)>
                        {down_label}<span class="visually-hidden">{format!(": {text}")}</span>
                    </button>
                </span>
            </div>
        }
    };
    view! {
        {move || order.get().into_iter().map(row).collect_view()}
        <p class="visually-hidden" aria-live="polite">{move || status.get()}</p>
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

#[component]
fn ResultQuestion(q: QuizQuestion) -> impl IntoView {
    let t = use_texts();
    let fb = q.feedback.clone();
    let correct = fb.as_ref().is_some_and(|f| f.correct);
    let given: Vec<String> = match q.kind {
        QuestionType::Ordering => {
            let mut pos = q.positions.clone();
            pos.sort_by_key(|(_, p)| *p);
            pos.iter()
                .filter_map(|(o, p)| {
                    q.options
                        .iter()
                        .find(|x| &x.id == o)
                        .map(|x| format!("{p}. {}", x.text))
                })
                .collect()
        }
        _ => q
            .options
            .iter()
            .filter(|o| q.chosen.contains(&o.id))
            .map(|o| o.text.clone())
            .collect(),
    };
    view! {
        <div class=if correct { "question question--right" } else { "question question--wrong" }>
            <p class="question__text" lang=content_lang()>{q.text.clone()}</p>
            <p class="question__verdict">
                <strong>{if correct { t.quiz_answer_right } else { t.quiz_answer_wrong }}</strong>
            </p>
            {match given.len() {
                0 => view! { <p>{t.quiz_your_answer}" "{t.quiz_no_answer}</p> }.into_any(),
                1 => view! { <p>{t.quiz_your_answer}" "<span lang=content_lang()>{given[0].clone()}</span></p> }.into_any(),
                _ => view! {
                    <p>{t.quiz_your_answers}</p>
                    <ul class="answer-list" lang=content_lang()>{given.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul>
                }.into_any(),
            }}
            {fb.and_then(|f| f.explanation).map(|e| view! { <p class="question__explanation">{e}</p> })}
        </div>
    }
}
