//! Zuweisungen: assigning courses to units and people, and removing an assignment.
use super::*;
use crate::components::layout::DataTable;

#[component]
pub fn AssignmentsPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let create = ServerAction::<AssignUnit>::new();
    let update = ServerAction::<UpdateAssignment>::new();
    let error = action_error(create);
    let update_error = action_error(update);
    let saved = query("gespeichert");
    let removed = query("entfernt");
    let data = Resource::new_blocking(
        move || (saved.get(), removed.get(), update.version().get()),
        |_| list_assignments(),
    );
    view! {
        <Title text=t.assign_title />
        <h1>{t.assign_title}</h1>
        <p class="lead">{t.assign_intro}</p>
        {move || saved.get().map(|_| view! { <Notice text=t.saved /> })}
        {move || removed.get().map(|_| view! { <Notice text=t.assign_removed /> })}
        <ErrorSummary error=update_error />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let (list, courses, units) = crate::loaded!(data.await);
                let due_msg = move || error.get().and_then(|e| e.field_message("due"));
                let days_msg = move || error.get().and_then(|e| e.field_message("due_days"));
                view! {
                    <section class="card" aria-labelledby="new-assignment">
                        <h2 id="new-assignment">{t.assign_new_heading}</h2>
                        <ErrorSummary error />
                        <ActionForm action=create attr:class="form">
                            <div class="field">
                                <label for="course">{t.csv_course}</label>
                                <select id="course" name="course">
                                    {courses.iter().map(|c| view! { <option value=c.slug.clone()>{c.title.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="org_unit_id">{t.field_unit}</label>
                                <p class="field__hint" id="org_unit_id-hint">{t.assign_unit_hint}</p>
                                <select id="org_unit_id" name="org_unit_id" aria-describedby="org_unit_id-hint">
                                    {unit_options(&units, None)}
                                </select>
                            </div>
                            <div class="field" class:field--error=move || due_msg().is_some()>
                                <label for="due">{t.csv_due}</label>
                                <p class="field__hint" id="due-hint">{t.assign_due_hint}</p>
                                {move || due_msg().map(|m| view! { <p class="field__error" id="due-error">{m}</p> })}
                                <input id="due" name="due" type="date"
                                    aria-describedby=move || if due_msg().is_some() { "due-hint due-error" } else { "due-hint" }
                                    aria-invalid=move || due_msg().map(|_| "true") />
                            </div>
                            <div class="field" class:field--error=move || days_msg().is_some()>
                                <label for="due_days">{t.assign_due_days}</label>
                                <p class="field__hint" id="due_days-hint">{t.assign_due_days_hint}</p>
                                {move || days_msg().map(|m| view! { <p class="field__error" id="due_days-error">{m}</p> })}
                                <input id="due_days" name="due_days" type="number" min="1" max="3650" inputmode="numeric" class="input--short"
                                    aria-describedby=move || if days_msg().is_some() { "due_days-hint due_days-error" } else { "due_days-hint" }
                                    aria-invalid=move || days_msg().map(|_| "true") />
                            </div>
                            <div class="checkbox">
                                <input type="checkbox" id="mandatory" name="mandatory" value="on" checked />
                                <label for="mandatory">{t.assign_mandatory}</label>
                            </div>
                            <button type="submit" class="button">{t.assign_submit}</button>
                        </ActionForm>
                    </section>
                    <h2>{t.assign_list_heading}</h2>
                    {if list.is_empty() {
                        view! { <p>{t.assign_none}</p> }.into_any()
                    } else {
                        view! {
                            <DataTable caption=t.assign_list_heading columns=vec![t.csv_course, t.assign_target, t.csv_due, t.assign_change]>
                                        {list.into_iter().map(|a| {
                                            let due_id = format!("due-{}", a.id);
                                            let days_id = format!("due-days-{}", a.id);
                                            let due_text = match (a.due, a.due_days) {
                                                (Some(d), _) => locale.format_date(d),
                                                (None, Some(n)) => t.assign_within_days.of(n),
                                                (None, None) => t.assign_no_due.to_string(),
                                            };
                                            let m_id = format!("mandatory-{}", a.id);
                                            let label = format!(": {} – {}", a.course.title, a.target);
                                            let (l1, l2, l3, l4, l5) = (label.clone(), label.clone(), label.clone(), label.clone(), label);
                                            let remove_href = format!("/verwaltung/zuweisungen/{}/entfernen", a.id);
                                            let remove_action = <DeleteAssignment as leptos::server_fn::ServerFn>::PATH.to_string();
                                            let remove_texts = ConfirmTexts {
                                                label: t.assign_remove.into(),
                                                label_detail: l4,
                                                question: t.assign_remove_question(&a.course.title, &a.target),
                                                consequence: t.assign_remove_keeps.into(),
                                                confirm: t.assign_remove_confirm.into(),
                                                cancel: t.cancel.into(),
                                            };
                                            view! {
                                                <tr>
                                                    <th scope="row">{a.course.title.clone()}{a.mandatory.then(|| view! { <span class="meta">{format!(" · {}", t.assign_mandatory)}</span> })}</th>
                                                    <td>{a.target.clone()}{(!a.is_unit).then(|| view! { <span class="meta">{format!(" ({})", t.assign_person)}</span> })}</td>
                                                    <td>{due_text}</td>
                                                    <td>
                                                        <ActionForm action=update attr:class="form form--inline">
                                                            <input type="hidden" name="id" value=a.id.to_string() />
                                                            <div class="field">
                                                                <label for=due_id.clone()>{t.csv_due}<span class="visually-hidden">{l1}</span></label>
                                                                <input id=due_id type="date" name="due" value=a.due.map(|d| d.iso()).unwrap_or_default() />
                                                            </div>
                                                            <div class="field">
                                                                <label for=days_id.clone()>{t.assign_days_short}<span class="visually-hidden">{l5}</span></label>
                                                                <input id=days_id type="number" min="1" max="3650" inputmode="numeric" class="input--short" name="due_days" value=a.due_days.map(|n| n.to_string()).unwrap_or_default() />
                                                            </div>
                                                            <div class="checkbox">
                                                                <input type="checkbox" id=m_id.clone() name="mandatory" value="on" checked=a.mandatory />
                                                                <label for=m_id>{t.assign_mandatory}<span class="visually-hidden">{l2}</span></label>
                                                            </div>
                                                            <button type="submit" class="button button--secondary">{t.save}<span class="visually-hidden">{l3}</span></button>
                                                        </ActionForm>
                                                        <ConfirmInPlace href=remove_href action=remove_action id=a.id texts=remove_texts />
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </DataTable>
                        }.into_any()
                    }}
                }
                    .into_any()
            })}
        </Suspense>
    }
}

/// "Really remove?" before an assignment goes: a page of its own, so the question is the same
/// with and without JavaScript.
#[component]
pub fn RemoveAssignmentPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let delete = ServerAction::<DeleteAssignment>::new();
    let error = action_error(delete);
    let data = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_assignment(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.assign_remove_title />
        <h1>{t.assign_remove_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let a = crate::loaded!(data.await);
                let question = t.assign_remove_question(&a.course.title, &a.target);
                let due = a.due.map(|d| t.assign_remove_due(locale.format_date(d)));
                view! {
                    <ErrorSummary error />
                    <p class="lead">{question}</p>
                    {due.map(|d| view! { <p class="meta">{d}</p> })}
                    <p>{t.assign_remove_keeps}</p>
                    <ActionForm action=delete attr:class="form form--inline">
                        <input type="hidden" name="id" value=a.id.to_string() />
                        <button type="submit" class="button button--danger">
                            {t.assign_remove_confirm}
                        </button>
                        <a class="button button--secondary" href="/verwaltung/zuweisungen">
                            {t.cancel}
                        </a>
                    </ActionForm>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
