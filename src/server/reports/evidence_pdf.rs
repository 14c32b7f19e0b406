//! The evidence report as a tagged PDF/UA-1 document (krilla validates it while writing): a
//! supervisor reads it on paper, a screen reader walks its headings and tables.
//!
//! Why a small layout engine: the report's cells are long German unit names and certificate
//! codes, which must wrap rather than be cut at the page edge, and a table that runs over many
//! pages repeats its header row. Text is measured with the font's own advance widths
//! (`skrifa`), laid out page by page first (so every footer can say "Seite 2 von 7"), and then
//! drawn with each line marked as a span of its heading, paragraph or table cell. Page headers,
//! footers, rules and repeated header rows are artifacts, outside the structure.
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, ListNumbering, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::Font;
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

use super::csv::date_cell;
use super::evidence::Evidence;
use crate::i18n::Texts;
use crate::server::certificate::pdf::{fill, text, BOLD, REGULAR};

const W: f32 = 841.89;
const H: f32 = 595.28;
const M: f32 = 36.0;
/// The left margin, where blocks start.
pub(crate) const MARGIN: f32 = M;
const TOP: f32 = M + 22.0;
const BOTTOM: f32 = H - M - 6.0;
const CELL_PAD: f32 = 3.0;

/// Advance widths of one font.
struct Measure<'a> {
    font: skrifa::FontRef<'a>,
}

impl<'a> Measure<'a> {
    fn new(data: &'a [u8]) -> Option<Self> {
        skrifa::FontRef::new(data).ok().map(|font| Measure { font })
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let metrics = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        s.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
            .sum()
    }

    /// Lines of at most `max` points: broken at spaces, and inside a word only where the word
    /// alone is too wide (after a hyphen or slash if possible).
    fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in s.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut rest = word.to_string();
                while self.width(&rest, size) > max {
                    let cut = self.cut(&rest, size, max);
                    lines.push(rest[..cut].to_string());
                    rest = rest[cut..].to_string();
                }
                line = rest;
            }
            if !line.is_empty() || lines.is_empty() {
                lines.push(line);
            }
        }
        lines
    }

    /// Byte index at which a too-wide word is broken: after the last hyphen or slash that
    /// fits, else after the last character that fits (at least one).
    fn cut(&self, word: &str, size: f32, max: f32) -> usize {
        let mut last_fit = 0;
        let mut last_break = 0;
        for (i, c) in word.char_indices() {
            let end = i + c.len_utf8();
            if self.width(&word[..end], size) > max {
                break;
            }
            last_fit = end;
            if matches!(c, '-' | '/' | '_' | '.') {
                last_break = end;
            }
        }
        let cut = if last_break > 0 { last_break } else { last_fit };
        cut.max(word.chars().next().map_or(1, char::len_utf8))
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Where a drawn piece belongs: a structure element (index into `Layout::groups`) or an
/// artifact.
#[derive(Clone, Copy)]
enum Target {
    Group(usize),
    Artifact(ArtifactType),
}

enum Item {
    Text {
        face: Face,
        size: f32,
        x: f32,
        y: f32,
        text: String,
        target: Target,
        color: (u8, u8, u8),
    },
    /// A thin rule (always an artifact).
    Rule { x: f32, y: f32, w: f32 },
}

/// A structure element; it holds either child elements or spans, never both.
struct Group {
    tag: TagKind,
    children: Vec<usize>,
    spans: Vec<krilla::tagging::Identifier>,
}

/// A column of a table: header, share of the width, right-aligned.
pub(crate) struct Column<'t> {
    pub head: &'t str,
    pub width: f32,
    pub right: bool,
}

/// A tagged document being laid out (see the module documentation); other reports (the
/// KI-Register) use it too.
pub(crate) struct Layout<'m> {
    regular: Measure<'m>,
    bold: Measure<'m>,
    pages: Vec<Vec<Item>>,
    groups: Vec<Group>,
    roots: Vec<usize>,
    y: f32,
    /// The headings for the document outline: (level, text, page, y).
    outline: Vec<(u16, String, usize, f32)>,
}

impl<'m> Layout<'m> {
    fn measure(&self, face: Face) -> &Measure<'m> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    pub(crate) fn group(&mut self, tag: impl Into<TagKind>, parent: Option<usize>) -> usize {
        self.groups.push(Group {
            tag: tag.into(),
            children: Vec::new(),
            spans: Vec::new(),
        });
        let id = self.groups.len() - 1;
        match parent {
            Some(p) => self.groups[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// Makes room for `height` points, starting a new page if needed; true if it did.
    pub(crate) fn room(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// A wrapped block of text as one structure element (heading, paragraph, list item).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn block(
        &mut self,
        tag: impl Into<TagKind>,
        parent: Option<usize>,
        face: Face,
        size: f32,
        x: f32,
        width: f32,
        s: &str,
        after: f32,
    ) {
        let g = self.group(tag, parent);
        let line_height = size * 1.3;
        for line in self.measure(face).wrap(s, size, width) {
            self.room(line_height);
            self.y += size;
            let y = self.y;
            self.push(Item::Text {
                face,
                size,
                x,
                y,
                text: line,
                target: Target::Group(g),
                color: (26, 31, 54),
            });
            self.y += line_height - size;
        }
        self.y += after;
    }

    pub(crate) fn heading(&mut self, level: u16, s: &str, size: f32) {
        let Some(level) = std::num::NonZeroU16::new(level) else {
            return;
        };
        // Keep a heading with at least three lines of what follows.
        self.room(size * 1.3 + 40.0);
        self.y += 6.0;
        let page = self.pages.len().saturating_sub(1);
        self.outline
            .push((level.get(), s.to_string(), page, self.y));
        self.block(
            Tag::Hn(level, Some(s.to_string())),
            None,
            Face::Bold,
            size,
            M,
            W - 2.0 * M,
            s,
            4.0,
        );
    }

    /// A table with a header row that is repeated (as an artifact) on every further page.
    pub(crate) fn table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        let table = self.group(Tag::Table, None);
        let head = self.group(Tag::THead, Some(table));
        let body = self.group(Tag::TBody, Some(table));
        let line_height = size * 1.25;
        let header_lines: Vec<Vec<String>> = columns
            .iter()
            .map(|c| self.bold.wrap(c.head, size, c.width - 2.0 * CELL_PAD))
            .collect();
        let header_height = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32
            * line_height
            + 2.0 * CELL_PAD;
        self.room(header_height + line_height * 2.0 + 2.0 * CELL_PAD);
        let tr = self.group(Tag::TR, Some(head));
        let cells: Vec<Target> = columns
            .iter()
            .map(|_| Target::Group(self.group(Tag::TH(TableHeaderScope::Column), Some(tr))))
            .collect();
        self.row(columns, &header_lines, &cells, Face::Bold, size);
        for row in rows {
            let lines: Vec<Vec<String>> = columns
                .iter()
                .zip(row)
                .map(|(c, cell)| self.regular.wrap(cell, size, c.width - 2.0 * CELL_PAD))
                .collect();
            let height =
                lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_height + 2.0 * CELL_PAD;
            if self.room(height) {
                let repeat = vec![Target::Artifact(ArtifactType::PaginationOther); columns.len()];
                self.row(columns, &header_lines, &repeat, Face::Bold, size);
            }
            let tr = self.group(Tag::TR, Some(body));
            let cells: Vec<Target> = columns
                .iter()
                .map(|_| Target::Group(self.group(Tag::TD, Some(tr))))
                .collect();
            self.row(columns, &lines, &cells, Face::Regular, size);
        }
        self.y += 8.0;
    }

    fn row(
        &mut self,
        columns: &[Column],
        lines: &[Vec<String>],
        targets: &[Target],
        face: Face,
        size: f32,
    ) {
        let line_height = size * 1.25;
        let top = self.y;
        let mut x = M;
        let mut bottom = top;
        for ((column, cell), target) in columns.iter().zip(lines).zip(targets) {
            let mut y = top + CELL_PAD;
            for line in cell {
                y += size;
                let text_x = if column.right {
                    x + column.width - CELL_PAD - self.measure(face).width(line, size)
                } else {
                    x + CELL_PAD
                };
                self.push(Item::Text {
                    face,
                    size,
                    x: text_x,
                    y,
                    text: line.clone(),
                    target: *target,
                    color: (26, 31, 54),
                });
                y += line_height - size;
            }
            bottom = bottom.max(y + CELL_PAD);
            x += column.width;
        }
        self.y = bottom;
        let width = columns.iter().map(|c| c.width).sum();
        self.push(Item::Rule {
            x: M,
            y: bottom - 0.25,
            w: width,
        });
    }
}

fn rule(s: &mut Surface, x: f32, y: f32, w: f32) {
    let mut path = PathBuilder::new();
    if let Some(r) = Rect::from_xywh(x, y, w, 0.5) {
        path.push_rect(r);
    }
    if let Some(p) = path.finish() {
        fill(s, 150, 155, 170);
        s.draw_path(&p);
    }
}

/// A certificate code as the certificate prints it ("ABCD-EFGH-…"), a note after it kept.
pub fn grouped_code(code: &str) -> String {
    match code.split_once(' ') {
        Some((code, rest)) => format!("{} {rest}", crate::server::certificate::grouped(code)),
        None if code.is_empty() => String::new(),
        None => crate::server::certificate::grouped(code),
    }
}

fn tree(groups: &mut [Option<Group>], id: usize) -> Option<Node> {
    let g = groups.get_mut(id)?.take()?;
    let mut group = TagGroup::new(g.tag);
    for span in g.spans {
        group.push(span);
    }
    for child in g.children {
        if let Some(node) = tree(groups, child) {
            group.push(node);
        }
    }
    // A group without content is dropped by krilla anyway; leave it out.
    (!group.children.is_empty()).then(|| group.into())
}

/// The report as A4 landscape pages; see the module documentation. A name in a script the
/// embedded font lacks fails PDF/UA's glyph check: the report is then written without it.
pub fn to_pdf(e: &Evidence, t: &Texts) -> Result<Vec<u8>, String> {
    write(e, t, true).or_else(|err| {
        tracing::warn!(error = %err, "evidence report is not PDF/UA-1 conformant; written without the check");
        write(e, t, false)
    })
}

/// The usable width of a page.
pub(crate) const FULL: f32 = W - 2.0 * M;

impl Layout<'static> {
    /// An empty document with its first page.
    pub(crate) fn start() -> Result<Self, String> {
        let mut l = Layout {
            regular: Measure::new(REGULAR).ok_or("font DejaVuSans unreadable")?,
            bold: Measure::new(BOLD).ok_or("font DejaVuSans-Bold unreadable")?,
            pages: Vec::new(),
            groups: Vec::new(),
            roots: Vec::new(),
            y: TOP,
            outline: Vec::new(),
        };
        l.new_page();
        Ok(l)
    }
}

fn write(e: &Evidence, t: &Texts, strict: bool) -> Result<Vec<u8>, String> {
    let mut l = Layout::start()?;
    let full = FULL;

    // Title and what the report covers.
    l.block(
        Tag::Hn(std::num::NonZeroU16::MIN, Some(t.evidence_title.into())),
        None,
        Face::Bold,
        16.0,
        M,
        full,
        t.evidence_title,
        4.0,
    );
    for (s, after) in [
        (e.org.clone(), 0.0),
        (format!("{}: {}", t.csv_unit, e.unit), 0.0),
        (
            format!(
                "{}: {} · {}: {}",
                t.evidence_generated, e.generated, t.evidence_people, e.people
            ),
            4.0,
        ),
    ] {
        l.block(Tag::P, None, Face::Regular, 9.5, M, full, &s, after);
    }

    // The courses: what they teach, how long, which version.
    if !e.courses.is_empty() {
        l.heading(2, t.evidence_courses, 12.0);
        for c in &e.courses {
            let title = if c.subtitle.is_empty() {
                c.title.clone()
            } else {
                format!("{} – {}", c.title, c.subtitle)
            };
            l.room(40.0);
            l.block(Tag::P, None, Face::Bold, 9.5, M, full, &title, 1.0);
            let mut facts =
                t.evidence_course_facts(c.minutes, &c.version, date_cell(Some(c.stand)));
            if c.validity_months > 0 {
                facts.push_str(&t.evidence_validity.of(c.validity_months));
            }
            l.block(Tag::P, None, Face::Regular, 8.5, M, full, &facts, 1.0);
            if !c.objectives.is_empty() {
                let list = l.group(Tag::L(ListNumbering::Disc), None);
                for o in &c.objectives {
                    let item = l.group(Tag::LI, Some(list));
                    l.block(
                        Tag::LBody,
                        Some(item),
                        Face::Regular,
                        8.5,
                        M + 8.0,
                        full - 8.0,
                        &format!("• {o}"),
                        0.0,
                    );
                }
            }
            l.y += 5.0;
        }
    }

    // Per unit: people, assigned courses, done, quota.
    let totals = e.unit_totals();
    if !totals.is_empty() {
        l.heading(2, t.evidence_totals, 12.0);
        let columns = [
            Column {
                head: t.csv_unit,
                width: full - 4.0 * 95.0,
                right: false,
            },
            Column {
                head: t.evidence_people,
                width: 95.0,
                right: true,
            },
            Column {
                head: t.evidence_assigned,
                width: 95.0,
                right: true,
            },
            Column {
                head: t.evidence_done,
                width: 95.0,
                right: true,
            },
            Column {
                head: t.evidence_quota,
                width: 95.0,
                right: true,
            },
        ];
        let rows: Vec<Vec<String>> = totals
            .iter()
            .map(|u| {
                vec![
                    u.unit.clone(),
                    u.people.to_string(),
                    u.assigned.to_string(),
                    u.done.to_string(),
                    u.percent().map(|p| format!("{p} %")).unwrap_or("–".into()),
                ]
            })
            .collect();
        l.table(&columns, &rows, 8.0);
    }

    // Every person and course.
    l.heading(2, t.evidence_people_courses, 12.0);
    let widths = [108.0, 136.0, 100.0, 74.0, 74.0, 0.0, 70.0, 72.0];
    let code_width = full - widths.iter().sum::<f32>();
    let heads = [
        t.csv_name,
        t.csv_unit,
        t.csv_course,
        t.evidence_version,
        t.csv_completed,
        t.evidence_code,
        t.csv_valid_until,
        t.csv_state,
    ];
    let columns: Vec<Column> = heads
        .iter()
        .zip(widths)
        .map(|(head, width)| Column {
            head,
            width: if width == 0.0 { code_width } else { width },
            right: false,
        })
        .collect();
    let rows: Vec<Vec<String>> = e
        .lines
        .iter()
        .map(|x| {
            vec![
                x.name.clone(),
                x.unit.clone(),
                x.course.clone(),
                x.version.clone(),
                date_cell(x.completed),
                grouped_code(&x.code),
                date_cell(x.valid_until),
                x.state.clone(),
            ]
        })
        .collect();
    l.table(&columns, &rows, 7.5);

    // Who confirms the report.
    l.heading(2, t.evidence_signature, 12.0);
    l.block(
        Tag::P,
        None,
        Face::Regular,
        9.0,
        M,
        full,
        t.evidence_signature_text,
        14.0,
    );
    l.room(40.0);
    l.block(
        Tag::P,
        None,
        Face::Regular,
        9.0,
        M,
        full,
        &format!(
            "{}: ______________________________      {}: ________________________________________",
            t.evidence_place_date, t.evidence_signed
        ),
        0.0,
    );

    let doc_title = format!("{} – {}", t.evidence_title, e.unit);
    let header = format!("{} · {} · {}", t.evidence_title, e.org, e.unit);
    l.finish(
        &Heads {
            title: t.evidence_title,
            doc_title: &doc_title,
            header: &header,
            org: &e.org,
        },
        t,
        strict,
    )
}

/// What a finished document says about itself: the title (outline root), the title in its
/// metadata, the running header from page 2 on, and the author.
pub(crate) struct Heads<'a> {
    pub title: &'a str,
    pub doc_title: &'a str,
    pub header: &'a str,
    pub org: &'a str,
}

impl Layout<'_> {
    /// Draws the laid-out pages: every line a span of its element; page header and footer
    /// artifacts; the outline from the headings.
    pub(crate) fn finish(self, h: &Heads, t: &Texts, strict: bool) -> Result<Vec<u8>, String> {
        let l = self;
        let regular_font =
            Font::new(REGULAR.to_vec().into(), 0).ok_or("font DejaVuSans unreadable")?;
        let bold_font =
            Font::new(BOLD.to_vec().into(), 0).ok_or("font DejaVuSans-Bold unreadable")?;
        let mut doc = Document::new_with(crate::server::certificate::pdf::tagged_settings(strict)?);
        doc.set_metadata(
            Metadata::new()
                .title(h.doc_title.to_string())
                .authors(vec![h.org.to_string()])
                .creator("KI-Seepferdchen".to_string())
                .language("de-DE".to_string()),
        );
        let mut groups = l.groups;
        let pages = l.pages.len();
        let header = l.regular.wrap(h.header, 7.5, W - 2.0 * M)[0].clone();
        for (n, items) in l.pages.into_iter().enumerate() {
            let settings = PageSettings::from_wh(W, H).ok_or("page size")?;
            let mut page = doc.start_page_with(settings);
            let mut s = page.surface();
            let artifact = |s: &mut Surface, kind: ArtifactType, font: &Font, y: f32, txt: &str| {
                s.start_tagged(ContentTag::Artifact(Artifact::new(kind, None)));
                fill(s, 90, 95, 110);
                text(s, font, 7.5, M, y, txt);
                s.end_tagged();
            };
            if n > 0 {
                artifact(&mut s, ArtifactType::Header, &regular_font, M, &header);
            }
            for item in items {
                match item {
                    Item::Rule { x, y, w } => {
                        s.start_tagged(ContentTag::Artifact(Artifact::new(
                            ArtifactType::Layout,
                            None,
                        )));
                        rule(&mut s, x, y, w);
                        s.end_tagged();
                    }
                    Item::Text {
                        face,
                        size,
                        x,
                        y,
                        text: line,
                        target,
                        color,
                    } => {
                        let font = match face {
                            Face::Regular => &regular_font,
                            Face::Bold => &bold_font,
                        };
                        match target {
                            Target::Group(g) => {
                                let id = s.start_tagged(ContentTag::Span(SpanTag::empty()));
                                fill(&mut s, color.0, color.1, color.2);
                                text(&mut s, font, size, x, y, &line);
                                s.end_tagged();
                                if let Some(group) = groups.get_mut(g) {
                                    group.spans.push(id);
                                }
                            }
                            Target::Artifact(kind) => {
                                s.start_tagged(ContentTag::Artifact(Artifact::new(kind, None)));
                                fill(&mut s, color.0, color.1, color.2);
                                text(&mut s, font, size, x, y, &line);
                                s.end_tagged();
                            }
                        }
                    }
                }
            }
            artifact(
                &mut s,
                ArtifactType::Footer,
                &regular_font,
                H - M / 2.0,
                &t.evidence_page(n + 1, pages),
            );
            s.finish();
            page.finish();
        }
        let roots = l.roots;
        let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
        let mut tag_tree = TagTree::new().with_lang(Some("de-DE".into()));
        for root in roots {
            if let Some(node) = tree(&mut slots, root) {
                tag_tree.push(node);
            }
        }
        doc.set_tag_tree(tag_tree);
        // PDF/UA wants an outline: the title with the sections below it.
        let dest = |page: usize, y: f32| XyzDestination::new(page, Point::from_xy(M, y));
        let mut root = OutlineNode::new(h.title.to_string(), dest(0, M)).with_open(true);
        for (_, text, page, y) in l.outline {
            root.push_child(OutlineNode::new(text, dest(page, y)));
        }
        let mut outline = Outline::new();
        outline.push_child(root);
        doc.set_outline(outline);
        doc.finish().map_err(|e| format!("{e:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_character_and_fits() {
        let m = Measure::new(REGULAR).unwrap();
        let unit = "Amt für Digitalisierung, Informationssicherheit, Organisationsentwicklung \
                    und interkommunale Zusammenarbeit";
        let lines = m.wrap(unit, 7.5, 140.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| m.width(l, 7.5) <= 140.0));
        assert_eq!(lines.join(" "), unit);
        // A code without spaces breaks after a hyphen.
        let code = "SEEP-2026-ABCD-EFGH-IJKL-MNOP";
        let lines = m.wrap(code, 7.5, 60.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), code);
        assert!(lines[0].ends_with('-'));
        assert!(lines.iter().all(|l| m.width(l, 7.5) <= 60.0));
        // Wider letters take more room.
        assert!(m.width("WWWW", 10.0) > m.width("iiii", 10.0) * 2.0);
    }
}
