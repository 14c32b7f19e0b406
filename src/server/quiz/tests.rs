use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::server::content::{AnswerOption, Question, QuestionKind};

fn q(id: &str, module: &str, kind: QuestionKind, correct: &[bool]) -> Question {
    Question {
        id: id.into(),
        module: module.into(),
        kind,
        text: format!("Frage {id}"),
        explanation: "Weil.".into(),
        options: correct
            .iter()
            .enumerate()
            .map(|(i, c)| AnswerOption {
                id: format!("{}", (b'a' + i as u8) as char),
                text: format!("Option {i}"),
                correct: *c,
            })
            .collect(),
        answer: (kind == QuestionKind::TrueFalse).then_some(true),
        scenario: false,
    }
}

fn tf(id: &str, answer: bool) -> Question {
    Question {
        answer: Some(answer),
        scenario: false,
        options: vec![],
        ..q(id, "m", QuestionKind::TrueFalse, &[])
    }
}

fn shown(q: &Question) -> Drawn {
    Drawn {
        question: q.id.clone(),
        options: if q.kind == QuestionKind::TrueFalse {
            vec!["true".into(), "false".into()]
        } else {
            q.options.iter().map(|o| o.id.clone()).collect()
        },
        aliases: Vec::new(),
        generated: None,
    }
}

fn chose(ids: &[&str]) -> Answer {
    Answer {
        chosen: ids.iter().map(|s| s.to_string()).collect(),
        positions: Default::default(),
    }
}

fn order(pairs: &[(&str, u32)]) -> Answer {
    Answer {
        chosen: vec![],
        positions: pairs.iter().map(|(o, p)| (o.to_string(), *p)).collect(),
    }
}

#[test]
fn single_choice() {
    let s = q("s", "m", QuestionKind::Single, &[false, true, false]);
    let d = shown(&s);
    assert_eq!(grade_question(&s, &d, &chose(&["b"])), Ok(true));
    assert_eq!(grade_question(&s, &d, &chose(&["a"])), Ok(false));
    assert_eq!(grade_question(&s, &d, &chose(&[])), Ok(false), "no answer");
    assert_eq!(
        grade_question(&s, &d, &chose(&["a", "b", "c"])),
        Ok(false),
        "every option ticked"
    );
    assert_eq!(
        grade_question(&s, &d, &chose(&["b", "b"])),
        Ok(true),
        "a duplicated id counts once"
    );
    assert!(matches!(
        grade_question(&s, &d, &chose(&["z"])),
        Err(GradeError::ForeignOption { .. })
    ));
}

#[test]
fn multiple_choice_is_all_or_nothing() {
    let m = q(
        "m",
        "m",
        QuestionKind::Multiple,
        &[true, false, true, false],
    );
    let d = shown(&m);
    assert_eq!(grade_question(&m, &d, &chose(&["a", "c"])), Ok(true));
    assert_eq!(
        grade_question(&m, &d, &chose(&["c", "a", "a"])),
        Ok(true),
        "order and duplicates do not matter"
    );
    assert_eq!(
        grade_question(&m, &d, &chose(&["a"])),
        Ok(false),
        "missing one"
    );
    assert_eq!(
        grade_question(&m, &d, &chose(&["a", "b", "c", "d"])),
        Ok(false),
        "every option ticked"
    );
    assert_eq!(grade_question(&m, &d, &chose(&[])), Ok(false), "no answer");
    assert!(
        grade_question(&m, &d, &chose(&["a", "x"])).is_err(),
        "foreign id"
    );
}

#[test]
fn true_false() {
    let t = tf("t", true);
    let f = tf("f", false);
    assert_eq!(grade_question(&t, &shown(&t), &chose(&["true"])), Ok(true));
    assert_eq!(
        grade_question(&t, &shown(&t), &chose(&["false"])),
        Ok(false)
    );
    assert_eq!(grade_question(&f, &shown(&f), &chose(&["false"])), Ok(true));
    assert_eq!(
        grade_question(&t, &shown(&t), &chose(&[])),
        Ok(false),
        "no answer"
    );
    assert_eq!(
        grade_question(&t, &shown(&t), &chose(&["true", "false"])),
        Ok(false),
        "both ticked"
    );
    assert!(grade_question(&t, &shown(&t), &chose(&["vielleicht"])).is_err());
}

#[test]
fn ordering() {
    let o = q(
        "o",
        "m",
        QuestionKind::Ordering,
        &[false, false, false, false],
    );
    let d = shown(&o);
    assert_eq!(
        grade_question(&o, &d, &order(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)])),
        Ok(true)
    );
    assert_eq!(
        grade_question(&o, &d, &order(&[("a", 2), ("b", 1), ("c", 3), ("d", 4)])),
        Ok(false)
    );
    assert_eq!(
        grade_question(&o, &d, &order(&[("a", 1), ("b", 2), ("c", 3)])),
        Ok(false),
        "incomplete"
    );
    assert_eq!(
        grade_question(&o, &d, &order(&[("a", 1), ("b", 1), ("c", 1), ("d", 1)])),
        Ok(false),
        "same position everywhere"
    );
    assert_eq!(grade_question(&o, &d, &order(&[])), Ok(false), "no answer");
    assert!(
        grade_question(&o, &d, &order(&[("a", 1), ("x", 2)])).is_err(),
        "foreign id"
    );
}

#[test]
fn whole_attempt_pass_mark_and_unknown_questions() {
    let qs = [
        q("q1", "m", QuestionKind::Single, &[true, false]),
        q("q2", "m", QuestionKind::Single, &[true, false]),
        q("q3", "m", QuestionKind::Single, &[true, false]),
        q("q4", "m", QuestionKind::Single, &[true, false]),
        q("q5", "m", QuestionKind::Single, &[true, false]),
    ];
    let index: HashMap<&str, &Question> = qs.iter().map(|q| (q.id.as_str(), q)).collect();
    let drawn: Vec<Drawn> = qs.iter().map(shown).collect();
    let mut answers: HashMap<String, Answer> =
        qs.iter().map(|q| (q.id.clone(), chose(&["a"]))).collect();
    let g = grade(&index, &drawn, &answers, 80).unwrap();
    assert_eq!((g.points, g.max_points, g.passed), (5, 5, true));
    answers.insert("q5".into(), chose(&["b"]));
    let g = grade(&index, &drawn, &answers, 80).unwrap();
    assert_eq!((g.points, g.passed), (4, true), "80 % exactly passes");
    answers.insert("q4".into(), chose(&["b"]));
    let g = grade(&index, &drawn, &answers, 80).unwrap();
    assert_eq!((g.points, g.passed), (3, false));
    assert!(!g.results[3].correct && g.results[0].correct);
    // Nothing answered: zero points.
    let g = grade(&index, &drawn, &HashMap::new(), 80).unwrap();
    assert_eq!((g.points, g.passed), (0, false));
    // An answer for a question that was not drawn is refused.
    answers.insert("q99".into(), chose(&["a"]));
    assert_eq!(
        grade(&index, &drawn, &answers, 80),
        Err(GradeError::UnknownQuestion("q99".into()))
    );
}

#[test]
fn form_fields_become_answers_and_ignore_the_rest() {
    let fields: Vec<(String, String)> = [
        ("q.s1", "b"),
        ("q.m1", "a"),
        ("q.m1", "c"),
        ("q.m1", "a"),
        ("o.o1.a", "2"),
        ("o.o1.b", " 1 "),
        ("o.o1.c", "x"),
        ("score", "100"),
        ("passed", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let a = answers_from_form(&fields);
    assert_eq!(a.len(), 3);
    assert_eq!(a["s1"].chosen, ["b"]);
    assert_eq!(a["m1"].chosen, ["a", "c"]);
    assert_eq!(a["o1"].positions.len(), 2);
    assert_eq!(a["o1"].positions["b"], 1);
}

fn pool() -> (Vec<Question>, Vec<String>) {
    let modules: Vec<String> = (0..4).map(|m| format!("m{m}")).collect();
    let mut pool = Vec::new();
    for (mi, m) in modules.iter().enumerate() {
        for i in 0..(3 + mi) {
            let mut correct = vec![false; 4];
            correct[0] = true; // the correct option is always "a" in the file
            pool.push(q(&format!("{m}-{i}"), m, QuestionKind::Single, &correct));
        }
    }
    (pool, modules)
}

#[test]
fn draws_spread_over_all_modules() {
    let (pool, modules) = pool();
    let mut rng = StdRng::seed_from_u64(7);
    for count in [4, 5, 9, 18] {
        let d = draw(&pool, &modules, count, &mut rng);
        assert_eq!(d.len(), count);
        let ids: std::collections::HashSet<_> = d.iter().map(|x| x.question.clone()).collect();
        assert_eq!(ids.len(), count, "no question twice");
        for m in &modules {
            let n = d
                .iter()
                .filter(|x| x.question.starts_with(&format!("{m}-")))
                .count();
            let available = pool.iter().filter(|q| &q.module == m).count();
            assert!(
                n >= (count / modules.len()).min(available),
                "{m}: {n} of {count}"
            );
            assert!(n >= 1);
        }
    }
}

/// With a fixed seed, over 1,000 drawn attempts the position at which the correct option is
/// shown is spread evenly: a chi-square test over the 4 positions (3 degrees of freedom) stays
/// below 16.27, the 0.1 % critical value, i.e. a fair shuffle fails this test in 1 of 1,000 seeds.
#[test]
fn correct_option_position_is_uniform() {
    let (pool, modules) = pool();
    let mut rng = StdRng::seed_from_u64(20261126);
    let mut counts = [0u32; 4];
    for _ in 0..1000 {
        for d in draw(&pool, &modules, 8, &mut rng) {
            let pos = d.options.iter().position(|o| o == "a").unwrap();
            counts[pos] += 1;
        }
    }
    let total: u32 = counts.iter().sum();
    let expected = f64::from(total) / 4.0;
    let chi2: f64 = counts
        .iter()
        .map(|c| (f64::from(*c) - expected).powi(2) / expected)
        .sum();
    println!(
        "correct-option positions over 1,000 attempts: {counts:?}, chi² = {chi2:.2} (bound 16.27)"
    );
    assert!(chi2 < 16.27, "positions {counts:?}, chi² {chi2}");
    // And the question order varies: the first question is not always the same.
    let firsts: std::collections::HashSet<String> = (0..50)
        .map(|_| draw(&pool, &modules, 8, &mut rng)[0].question.clone())
        .collect();
    assert!(firsts.len() > 5);
}

/// Ordering questions name their options by per-attempt aliases: the form reveals nothing of
/// the authors' `a, b, c` order, answers by alias grade right, answers by real id are refused.
#[test]
fn option_aliases_hide_the_order_and_map_back() {
    let question = q(
        "ord",
        "m",
        QuestionKind::Ordering,
        &[false, false, false, false],
    );
    let mut index = HashMap::new();
    index.insert("ord", &question);
    let mut rng = StdRng::seed_from_u64(7);
    let mut sorted_right = 0;
    for _ in 0..200 {
        let d = present(&question, &mut rng);
        assert_eq!(d.aliases.len(), 4);
        assert!(d
            .aliases
            .iter()
            .all(|a| !["a", "b", "c", "d"].contains(&a.as_str())));
        // Sorting the form's field names must not give the right order (more than by chance).
        let mut by_name: Vec<(String, String)> = d
            .options
            .iter()
            .map(|o| (d.shown_id(o), o.clone()))
            .collect();
        by_name.sort();
        if by_name
            .iter()
            .map(|(_, o)| o.as_str())
            .eq(["a", "b", "c", "d"])
        {
            sorted_right += 1;
        }
        let right: Vec<(String, String)> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, o)| (format!("o.ord.{}", d.shown_id(o)), (i + 1).to_string()))
            .collect();
        let answers = resolve_aliases(std::slice::from_ref(&d), answers_from_form(&right));
        let g = grade(&index, std::slice::from_ref(&d), &answers, 100).unwrap();
        assert!(g.passed);
        let by_id: Vec<(String, String)> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, o)| (format!("o.ord.{o}"), (i + 1).to_string()))
            .collect();
        let answers = resolve_aliases(std::slice::from_ref(&d), answers_from_form(&by_id));
        assert!(matches!(
            grade(&index, std::slice::from_ref(&d), &answers, 100),
            Err(GradeError::ForeignOption { .. })
        ));
    }
    // 1 in 24 by chance: about 8 of 200.
    assert!(
        sorted_right < 25,
        "sorting the names answered {sorted_right} of 200"
    );
}

#[test]
fn open_questions_are_named_by_number() {
    let single = q("s", "m", QuestionKind::Single, &[true, false]);
    let multi = q("mu", "m", QuestionKind::Multiple, &[true, true, false]);
    let steps = q("o", "m", QuestionKind::Ordering, &[true, true, true]);
    let yes = tf("t", true);
    let drawn: Vec<Drawn> = [&single, &multi, &steps, &yes]
        .into_iter()
        .map(shown)
        .collect();
    let mut answers = HashMap::new();
    assert_eq!(open_questions(&drawn, &answers), vec![1, 2, 3, 4]);
    answers.insert("s".to_string(), chose(&["a"]));
    answers.insert("mu".to_string(), chose(&[]));
    // Two of three steps numbered: still open.
    answers.insert("o".to_string(), order(&[("a", 1), ("b", 2)]));
    answers.insert("t".to_string(), chose(&["false"]));
    assert_eq!(open_questions(&drawn, &answers), vec![2, 3]);
    answers.insert("mu".to_string(), chose(&["c"]));
    answers.insert("o".to_string(), order(&[("a", 3), ("b", 2), ("c", 1)]));
    // Answered, even if wrong: nothing is open.
    assert!(open_questions(&drawn, &answers).is_empty());
}

#[test]
fn a_draft_keeps_only_what_was_shown() {
    let single = q("s", "m", QuestionKind::Single, &[true, false]);
    let steps = q("o", "m", QuestionKind::Ordering, &[true, true]);
    let drawn: Vec<Drawn> = [&single, &steps].into_iter().map(shown).collect();
    let mut answers = HashMap::new();
    answers.insert("s".to_string(), chose(&["a", "zz"]));
    answers.insert("o".to_string(), order(&[("a", 1), ("b", 7), ("x", 2)]));
    answers.insert("nicht-gezogen".to_string(), chose(&["a"]));
    let kept = keep_drawn(&drawn, answers);
    assert_eq!(kept.len(), 2);
    assert_eq!(kept["s"], chose(&["a"]));
    assert_eq!(kept["o"], order(&[("a", 1)]));
}
