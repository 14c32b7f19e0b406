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
