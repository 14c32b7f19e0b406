//! A module check or final test: the questions as a plain form (works without JavaScript), and
//! after submission the result with feedback.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::courses::get_attempt;
use crate::app::{content_lang, use_texts};
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
                <form method="post" action=action class="quiz">
                    <ol class="questions">
                        {a.questions.into_iter().enumerate().map(|(i, q)| view! { <li><QuestionInput q number=i + 1 /></li> }).collect_view()}
                    </ol>
                    <button type="submit" class="button">{t.quiz_submit}</button>
                </form>
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
    let n = q.options.len();
    let inputs = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let input_id = format!("a-{}-{i}", q.id);
            match q.kind {
                QuestionType::Ordering => {
                    let select_name = format!("o.{}.{}", q.id, o.id);
                    view! {
                        <div class="order-row">
                            <select id=input_id.clone() name=select_name>
                                <option value="">{t.quiz_position_choose}</option>
                                {(1..=n).map(|p| view! { <option value=p.to_string()>{p}</option> }).collect_view()}
                            </select>
                            <label for=input_id>{o.text.clone()}</label>
                        </div>
                    }
                    .into_any()
                }
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
    view! {
        <fieldset class="question" aria-describedby=hint.map(|_| hint_id.clone())>
            <legend>{legend_prefix}<span lang=content_lang()>{q.text.clone()}</span></legend>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {inputs}
        </fieldset>
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
