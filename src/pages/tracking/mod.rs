//! Schulungskoordination: Übersicht (dashboard with drill-down), Zuweisungen, a person's
//! courses, Protokoll (audit log). Every page is a plain form/link page: it works without
//! JavaScript.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tracking::{
    get_assignment, get_dashboard, get_person_courses, list_assignments, list_audit,
    list_people_status, AssignUnit, DeleteAssignment, UpdateAssignment,
};
use crate::app::use_query_param as query;
use crate::app::{use_locale, use_texts};
use crate::components::form::unit_options;
use crate::components::form::{action_error, ErrorSummary, Notice};
use crate::components::layout::{percent_encode, Counted, TableWrap};
use crate::components::pagination::pagination;
use crate::components::status::{Loaded, StateTag};
use crate::i18n::Texts;
use crate::islands::confirm::{ConfirmInPlace, ConfirmTexts};
use crate::model::{CourseState, PersonCourse, StateCounts, DUE_SOON_CODE};

mod assignments;
mod audit;
mod dashboard;
mod people;
mod sessions;

pub use assignments::{AssignmentsPage, RemoveAssignmentPage};
pub use audit::AuditPage;
pub use dashboard::DashboardPage;
pub use people::PersonCourses;
pub use sessions::{SessionPage, SessionsPage};

/// A stacked bar of the state counts, done first, with a mark where the share done ends
/// (decorative: the same numbers and the share stand in the table row).
#[component]
fn StateBar(counts: StateCounts) -> impl IntoView {
    let total = counts.total().max(1) as f64;
    let mut x = 0.0;
    let segments: Vec<(String, String, String)> = CourseState::ALL
        .into_iter()
        .filter(|s| counts.get(*s) > 0)
        .map(|s| {
            let w = f64::from(counts.get(s)) * 100.0 / total;
            let seg = (
                format!("{x:.2}"),
                format!("{w:.2}"),
                format!("bar__seg bar__seg--{}", s.code()),
            );
            x += w;
            seg
        })
        .collect();
    let quota = counts.done_percent().map(|p| format!("{p}"));
    view! {
        <svg
            class="bar"
            viewBox="0 0 100 10"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
        >
            <rect class="bar__bg" x="0" y="0" width="100" height="10" />
            {segments
                .into_iter()
                .map(|(x, w, class)| view! { <rect class=class x=x y="0" width=w height="10" /> })
                .collect_view()}
            {quota
                .map(|x| {
                    view! { <line class="bar__quota" x1=x.clone() x2=x y1="0" y2="10" /> }
                })}
        </svg>
    }
}

fn legend(t: &'static Texts) -> impl IntoView {
    view! {
        <ul class="legend" aria-label=t.dash_legend>
            {CourseState::ALL
                .into_iter()
                .map(|s| {
                    view! {
                        <li>
                            <span
                                class=format!("legend__swatch bar__seg--{}", s.code())
                                aria-hidden="true"
                            ></span>
                            {s.label(t)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

fn href_with(base: &str, params: &[(&str, String)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}
