//! A small live line chart in SVG: a title, the newest value, and the recent history scaled to
//! a round maximum. No chart library: a polyline and an area are all it takes.

use leptos::prelude::*;

use crate::containers::stats_math::{Series, nice_ceiling, polyline};

const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 80.0;

/// One chart with up to two series (such as received and sent).
#[component]
pub fn LineChart(
    /// The chart's title: "CPU".
    title: &'static str,
    /// The series to draw, with their labels: the first is the primary colour.
    #[prop(into)]
    series: Signal<Vec<(&'static str, Series)>>,
    /// Formats a value for the legend and the scale.
    format: fn(f64) -> String,
    /// A fixed top of the scale (100 for a percentage of a limit); else a round maximum.
    #[prop(optional)]
    fixed_top: Option<f64>,
    /// A note shown under the chart, beside its scale (memory: "594 kB of 25.3 GB").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let top = move || {
        fixed_top.unwrap_or_else(|| {
            series.with(|all| nice_ceiling(all.iter().map(|(_, s)| s.max()).fold(0.0, f64::max)))
        })
    };
    view! {
        <figure class="card chart" data-chart=title>
            <figcaption class="chart-head">
                <span class="chart-title">{title}</span>
                <span class="chart-values">
                    {move || series.get().into_iter().enumerate().map(|(i, (label, s))| view! {
                        <span class=format!("chart-value chart-series-{i}") data-testid="chart-value">
                            {if label.is_empty() { String::new() } else { format!("{label} ") }}
                            {s.last().map(format).unwrap_or_else(|| "—".into())}
                        </span>
                    }).collect_view()}
                </span>
            </figcaption>
            <svg class="chart-plot" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=title>
                <line class="chart-grid" x1="0" x2=WIDTH y1=HEIGHT / 2.0 y2=HEIGHT / 2.0/>
                {move || {
                    let top = top();
                    series.get().into_iter().enumerate().map(|(i, (_, s))| {
                        let points = polyline(&s, WIDTH, HEIGHT, top);
                        let area = if i == 0 && !points.is_empty() {
                            let first_x = points.split(',').next().unwrap_or("0").to_owned();
                            Some(format!("{first_x},{HEIGHT} {points} {WIDTH},{HEIGHT}"))
                        } else {
                            None
                        };
                        view! {
                            {area.map(|a| view! { <polygon class="chart-area" points=a/> })}
                            <polyline class=format!("chart-line chart-series-{i}") points=points/>
                        }
                    }).collect_view()
                }}
            </svg>
            <div class="chart-foot">
                <span class="chart-scale muted">{move || format!("max {}", format(top()))}</span>
                {children.map(|note| note())}
            </div>
        </figure>
    }
}
