//! Training that follows the systems: every unit that uses a system in trial or in use gets
//! the system's course, and keeps it only while some system needs it. Computed as a plan from
//! the whole register, so that two systems needing the same course, a unit leaving one of them
//! or a system going out of service all come out right, and a coordinator's own assignment of
//! the same course is never touched.
use std::collections::{BTreeMap, BTreeSet};

use super::Status;

/// What to do to the derived assignments.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// (unit, course, system) to assign.
    pub insert: Vec<(i64, String, i64)>,
    /// (assignment, system) to hand over to another system needing the same course there.
    pub moves: Vec<(i64, i64)>,
    /// Assignments no system needs any more.
    pub delete: Vec<i64>,
}

/// `needs`: (system, status code, course, target) rows; `derived`: (assignment, target, course,
/// system) of assignments the register made earlier. A target is a unit (the users' course) or
/// a person (the oversight course); the two are planned separately.
pub fn plan(
    needs: &[(i64, String, Option<String>, Option<i64>)],
    derived: &[(i64, i64, String, i64)],
) -> Plan {
    let mut wanted: BTreeMap<(i64, String), BTreeSet<i64>> = BTreeMap::new();
    for (system, status, course, unit) in needs {
        let in_use = Status::from_code(status).is_some_and(Status::in_use);
        if let (true, Some(course), Some(unit)) = (in_use, course, unit) {
            wanted
                .entry((*unit, course.clone()))
                .or_default()
                .insert(*system);
        }
    }
    let mut out = Plan::default();
    let mut covered = BTreeSet::new();
    for (id, unit, course, system) in derived {
        let key = (*unit, course.clone());
        match wanted.get(&key) {
            Some(systems) => {
                covered.insert(key);
                if !systems.contains(system) {
                    if let Some(first) = systems.iter().next() {
                        out.moves.push((*id, *first));
                    }
                }
            }
            None => out.delete.push(*id),
        }
    }
    for ((unit, course), systems) in wanted {
        if !covered.contains(&(unit, course.clone())) {
            if let Some(first) = systems.iter().next() {
                out.insert.push((unit, course, *first));
            }
        }
    }
    out
}
