//! Text lines rebuilt from the positioned runs of one page (see the module doc of `pdf_read`).

use super::content::Run;

/// How far apart two baselines may be, as a share of the font size, and still make one line
/// (the two cells of a header row rarely share a baseline exactly).
const SAME_LINE: f32 = 0.45;
/// A gap (share of the font size) from which two runs are separate words.
const WORD_GAP: f32 = 0.12;
/// A gap from which two runs stand in separate columns (a justified line's widest word
/// space stays under it; the two cells of a header row leave more).
const COLUMN_GAP: f32 = 1.0;
/// A distance between baselines (share of the font size) from which a blank line is left.
const PARAGRAPH_GAP: f32 = 1.6;

struct Line {
    y: f32,
    size: f32,
    runs: Vec<Run>,
}

/// The page's lines, top to bottom.
pub fn page_lines(mut runs: Vec<Run>) -> Vec<String> {
    runs.retain(|r| r.x0.is_finite() && r.x1.is_finite() && r.y.is_finite());
    if runs.is_empty() {
        return Vec::new();
    }
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Line> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(l) if (l.y - run.y).abs() <= SAME_LINE * l.size.min(run.size) => {
                l.size = l.size.max(run.size);
                l.runs.push(run);
            }
            _ => lines.push(Line {
                y: run.y,
                size: run.size,
                runs: vec![run],
            }),
        }
    }
    let left = lines
        .iter()
        .flat_map(|l| l.runs.iter().map(|r| r.x0))
        .fold(f32::INFINITY, f32::min);
    let right = lines
        .iter()
        .flat_map(|l| l.runs.iter().map(|r| r.x1.max(r.x0)))
        .fold(f32::NEG_INFINITY, f32::max);
    let middle = (left + right) / 2.0;
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<(f32, f32)> = None;
    let count = lines.len();
    for (i, mut line) in lines.into_iter().enumerate() {
        line.runs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let text = join(&line.runs, middle);
        // A page number alone at the top or bottom of the page.
        let bare_number = text
            .trim()
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
        if (i == 0 || i + 1 == count) && bare_number && !text.trim().is_empty() {
            continue;
        }
        if let Some((y, size)) = previous {
            if y - line.y > PARAGRAPH_GAP * size.max(line.size) {
                out.push(String::new());
            }
        }
        previous = Some((line.y, line.size));
        out.push(text);
    }
    out
}

/// The runs of one line joined: a space at a word gap, a tab at a column gap, two tabs before
/// a line that starts right of `middle`.
fn join(runs: &[Run], middle: f32) -> String {
    let mut s = String::new();
    let mut end: Option<f32> = None;
    let mut last: Option<&Run> = None;
    for r in runs {
        // Text printed twice at one place (a bold face simulated by overprinting).
        if last.is_some_and(|p| p.text == r.text && (p.x0 - r.x0).abs() < 1.0) {
            continue;
        }
        match end {
            None if r.x0 > middle => s.push_str("\t\t"),
            None => {}
            Some(e) => {
                let gap = r.x0 - e;
                // Another text object with no space between: the next cell of a table row,
                // however close (word spaces are drawn as spaces, or within one object).
                let next_cell = last.is_some_and(|p| p.object != r.object)
                    && gap > WORD_GAP * r.size
                    && !s.ends_with(' ')
                    && !r.text.starts_with(' ');
                if gap > COLUMN_GAP * r.size || next_cell {
                    while s.ends_with(' ') {
                        s.pop();
                    }
                    s.push('\t');
                } else if gap > WORD_GAP * r.size
                    && !s.ends_with([' ', '\t'])
                    && !r.text.starts_with(' ')
                {
                    s.push(' ');
                }
            }
        }
        let text = if s.ends_with('\t') || s.is_empty() {
            r.text.trim_start()
        } else {
            r.text.as_str()
        };
        s.push_str(text);
        end = Some(end.map_or(r.x1, |e| e.max(r.x1)));
        last = Some(r);
    }
    s.trim_end().to_string()
}
