//! The text of a laid-out document, in reading order, one line per baseline.

use typst::layout::{Abs, Frame, FrameItem, Point};
use typst_layout::PagedDocument;

/// Every text run of every page, grouped into lines by baseline and sorted left to right;
/// runs on one line are joined directly when they touch, by a space when apart, and spaces
/// are collapsed. Pages are separated
/// by a line holding a form feed.
pub(super) fn document_text(document: &PagedDocument) -> String {
    let mut out = String::new();
    for (i, page) in document.pages().iter().enumerate() {
        if i > 0 {
            out.push_str("\u{c}\n");
        }
        let mut runs: Vec<(Abs, Abs, Abs, String)> = Vec::new();
        walk(&page.frame, Point::zero(), &mut runs);
        // Baselines closer than half a point are one line (super/subscripts aside).
        runs.sort_by(|a, b| {
            a.0.to_pt()
                .total_cmp(&b.0.to_pt())
                .then(a.1.to_pt().total_cmp(&b.1.to_pt()))
        });
        let mut lines: Vec<(f64, Vec<Run>)> = Vec::new();
        for (y, x, width, text) in runs {
            let item = (x.to_pt(), width.to_pt(), text);
            match lines.last_mut() {
                Some((ly, items)) if (y.to_pt() - *ly).abs() < 0.5 => items.push(item),
                _ => lines.push((y.to_pt(), vec![item])),
            }
        }
        for (_, mut items) in lines {
            items.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Runs that touch are one word ("Metz" and ", le"); a gap is a space.
            let mut line = String::new();
            let mut end: Option<f64> = None;
            for (x, width, text) in items {
                if end.is_some_and(|e| x - e > 0.5) {
                    line.push(' ');
                }
                line.push_str(&text);
                end = Some(x + width);
            }
            let collapsed: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
            out.push_str(&collapsed.join(" "));
            out.push('\n');
        }
    }
    out
}

/// A run of text on a line: its left edge, its width (points) and its text.
type Run = (f64, f64, String);

fn walk(frame: &Frame, origin: Point, out: &mut Vec<(Abs, Abs, Abs, String)>) {
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(group) => walk(&group.frame, at, out),
            FrameItem::Text(text) => out.push((at.y, at.x, text.width(), text.text.to_string())),
            _ => {}
        }
    }
}
