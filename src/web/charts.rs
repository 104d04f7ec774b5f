//! Charts as inline SVG: no script, no external resource, readable in print and by screen
//! readers (each chart has a label; the numbers are also in a table next to it).

use chrono::NaiveDate;

use crate::markup::escape_html;

/// One bar: a label, a share in percent (`None`: no data) and a target in percent.
pub struct Bar<'a> {
    pub label: &'a str,
    pub percent: Option<f64>,
    pub target: Option<u32>,
}

const BLUE: &str = "#1f4e8c";
const GREEN: &str = "#2e7d43";
const RED: &str = "#b3261e";
const GREY: &str = "#5b6470";

/// Horizontal bars from 0 to 100%, each with its target marked; a bar at or over its target
/// is green, under it red, without a target blue.
pub fn bars_svg(title: &str, bars: &[Bar<'_>], width: u32) -> String {
    let row = 30.0;
    let (label_w, right, top) = (250.0, 56.0, 8.0);
    let w = f64::from(width);
    let plot = w - label_w - right;
    let h = top + row * bars.len() as f64 + 22.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h:.0}" width="100%" role="img" aria-label="{}" class="chart">"#,
        escape_html(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let label: String = if b.label.chars().count() > 40 {
            let mut t: String = b.label.chars().take(39).collect();
            t.push('…');
            t
        } else {
            b.label.to_string()
        };
        s.push_str(&format!(
            r##"<text x="{x:.1}" y="{ty:.1}" font-size="12" text-anchor="end" fill="#1d232b">{}</text><rect x="{label_w}" y="{y:.1}" width="{plot:.1}" height="18" fill="#eef1f5"/>"##,
            escape_html(&label),
            x = label_w - 8.0,
            ty = y + 13.0,
        ));
        let colour = match (b.percent, b.target) {
            (Some(p), Some(t)) if p * 10.0 >= f64::from(t) * 10.0 => GREEN,
            (Some(_), Some(_)) => RED,
            _ => BLUE,
        };
        match b.percent {
            Some(p) => {
                let bw = plot * p.clamp(0.0, 100.0) / 100.0;
                s.push_str(&format!(
                    r##"<rect x="{label_w}" y="{y:.1}" width="{bw:.1}" height="18" fill="{colour}"/><text x="{tx:.1}" y="{ty:.1}" font-size="12" fill="#1d232b">{}</text>"##,
                    crate::domain::text::percent_vn(Some(p)),
                    tx = label_w + plot + 6.0,
                    ty = y + 13.0,
                ));
            }
            None => s.push_str(&format!(
                r##"<text x="{tx:.1}" y="{ty:.1}" font-size="12" fill="{GREY}">—</text>"##,
                tx = label_w + plot + 6.0,
                ty = y + 13.0,
            )),
        }
        if let Some(t) = b.target {
            let tx = label_w + plot * f64::from(t.min(100)) / 100.0;
            s.push_str(&format!(
                r##"<line x1="{tx:.1}" y1="{y1:.1}" x2="{tx:.1}" y2="{y2:.1}" stroke="#1d232b" stroke-width="2"/>"##,
                y1 = y - 3.0,
                y2 = y + 21.0,
            ));
        }
    }
    let axis_y = top + row * bars.len() as f64 + 14.0;
    for (pct, anchor) in [(0, "start"), (50, "middle"), (100, "end")] {
        s.push_str(&format!(
            r##"<text x="{x:.1}" y="{axis_y:.1}" font-size="11" text-anchor="{anchor}" fill="{GREY}">{pct}%</text>"##,
            x = label_w + plot * f64::from(pct) / 100.0,
        ));
    }
    s.push_str("</svg>");
    s
}

/// Completeness over time: the system's check (a line) and the inspectors' findings (dots),
/// 0–100%.
pub fn history_svg(points: &[(NaiveDate, f64, Option<f64>)], width: u32, height: u32) -> String {
    let (left, bottom, top, right) = (44.0, 28.0, 12.0, 16.0);
    let (wf, hf) = (f64::from(width), f64::from(height));
    let plot_w = wf - left - right;
    let plot_h = hf - top - bottom;
    let y0 = top + plot_h;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="Tỷ lệ niêm yết đầy đủ theo thời gian: đường là kết quả kiểm tra của hệ thống, chấm tròn là kết quả của đoàn kiểm tra" class="chart">"#
    );
    s.push_str(&format!(
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{y0}" stroke="{GREY}"/><line x1="{left}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{GREY}"/><line x1="{left}" y1="{top}" x2="{x1}" y2="{top}" stroke="{GREEN}" stroke-dasharray="4 3"/><text x="{tx}" y="{ty}" font-size="11" text-anchor="end" fill="{GREEN}">100%</text><text x="{tx}" y="{y0}" font-size="11" text-anchor="end" fill="{GREY}">0%</text>"##,
        x1 = left + plot_w,
        tx = left - 6.0,
        ty = top + 4.0,
    ));
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let span = (last.0 - first.0).num_days().max(1) as f64;
        let x = |d: NaiveDate| {
            if points.len() == 1 {
                left + plot_w / 2.0
            } else {
                left + plot_w * ((d - first.0).num_days() as f64 / span)
            }
        };
        let y = |p: f64| top + plot_h * (1.0 - p.clamp(0.0, 100.0) / 100.0);
        let line: Vec<String> = points
            .iter()
            .map(|(d, p, _)| format!("{:.1},{:.1}", x(*d), y(*p)))
            .collect();
        s.push_str(&format!(
            r##"<polyline fill="none" stroke="{BLUE}" stroke-width="2" points="{}"/>"##,
            line.join(" ")
        ));
        for (d, p, i) in points {
            s.push_str(&format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="{BLUE}"><title>{}: hệ thống {}</title></circle>"##,
                x(*d),
                y(*p),
                d.format("%d/%m/%Y"),
                crate::domain::text::percent_vn(Some(*p))
            ));
            if let Some(i) = i {
                s.push_str(&format!(
                    r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="none" stroke="{RED}" stroke-width="2"><title>{}: đoàn kiểm tra {}</title></circle>"##,
                    x(*d),
                    y(*i),
                    d.format("%d/%m/%Y"),
                    crate::domain::text::percent_vn(Some(*i))
                ));
            }
        }
        s.push_str(&format!(
            r##"<text x="{left}" y="{yl}" font-size="11" fill="{GREY}">{}</text><text x="{x1}" y="{yl}" font-size="11" text-anchor="end" fill="{GREY}">{}</text>"##,
            first.0.format("%d/%m/%Y"),
            last.0.format("%d/%m/%Y"),
            yl = hf - 8.0,
            x1 = left + plot_w,
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_self_contained_and_escaped() {
        let svg = bars_svg(
            "Chỉ tiêu <năm>",
            &[
                Bar {
                    label: "Niêm yết",
                    percent: Some(80.0),
                    target: Some(100),
                },
                Bar {
                    label: "Hồ sơ trực tuyến",
                    percent: None,
                    target: Some(20),
                },
            ],
            640,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;năm&gt;") && svg.contains(RED) && svg.contains("80,0%"));
        assert!(!svg.contains("<script") && !svg.contains("href"));
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let h = history_svg(
            &[
                (d("2026-01-31"), 50.0, None),
                (d("2026-03-20"), 75.0, Some(60.0)),
            ],
            640,
            220,
        );
        assert!(h.contains("polyline") && h.contains("đoàn kiểm tra 60,0%"));
        assert!(!history_svg(&[], 640, 220).contains("polyline"));
    }
}
