//! Generates `Texts` (one `&'static str` field per UI string) from `locales/de.toml` and
//! `locales/en.toml`. Both files must have exactly the same keys, so a missing translation is a
//! build error, and a component using a key that does not exist does not compile.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const LOCALES: [(&str, &str); 2] = [("DE", "locales/de.toml"), ("EN", "locales/en.toml")];

fn load(path: &str) -> BTreeMap<String, String> {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => (k, s),
            other => panic!("{path}: key {k} must be a string, found {other}"),
        })
        .collect()
}

/// The `{name}` placeholders of a text, each once, in order of appearance.
fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        if !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && !out.iter().any(|o| o == name)
        {
            out.push(name.to_string());
        }
        rest = &rest[end + 1..];
    }
    out
}

fn main() {
    let maps: Vec<(&str, BTreeMap<String, String>)> = LOCALES
        .iter()
        .map(|(name, path)| (*name, load(path)))
        .collect();
    let keys: Vec<&String> = maps[0].1.keys().collect();
    for (name, map) in &maps[1..] {
        let other: Vec<&String> = map.keys().collect();
        if other != keys {
            let missing: Vec<_> = keys.iter().filter(|k| !map.contains_key(**k)).collect();
            let extra: Vec<_> = other
                .iter()
                .filter(|k| !maps[0].1.contains_key(**k))
                .collect();
            panic!("locale {name}: keys differ from DE; missing {missing:?}, extra {extra:?}");
        }
    }
    // A key with a `<key>_one` sibling is a count: `{n}` and its singular form become one
    // `Plural` field, so no page can print "1 Personen". A string with `{n}` but no singular is a
    // build error: every count has both forms.
    let de = &maps[0].1;
    for (k, v) in de {
        if let Some(base) = k.strip_suffix("_one") {
            assert!(
                de.contains_key(base),
                "locale key {k} has no plural form {base}"
            );
        } else if v.contains("{n}") && !de.contains_key(&format!("{k}_one")) {
            panic!("locale key {k} counts ({{n}}) but has no singular form {k}_one");
        }
    }
    let is_plural = |k: &str| de.contains_key(&format!("{k}_one"));
    let fields: Vec<&String> = keys
        .iter()
        .copied()
        .filter(|k| !(k.ends_with("_one") && de.contains_key(&k[..k.len() - 4])))
        .collect();
    let mut out = String::from("/// Every UI string, one field per key of the locale files.\n");
    out.push_str("#[derive(Debug)]\npub struct Texts {\n");
    for k in &fields {
        let ty = if is_plural(k) {
            "Plural"
        } else {
            "&'static str"
        };
        writeln!(out, "    pub {k}: {ty},").unwrap();
    }
    out.push_str("}\n");
    for (name, map) in &maps {
        writeln!(out, "pub static {name}: Texts = Texts {{").unwrap();
        for k in &fields {
            let v = &map[*k];
            if is_plural(k) {
                let one = &map[&format!("{k}_one")];
                writeln!(out, "    {k}: Plural {{ one: {one:?}, other: {v:?} }},").unwrap();
            } else {
                writeln!(out, "    {k}: {v:?},").unwrap();
            }
        }
        out.push_str("};\n");
    }
    // A method per text with placeholders, named like its key: `t.quiz_moved(step, position,
    // total)` fills `{step}`, `{position}` and `{total}` (in the order they first appear in the
    // German text), and a count comes first as `n`. Every locale must use the same
    // placeholders, so a translation that drops or misspells one is a build error.
    out.push_str("impl Texts {\n");
    for k in &fields {
        let names = placeholders(&de[*k]);
        for (name, map) in &maps[1..] {
            let mut a = names.clone();
            let mut b = placeholders(&map[*k]);
            a.sort();
            b.sort();
            assert_eq!(
                a, b,
                "locale {name}: key {k} has placeholders {b:?}, DE has {a:?}"
            );
        }
        let args: Vec<&String> = names.iter().filter(|p| p.as_str() != "n").collect();
        if args.is_empty() {
            continue;
        }
        let params: String = args
            .iter()
            .map(|a| format!(", {a}: impl std::fmt::Display"))
            .collect();
        let fills: String = args
            .iter()
            .map(|a| format!(".replace(\"{{{a}}}\", &{a}.to_string())"))
            .collect();
        if is_plural(k) {
            writeln!(
                out,
                "    pub fn {k}(&self, n: impl TryInto<i64>{params}) -> String {{ self.{k}.of(n){fills} }}"
            )
            .unwrap();
        } else {
            writeln!(
                out,
                "    pub fn {k}(&self{params}) -> String {{ self.{k}{fills} }}"
            )
            .unwrap();
        }
    }
    out.push_str("}\n");
    // Every count of one locale, for the test that renders each with 0, 1 and 2.
    for (name, _) in &maps {
        writeln!(out, "pub static {name}_PLURALS: &[(&str, Plural)] = &[").unwrap();
        for k in fields.iter().filter(|k| is_plural(k)) {
            writeln!(out, "    ({k:?}, {name}.{k}),").unwrap();
        }
        out.push_str("];\n");
    }
    // All strings of one locale, for tests that look for leftovers of another language.
    for (name, map) in &maps {
        writeln!(out, "pub static {name}_ALL: &[(&str, &str)] = &[").unwrap();
        for (k, v) in map {
            writeln!(out, "    ({k:?}, {v:?}),").unwrap();
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("texts.rs");
    std::fs::write(dest, out).unwrap();
}
