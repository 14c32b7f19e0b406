//! Markdown to safe HTML: pulldown-cmark (tables, GFM block quotes), heading anchors, callout
//! boxes, image paths; raw HTML from authors is dropped, and ammonia sanitises the result.
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The callout kinds an author can write, as `> [!MERKE]` etc. `[!BILDBESCHREIBUNG]` is the long
/// description of the picture before it, folded away (WCAG 1.1.1 for pictures that carry
/// information: the alt text names the picture, the description says what it shows).
const CALLOUTS: [(&str, &str, BlockQuoteKind, &str); 4] = [
    ("[!MERKE]", "merke", BlockQuoteKind::Note, "Merke"),
    ("[!ACHTUNG]", "achtung", BlockQuoteKind::Warning, "Achtung"),
    (
        "[!BEISPIEL]",
        "beispiel",
        BlockQuoteKind::Tip,
        "Beispiel aus der Verwaltung",
    ),
    (
        "[!BILDBESCHREIBUNG]",
        "bildbeschreibung",
        BlockQuoteKind::Important,
        "Bildbeschreibung",
    ),
];

/// Rewrites our callout markers to the GFM ones pulldown-cmark understands (NOTE, WARNING, TIP)
/// and drops the GFM ones we do not offer, so each kind maps to exactly one callout.
fn normalize_callouts(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '>']).trim();
        let quoted = line.trim_start().starts_with('>');
        let replacement = CALLOUTS
            .iter()
            .find(|(marker, ..)| quoted && trimmed == *marker);
        match replacement {
            Some((_, _, kind, _)) => {
                let gfm = match kind {
                    BlockQuoteKind::Note => "[!NOTE]",
                    BlockQuoteKind::Warning => "[!WARNING]",
                    BlockQuoteKind::Important => "[!IMPORTANT]",
                    _ => "[!TIP]",
                };
                out.push_str(&format!("> {gfm}\n"));
            }
            None if quoted
                && matches!(
                    trimmed,
                    "[!NOTE]" | "[!TIP]" | "[!WARNING]" | "[!IMPORTANT]" | "[!CAUTION]"
                ) =>
            {
                out.push_str(">\n");
            }
            None => out.push_str(line),
        }
    }
    out
}

pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.to_lowercase().chars() {
        let mapped = match c {
            'ä' => "ae".to_string(),
            'ö' => "oe".to_string(),
            'ü' => "ue".to_string(),
            'ß' => "ss".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        slug.push_str(&mapped);
    }
    let parts: Vec<&str> = slug.split('-').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        "abschnitt".into()
    } else {
        parts.join("-")
    }
}

/// Renders a module's Markdown. `image_base` is the URL folder for `images/…` paths.
pub fn markdown_to_html(src: &str, image_base: &str) -> String {
    let src = normalize_callouts(src);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_GFM
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    let events: Vec<Event> = Parser::new_ext(&src, options).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut used_ids: HashSet<String> = HashSet::new();
    // The heading a table stands under names its scroll box.
    let mut last_heading = String::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            // Authors write Markdown only: raw HTML never reaches the page.
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level;
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                last_heading.clone_from(&text);
                let mut id = slugify(&text);
                let base = id.clone();
                let mut n = 2;
                while !used_ids.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                // The page's title is the only h1: headings in a module start at h2.
                let level = if level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    level
                };
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: vec![],
                    attrs: vec![],
                }));
                i += 1;
                continue;
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = if *level == HeadingLevel::H1 {
                    HeadingLevel::H2
                } else {
                    *level
                };
                out.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (_, class, _, title) = CALLOUTS
                    .iter()
                    .find(|c| c.2 == *kind)
                    .copied()
                    .unwrap_or(CALLOUTS[0]);
                let description = *kind == BlockQuoteKind::Important;
                out.push(Event::Html(CowStr::from(if description {
                    format!("<details class=\"figure-description\"><summary>{title}</summary>")
                } else {
                    format!("<aside class=\"callout callout--{class}\"><p class=\"callout__title\">{title}</p>")
                })));
                let mut depth = 1;
                let mut j = i + 1;
                while j < events.len() {
                    match &events[j] {
                        Event::Start(Tag::BlockQuote(_)) => depth += 1,
                        Event::End(TagEnd::BlockQuote(_)) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                // Render the inside on its own (same rules), then close the box.
                let inner: Vec<Event> = events[i + 1..j.min(events.len())]
                    .iter()
                    .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
                    .cloned()
                    .collect();
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    rewrite_images(inner, image_base).into_iter(),
                );
                out.push(Event::Html(CowStr::from(html)));
                out.push(Event::Html(CowStr::from(if description {
                    "</details>"
                } else {
                    "</aside>"
                })));
                i = j + 1;
                continue;
            }
            // A wide table scrolls in a box of its own that keyboard users can reach and that
            // screen readers announce (WCAG 2.1.1, 1.4.10): focusable, a named region.
            Event::Start(Tag::Table(_)) => {
                let label = if last_heading.is_empty() {
                    "Tabelle".to_string()
                } else {
                    format!("Tabelle: {last_heading}")
                };
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                    escape_attribute(&label)
                ))));
                out.push(events[i].clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(events[i].clone());
                out.push(Event::Html(CowStr::from("</div>")));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, rewrite_images(out, image_base).into_iter());
    sanitize(&html)
}

fn rewrite_images<'a>(events: Vec<Event<'a>>, image_base: &str) -> Vec<Event<'a>> {
    events
        .into_iter()
        .map(|e| match e {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = if dest_url.starts_with("images/") {
                    CowStr::from(format!(
                        "{image_base}/{}",
                        dest_url.trim_start_matches("images/")
                    ))
                } else {
                    dest_url
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect()
}

fn escape_attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The final safety net: only harmless elements, attributes and URL schemes survive.
pub fn sanitize(html: &str) -> String {
    let mut classes: HashMap<&str, HashSet<&str>> = HashMap::new();
    classes.insert(
        "aside",
        HashSet::from([
            "callout",
            "callout--merke",
            "callout--achtung",
            "callout--beispiel",
        ]),
    );
    classes.insert("p", HashSet::from(["callout__title"]));
    classes.insert("div", HashSet::from(["table-wrap"]));
    classes.insert("details", HashSet::from(["figure-description"]));
    ammonia::Builder::default()
        .add_tags(["aside", "details", "summary"])
        .add_tag_attributes("h2", ["id"])
        .add_tag_attributes("h3", ["id"])
        .add_tag_attributes("h4", ["id"])
        .add_tag_attributes("div", ["role", "tabindex", "aria-label"])
        .allowed_classes(classes)
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangerous_markup_never_reaches_the_page() {
        let src = "## Titel\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> \
                   <a href=\"#\" onclick=\"alert(1)\">klick</a>\n\n[Link](javascript:alert(1))\n\n\
                   <iframe src=\"https://evil.example\"></iframe>\n\n\
                   > [!MERKE]\n> <script>alert(2)</script>\n>\n> wichtig [x](javascript:alert(3))\n";
        let html = markdown_to_html(src, "/inhalte/k/images");
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "<iframe",
            "alert(",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("wichtig"));
        assert!(html.contains("klick"), "{html}");
    }

    #[test]
    fn headings_get_anchors_and_start_at_h2() {
        let html = markdown_to_html(
            "# Große Übersicht\n\n## Daten & Schutz\n\n## Daten & Schutz\n",
            "/i",
        );
        assert!(html.contains("<h2 id=\"grosse-uebersicht\">"), "{html}");
        assert!(html.contains("<h2 id=\"daten-schutz\">"), "{html}");
        assert!(html.contains("<h2 id=\"daten-schutz-2\">"), "{html}");
        assert!(!html.contains("<h1"));
    }

    #[test]
    fn callouts_tables_and_images() {
        let src = "> [!MERKE]\n> Die **Verantwortung** bleibt beim Menschen.\n\n\
                   > [!BEISPIEL]\n> Im Bürgerbüro …\n\n> [!ACHTUNG]\n> Keine Daten!\n\n\
                   > Ein normales Zitat\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n![Ablauf der Prüfung](images/ablauf.svg)\n";
        let html = markdown_to_html(src, "/inhalte/kurs/images");
        assert!(
            html.contains(
                "<aside class=\"callout callout--merke\"><p class=\"callout__title\">Merke</p>"
            ),
            "{html}"
        );
        assert!(html.contains("<strong>Verantwortung</strong>"));
        assert!(html.contains("callout--beispiel") && html.contains("Beispiel aus der Verwaltung"));
        assert!(html.contains("callout--achtung"));
        assert!(html.contains("<blockquote>"));
        assert!(html.contains("<table>") && html.contains("<td>2</td>"));
        // Every table scrolls in a focusable, named region.
        assert_eq!(
            html.matches("<table>").count(),
            html.matches("tabindex=\"0\"").count()
        );
        assert!(
            html.contains("src=\"/inhalte/kurs/images/ablauf.svg\""),
            "{html}"
        );
        assert!(html.contains("alt=\"Ablauf der Prüfung\""));
    }

    #[test]
    fn a_picture_description_is_folded_away() {
        let src = "![Pyramide](images/p.svg)\n\n> [!BILDBESCHREIBUNG]\n> Vier **Stufen**.\n\n\
                   > [!IMPORTANT]\n> Kein GFM-Kasten\n";
        let html = markdown_to_html(src, "/i");
        assert!(
            html.contains("<details class=\"figure-description\"><summary>Bildbeschreibung</summary><p>Vier <strong>Stufen</strong>.</p>"),
            "{html}"
        );
        assert_eq!(html.matches("<details").count(), 1, "{html}");
        assert!(html.contains("Kein GFM-Kasten"));
    }

    #[test]
    fn authors_cannot_forge_callout_classes() {
        let html = markdown_to_html(
            "<aside class=\"callout callout--merke\">x</aside>\n\n> [!NOTE]\n> y\n",
            "/i",
        );
        assert!(!html.contains("<aside"), "{html}");
        assert!(html.contains('y'));
    }
}
