//! The certificate as an A4 PDF (krilla): German text in embedded DejaVu Sans (free licence,
//! see fonts/LICENSE-DejaVu.txt), a seahorse badge drawn as vectors, a QR code to the public
//! verify page, the code in text, and PDF metadata. Tagged PDF/UA-1, so a screen reader reads
//! it in order with the badge, logo and QR code described. Same certificate, same bytes.
use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, BBox, ContentTag, ListNumbering, SpanTag, Tag, TagGroup, TagKind,
    TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::{grouped, Payload};
use crate::i18n::Locale;
use crate::server::content::parse_date;

pub(crate) static REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 56.0;

pub(crate) fn fill(surface: &mut Surface, r: u8, g: u8, b: u8) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }));
}

pub(crate) fn text(surface: &mut Surface, font: &Font, size: f32, x: f32, y: f32, s: &str) {
    surface.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        s,
        false,
        TextDirection::Auto,
    );
}

/// Splits a text into lines of at most `max` characters at spaces.
fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn german_date(iso: &str) -> String {
    parse_date(iso)
        .map(|d| Locale::De.format_date(d))
        .unwrap_or_else(|| iso.to_string())
}

fn level_label(level: &str) -> &'static str {
    crate::model::Level::from_code(level)
        .unwrap_or(crate::model::Level::Seepferdchen)
        .label(Locale::De.texts())
}

/// A simple seahorse (head, snout, curled tail, fin) in a circle badge.
fn badge(surface: &mut Surface, cx: f32, cy: f32) {
    // A circle from four cubic Bézier arcs (k = 0.5523 × radius).
    let (r, k) = (42.0, 42.0 * 0.5523);
    let mut circle = PathBuilder::new();
    circle.move_to(cx + r, cy);
    circle.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    circle.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    circle.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    circle.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    circle.close();
    if let Some(p) = circle.finish() {
        fill(surface, 0, 107, 95);
        surface.draw_path(&p);
    }
    let mut horse = PathBuilder::new();
    horse.move_to(cx + 6.0, cy - 30.0);
    horse.cubic_to(
        cx + 20.0,
        cy - 30.0,
        cx + 22.0,
        cy - 14.0,
        cx + 10.0,
        cy - 10.0,
    );
    horse.line_to(cx + 26.0, cy - 8.0);
    horse.line_to(cx + 24.0, cy - 3.0);
    horse.line_to(cx + 8.0, cy - 4.0);
    horse.cubic_to(cx + 14.0, cy + 6.0, cx + 10.0, cy + 20.0, cx, cy + 24.0);
    horse.cubic_to(
        cx - 10.0,
        cy + 28.0,
        cx - 16.0,
        cy + 18.0,
        cx - 8.0,
        cy + 14.0,
    );
    horse.cubic_to(
        cx - 2.0,
        cy + 12.0,
        cx - 2.0,
        cy + 20.0,
        cx - 6.0,
        cy + 20.0,
    );
    horse.cubic_to(cx - 2.0, cy + 24.0, cx + 6.0, cy + 16.0, cx + 2.0, cy + 8.0);
    horse.cubic_to(
        cx - 6.0,
        cy - 4.0,
        cx - 12.0,
        cy - 20.0,
        cx + 6.0,
        cy - 30.0,
    );
    horse.close();
    if let Some(p) = horse.finish() {
        fill(surface, 255, 255, 255);
        surface.draw_path(&p);
    }
}

fn qr(surface: &mut Surface, data: &str, x: f32, y: f32, size: f32) {
    let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
        return;
    };
    let width = code.width();
    let quiet = 2.0;
    let cell = size / (width as f32 + 2.0 * quiet);
    let mut pb = PathBuilder::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % width) as f32, (i / width) as f32);
            if let Some(r) = Rect::from_xywh(
                x + (col + quiet) * cell,
                y + (row + quiet) * cell,
                cell,
                cell,
            ) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(p) = pb.finish() {
        fill(surface, 0, 0, 0);
        surface.draw_path(&p);
    }
}

/// Marks what `draw` puts on the surface as one piece of the structure (a span of text, or
/// anything else) and returns its identifier, or as an artifact (decoration) that readers skip.
fn tagged(
    s: &mut Surface,
    tag: ContentTag,
    draw: impl FnOnce(&mut Surface),
) -> krilla::tagging::Identifier {
    let id = s.start_tagged(tag);
    draw(s);
    s.end_tagged();
    id
}

fn decoration(s: &mut Surface, draw: impl FnOnce(&mut Surface)) {
    s.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Layout,
        None,
    )));
    draw(s);
    s.end_tagged();
}

/// One line of text as a span.
fn span(
    s: &mut Surface,
    font: &Font,
    size: f32,
    x: f32,
    y: f32,
    line: &str,
) -> krilla::tagging::Identifier {
    tagged(s, ContentTag::Span(SpanTag::empty()), |s| {
        text(s, font, size, x, y, line)
    })
}

fn group(tag: impl Into<TagKind>, ids: Vec<krilla::tagging::Identifier>) -> TagGroup {
    TagGroup::with_children(tag, ids.into_iter().map(Into::into).collect())
}

/// Renders the certificate as a tagged PDF/UA-1 document (krilla validates it while writing);
/// `verify_url` is what the QR code and the text point to; `logo` is the organisation's PNG
/// logo (setting ORG_LOGO), drawn in the header.
pub fn render(p: &Payload, verify_url: &str, logo: Option<&[u8]>) -> Result<Vec<u8>, String> {
    render_with(p, verify_url, logo, true).or_else(|e| {
        // A name in a script the embedded font lacks fails PDF/UA's glyph check; the holder
        // still gets the (tagged) certificate rather than an error page.
        tracing::warn!(error = %e, "certificate is not PDF/UA-1 conformant; written without the check");
        render_with(p, verify_url, logo, false)
    })
}

/// Tagged PDF settings, validated as PDF/UA-1 when `strict`.
pub(crate) fn tagged_settings(strict: bool) -> Result<SerializeSettings, String> {
    let mut builder = ConfigurationBuilder::new();
    if strict {
        builder = builder.with_accessibility_validator(Accessibility::UA1);
    }
    let configuration = builder.finish().map_err(|e| format!("{e:?}"))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    })
}

fn render_with(
    p: &Payload,
    verify_url: &str,
    logo: Option<&[u8]>,
    strict: bool,
) -> Result<Vec<u8>, String> {
    let regular = Font::new(REGULAR.to_vec().into(), 0).ok_or("font DejaVuSans unreadable")?;
    let bold = Font::new(BOLD.to_vec().into(), 0).ok_or("font DejaVuSans-Bold unreadable")?;
    let mut doc = Document::new_with(tagged_settings(strict)?);
    doc.set_metadata(
        Metadata::new()
            .title(format!("Zertifikat {} – {}", p.course_title, p.holder))
            .authors(vec![p.issuer.clone()])
            .creator("KI-Seepferdchen".to_string())
            .language("de-DE".to_string()),
    );
    let mut tree = TagTree::new().with_lang(Some("de-DE".into()));
    let settings = PageSettings::from_wh(W, H).ok_or("page size")?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();

    // Header band with the organisation.
    decoration(&mut s, |s| {
        if let Some(band) = Rect::from_xywh(0.0, 0.0, W, 110.0).and_then(|r| {
            let mut pb = PathBuilder::new();
            pb.push_rect(r);
            pb.finish()
        }) {
            fill(s, 8, 61, 110);
            s.draw_path(&band);
        }
    });
    fill(&mut s, 255, 255, 255);
    let issuer = span(&mut s, &bold, 18.0, MARGIN, 52.0, &p.issuer);
    let purpose = span(
        &mut s,
        &regular,
        11.0,
        MARGIN,
        76.0,
        "Qualifizierung zur KI-Kompetenz (Art. 4 KI-Verordnung)",
    );
    tree.push(group(Tag::P, vec![issuer, purpose]));
    if let Some(png) = logo {
        let image = krilla::image::Image::from_png(png.to_vec().into(), true)?;
        let (w, h) = image.size();
        // At most 180 × 70 pt, keeping the aspect ratio, right-aligned in the header band.
        let scale = (70.0 / h.max(1) as f32).min(180.0 / w.max(1) as f32);
        let (dw, dh) = (w as f32 * scale, h as f32 * scale);
        if let Some(size) = krilla::geom::Size::from_wh(dw, dh) {
            let (x, y) = (W - MARGIN - dw, (110.0 - dh) / 2.0);
            let id = tagged(&mut s, ContentTag::Other, |s| {
                s.push_transform(&krilla::geom::Transform::from_translate(x, y));
                s.draw_image(image, size);
                s.pop();
            });
            let figure = Tag::Figure(Some(format!("Logo: {}", p.issuer)))
                .with_bbox(Rect::from_xywh(x, y, dw, dh).map(|r| BBox::new(0, r)));
            tree.push(group(figure, vec![id]));
        }
    }
    let level = level_label(&p.level);
    let badge_id = tagged(&mut s, ContentTag::Other, |s| {
        badge(s, W - MARGIN - 42.0, 160.0)
    });
    let badge_figure = Tag::Figure(Some(format!("Abzeichen {level}: ein Seepferdchen")))
        .with_bbox(Rect::from_xywh(W - MARGIN - 84.0, 118.0, 84.0, 84.0).map(|r| BBox::new(0, r)));
    tree.push(group(badge_figure, vec![badge_id]));
    fill(&mut s, 0, 107, 95);
    let level_id = span(&mut s, &bold, 10.0, W - MARGIN - 84.0, 222.0, level);
    tree.push(group(Tag::P, vec![level_id]));

    fill(&mut s, 26, 31, 54);
    let title = span(&mut s, &bold, 34.0, MARGIN, 190.0, "Zertifikat");
    tree.push(group(
        Tag::Hn(std::num::NonZeroU16::MIN, Some("Zertifikat".into())),
        vec![title],
    ));
    let mut statement = vec![
        span(
            &mut s,
            &regular,
            13.0,
            MARGIN,
            250.0,
            "Hiermit wird bestätigt, dass",
        ),
        span(&mut s, &bold, 24.0, MARGIN, 290.0, &p.holder),
    ];
    let mut y = 330.0;
    for line in wrap(
        &format!(
            "den Kurs „{}“ (Stufe: {level}) erfolgreich abgeschlossen hat.",
            p.course_title,
        ),
        70,
    ) {
        statement.push(span(&mut s, &regular, 13.0, MARGIN, y, &line));
        y += 19.0;
    }
    tree.push(group(Tag::P, statement));
    y += 8.0;
    let mut facts = vec![
        ("Abgeschlossen am", german_date(&p.completed_on)),
        ("Gültig bis", german_date(&p.valid_until)),
        ("Inhaltsstand", p.content_version.clone()),
    ];
    if let Some(format) = &p.format {
        facts.push(("Form", format.clone()));
    }
    for (label, value) in facts {
        let l = span(&mut s, &bold, 11.0, MARGIN, y, &format!("{label}: "));
        let v = span(&mut s, &regular, 11.0, MARGIN + 130.0, y, &value);
        tree.push(group(Tag::P, vec![l, v]));
        y += 17.0;
    }
    y += 14.0;
    let topics_title = span(&mut s, &bold, 12.0, MARGIN, y, "Behandelte Themen");
    tree.push(group(
        Tag::Hn(
            std::num::NonZeroU16::new(2).unwrap_or(std::num::NonZeroU16::MIN),
            Some("Behandelte Themen".into()),
        ),
        vec![topics_title],
    ));
    y += 19.0;
    let mut list = TagGroup::new(Tag::L(ListNumbering::Disc));
    for topic in &p.topics {
        let mut ids = Vec::new();
        for (i, line) in wrap(topic, 78).iter().enumerate() {
            ids.push(span(
                &mut s,
                &regular,
                10.5,
                MARGIN + 12.0,
                y,
                &if i == 0 {
                    format!("• {line}")
                } else {
                    format!("  {line}")
                },
            ));
            y += 15.0;
        }
        list.push(TagGroup::with_children(
            Tag::LI,
            vec![group(Tag::LBody, ids).into()],
        ));
    }
    if !list.children.is_empty() {
        tree.push(list);
    }

    // Verification block: QR code, link and code.
    let qr_size = 120.0;
    let qr_y = H - MARGIN - qr_size - 40.0;
    let qr_id = tagged(&mut s, ContentTag::Other, |s| {
        qr(s, verify_url, MARGIN - 6.0, qr_y, qr_size)
    });
    fill(&mut s, 26, 31, 54);
    let tx = MARGIN + qr_size + 10.0;
    let check = span(&mut s, &bold, 11.0, tx, qr_y + 30.0, "Echtheit prüfen");
    tree.push(group(
        Tag::Hn(
            std::num::NonZeroU16::new(2).unwrap_or(std::num::NonZeroU16::MIN),
            Some("Echtheit prüfen".into()),
        ),
        vec![check],
    ));
    let qr_figure = Tag::Figure(Some(format!(
        "QR-Code mit der Adresse zur Prüfung: {verify_url}"
    )))
    .with_bbox(Rect::from_xywh(MARGIN - 6.0, qr_y, qr_size, qr_size).map(|r| BBox::new(0, r)));
    tree.push(group(qr_figure, vec![qr_id]));
    let mut how = vec![span(
        &mut s,
        &regular,
        9.5,
        tx,
        qr_y + 48.0,
        "QR-Code scannen oder die Adresse aufrufen:",
    )];
    for (i, line) in wrap(verify_url, 60).iter().enumerate() {
        how.push(span(
            &mut s,
            &regular,
            9.0,
            tx,
            qr_y + 64.0 + 13.0 * i as f32,
            line,
        ));
    }
    tree.push(group(Tag::P, how));
    let code = span(
        &mut s,
        &bold,
        11.0,
        tx,
        qr_y + 100.0,
        &format!("Zertifikatscode: {}", grouped(&p.code)),
    );
    tree.push(group(Tag::P, vec![code]));
    fill(&mut s, 74, 80, 104);
    let note = "Dieses Zertifikat dokumentiert eine Qualifizierungsmaßnahme zur KI-Kompetenz. \
                Es ist keine gesetzlich vorgeschriebene Bescheinigung. Elektronisch signiert (Ed25519), \
                Schlüssel-ID ";
    let mut note_ids = Vec::new();
    for (i, line) in wrap(&format!("{note}{}.", p.key_id), 105)
        .iter()
        .enumerate()
    {
        note_ids.push(span(
            &mut s,
            &regular,
            8.0,
            MARGIN,
            H - 38.0 + 10.0 * i as f32,
            line,
        ));
    }
    tree.push(group(Tag::P, note_ids));
    s.finish();
    page.finish();
    doc.set_tag_tree(tree);
    // PDF/UA wants an outline, even of one page.
    let mut outline = krilla::outline::Outline::new();
    for (title, y) in [("Zertifikat", 150.0), ("Echtheit prüfen", qr_y)] {
        outline.push_child(krilla::outline::OutlineNode::new(
            title.to_string(),
            krilla::destination::XyzDestination::new(0, Point::from_xy(MARGIN, y)),
        ));
    }
    doc.set_outline(outline);
    doc.finish().map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Payload {
        Payload {
            code: "0123456789ABCDEFGHJKMNPQRS".into(),
            holder: "Gül Demir".into(),
            course: "ki-seepferdchen".into(),
            course_title: "KI-Seepferdchen".into(),
            level: "seepferdchen".into(),
            content_version: "1.1 (c764859be2fb)".into(),
            completed_on: "2026-11-26".into(),
            valid_until: "2028-11-26".into(),
            issuer: "Stadt Musterstadt".into(),
            topics: vec![
                "Was ist KI?".into(),
                "Datenschutz und Vertraulichkeit".into(),
            ],
            key_id: "0123456789abcdef".into(),
            format: None,
        }
    }

    #[test]
    fn same_certificate_same_bytes() {
        let p = payload();
        let a = render(
            &p,
            "https://lernen.example/verify/0123456789ABCDEFGHJKMNPQRS",
            None,
        )
        .unwrap();
        let b = render(
            &p,
            "https://lernen.example/verify/0123456789ABCDEFGHJKMNPQRS",
            None,
        )
        .unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
    }

    /// PDF/UA-1: krilla validates while writing (render would fail otherwise); pdfinfo sees a
    /// tagged file, and the text comes out in reading order.
    #[test]
    fn the_certificate_is_a_tagged_pdf() {
        let p = Payload {
            topics: vec!["Was ist KI?".into()],
            format: Some("Präsenzschulung".into()),
            ..payload()
        };
        let pdf = render(&p, "https://lernen.example/verify/0123", Some(TINY_PNG)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zertifikat.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let info = std::process::Command::new("pdfinfo")
            .arg(&path)
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("Tagged:          yes"), "{info}");
        let text = std::process::Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        let order = [
            "Stadt Musterstadt",
            "Zertifikat",
            "Gül Demir",
            "Gültig bis",
            "Präsenzschulung",
            "Echtheit",
        ];
        let positions: Vec<usize> = order.iter().map(|w| text.find(w).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    /// A name the font cannot show is no reason to refuse the certificate.
    #[test]
    fn a_name_outside_the_font_still_gets_a_certificate() {
        let p = Payload {
            holder: "王小明".into(),
            content_version: "1.1".into(),
            topics: vec![],
            ..payload()
        };
        assert!(render(&p, "https://lernen.example/verify/0123", None)
            .unwrap()
            .starts_with(b"%PDF-"));
    }

    /// A 2 × 1 PNG (one red, one blue pixel).
    pub const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b,
        0x40, 0xe8, 0xdd, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0x00, 0x04, 0xff, 0x01, 0x07, 0x00, 0x01, 0xff, 0xe2, 0x23, 0x9e, 0x59, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn the_logo_is_embedded_as_an_image() {
        let p = Payload {
            holder: "H".into(),
            course: "c".into(),
            course_title: "C".into(),
            level: "gold".into(),
            content_version: "1".into(),
            valid_until: "2027-11-26".into(),
            issuer: "I".into(),
            topics: vec![],
            key_id: "k".into(),
            ..payload()
        };
        let without = render(&p, "https://x/verify/1", None).unwrap();
        let with = render(&p, "https://x/verify/1", Some(TINY_PNG)).unwrap();
        let has_image = |b: &[u8]| {
            b.windows(13)
                .any(|w| w == b"/Subtype /Ima" || w == b"/Subtype/Imag")
        };
        assert!(!has_image(&without));
        assert!(has_image(&with), "an image XObject");
        assert!(render(&p, "https://x/verify/1", Some(b"not a png")).is_err());
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("eins zwei drei", 9), ["eins zwei", "drei"]);
        assert_eq!(wrap("", 9), Vec::<String>::new());
    }
}
