//! A module check or final test: the questions as a plain form (works without JavaScript), and
//! after submission the result with feedback.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::courses::get_attempt;
use crate::app::{content_lang, use_texts};
use crate::components::status::Loaded;
use crate::islands::quiz::{OrderAids, OrderSteps, QuizAids, QuizForm};
use crate::model::{AttemptView, NextStep, QuestionType, QuizQuestion};

#[component]
pub fn AttemptPage() -> impl IntoView {
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
        <Loaded resource=attempt let:a>
            <Attempt a failed=q.read().get("fehler").is_some() />
        </Loaded>
    }
}

#[component]
fn Attempt(a: AttemptView, failed: bool) -> impl IntoView {
    let t = use_texts();
    let title = match (&a.module_title, a.is_final) {
        (_, true) => t.quiz_final_title(&a.course_title),
        (Some(m), false) => t.quiz_check_title(m),
        (None, false) => t.quiz_check_title(""),
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
            <a href="/kurse">{t.my_courses_title}</a>
            " › "
            <a href=format!("/kurse/{}", a.course_slug)>{a.course_title.clone()}</a>
        </nav>
        <h1>{title}</h1>
        {failed
            .then(|| {
                view! {
                    <div class="error-summary" role="alert">
                        <p>{t.quiz_unknown_ids}</p>
                    </div>
                }
            })}
        {match result {
            Some(r) => {
                let percent = if r.max_points > 0 { r.points * 100 / r.max_points } else { 0 };
                view! {
                    <section
                        class=if r.passed {
                            "result result--passed"
                        } else {
                            "result result--failed"
                        }
                        aria-labelledby="ergebnis"
                        role="status"
                    >
                        <h2 id="ergebnis">
                            {if r.passed { t.quiz_passed } else { t.quiz_failed }}
                        </h2>
                        <p class="result__score">{t.quiz_score(r.max_points, r.points, percent)}</p>
                        <p>{t.quiz_pass_mark(a.pass_mark_percent)}</p>
                        {r.time_exceeded.then(|| view! { <p>{t.quiz_time_exceeded}</p> })}
                        {r
                            .course_completed
                            .then(|| {
                                view! {
                                    <p>
                                        <strong>{t.quiz_course_completed}</strong>
                                    </p>
                                }
                            })}
                    </section>
                    <NextStepView
                        slug=a.course_slug.clone()
                        next=a.next.clone()
                        back=back.clone()
                    />
                    <ol class="questions questions--result">
                        {a
                            .questions
                            .into_iter()
                            .map(|q| {
                                view! {
                                    <li>
                                        <ResultQuestion q />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    <NextStepView
                        slug=a.course_slug.clone()
                        next=a.next.clone()
                        back=back.clone()
                    />
                }
                    .into_any()
            }
            None => {
                view! {
                    <p>{t.quiz_intro(n, a.pass_mark_percent)}</p>
                    {a
                        .deadline
                        .clone()
                        .map(|d| {
                            view! { <p class="notice notice--warning">{t.quiz_deadline(&d)}</p> }
                        })}
                    <QuizForm
                        action
                        seconds_left=a.seconds_left
                        open=a.open.clone()
                        aids=QuizAids::new(t)
                    >
                        <ol class="questions">
                            {a
                                .questions
                                .into_iter()
                                .enumerate()
                                .map(|(i, q)| {
                                    let open = a.open.contains(&(i + 1));
                                    view! {
                                        <li>
                                            <QuestionInput q number=i + 1 open />
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </QuizForm>
                }
                    .into_any()
            }
        }}
    }
}

/// One question as form fields, with the answer given so far (a form sent with open questions
/// comes back filled in) and, if it was left open, a note saying so.
#[component]
fn QuestionInput(q: QuizQuestion, number: usize, open: bool) -> impl IntoView {
    let t = use_texts();
    let legend_prefix = format!("{} {number}: ", t.quiz_question);
    let name = format!("q.{}", q.id);
    let hint = match q.kind {
        QuestionType::Multiple => Some(t.quiz_hint_multiple),
        QuestionType::Ordering => Some(t.quiz_hint_ordering),
        _ => None,
    };
    let hint_id = format!("hint-{}", q.id);
    let open_id = format!("offen-{}", q.id);
    let described_by = [hint.map(|_| hint_id.clone()), open.then(|| open_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
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
                        <input
                            type="checkbox"
                            id=input_id.clone()
                            name=name.clone()
                            value=o.id.clone()
                            checked=q.chosen.contains(&o.id)
                        />
                        <label for=input_id>{o.text.clone()}</label>
                    </div>
                }
                .into_any(),
                _ => view! {
                    <div class="checkbox">
                        <input
                            type="radio"
                            id=input_id.clone()
                            name=name.clone()
                            value=o.id.clone()
                            checked=q.chosen.contains(&o.id)
                        />
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
        let positions = q.positions.clone();
        view! { <OrderSteps question=q.id.clone() steps positions aids=OrderAids::new(t) /> }
    });
    view! {
        <fieldset
            class="question"
            class:question--open=open
            id=format!("frage-{number}")
            aria-describedby=(!described_by.is_empty()).then_some(described_by)
        >
            <legend>{legend_prefix}<span lang=content_lang()>{q.text.clone()}</span></legend>
            {open
                .then(|| {
                    view! {
                        <p class="field__error" id=open_id.clone()>
                            {t.quiz_open_question}
                        </p>
                    }
                })}
            {hint
                .map(|h| {
                    view! {
                        <p class="field__hint" id=hint_id.clone()>
                            {h}
                        </p>
                    }
                })}
            {inputs}
            {steps}
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
            <p class="question__text" lang=content_lang()>
                {q.text.clone()}
            </p>
            <p class="question__verdict">
                <strong>{if correct { t.quiz_answer_right } else { t.quiz_answer_wrong }}</strong>
            </p>
            {match given.len() {
                0 => view! { <p>{t.quiz_your_answer}" "{t.quiz_no_answer}</p> }.into_any(),
                1 => {
                    view! {
                        <p>
                            {t.quiz_your_answer}" "
                            <span lang=content_lang()>{given[0].clone()}</span>
                        </p>
                    }
                        .into_any()
                }
                _ => {
                    view! {
                        <p>{t.quiz_your_answers}</p>
                        <ul class="answer-list" lang=content_lang()>
                            {given.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            {fb
                .and_then(|f| f.explanation)
                .map(|e| view! { <p class="question__explanation">{e}</p> })}
        </div>
    }
}

/// The way on from a graded attempt, shown under the result and again after the questions.
#[component]
fn NextStepView(slug: String, next: Option<NextStep>, back: String) -> impl IntoView {
    let t = use_texts();
    let course = format!("/kurse/{slug}");
    let link = |href: String, label: String, primary: bool| {
        view! {
            <a class=if primary { "button" } else { "button button--secondary" } href=href>
                {label}
            </a>
        }
    };
    let body = match next {
        Some(NextStep::Module { id, title, position }) => {
            link(format!("{course}/{id}"), t.next_module(position, &title), true).into_any()
        }
        Some(NextStep::FinalTest) => {
            link(format!("{course}#abschlusstest"), t.next_final_test.to_string(), true)
                .into_any()
        }
        Some(NextStep::Course) => link(course, t.next_course.to_string(), true).into_any(),
        Some(NextStep::RetryCheck { module }) => {
            view! {
                <a class="button button--secondary" href=format!("{course}/{module}")>
                    {t.next_reread}
                </a>
                <form method="post" action="/versuche/starten" class="inline-form">
                    <input type="hidden" name="kurs" value=slug.clone() />
                    <input type="hidden" name="modul" value=module.clone() />
                    <button type="submit" class="button">
                        {t.next_retry}
                    </button>
                </form>
            }
                .into_any()
        }
        Some(NextStep::Certificate { code: Some(code) }) => {
            view! {
                <a
                    class="button"
                    href=format!("/zertifikate/{code}/pdf")
                    rel="external"
                    download=""
                >
                    {t.next_certificate}
                </a>
                <a class="button button--secondary" href=format!("/verify/{code}") rel="external">
                    {t.cert_verify_link}
                </a>
            }
                .into_any()
        }
        Some(NextStep::Certificate { code: None }) => {
            link("/zertifikate".into(), t.next_certificates.to_string(), true).into_any()
        }
        Some(NextStep::Revise { modules, wait_until }) => {
            view! {
                <div class="next-revise">
                    {(!modules.is_empty())
                        .then(|| {
                            view! {
                                <p>{t.next_revise_intro}</p>
                                <ul>
                                    {modules
                                        .iter()
                                        .map(|(id, title)| {
                                            view! {
                                                <li>
                                                    <a href=format!("{course}/{id}") lang=content_lang()>
                                                        {title.clone()}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })}
                    <p>
                        {match &wait_until {
                            Some(w) => t.final_wait(w),
                            None => t.next_final_again.to_string(),
                        }}
                    </p> <a class="button" href=format!("{course}#abschlusstest")>
                        {t.next_course}
                    </a>
                </div>
            }
                .into_any()
        }
        None => link(back, t.quiz_back.to_string(), false).into_any(),
    };
    view! { <div class="next-step actions">{body}</div> }
}
