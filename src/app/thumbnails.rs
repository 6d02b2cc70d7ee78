//! Small pictures for the lesson cards: inline SVG, so they stay sharp on a projector and
//! cost nothing to download. The moving parts are CSS animations (see `www/style.css`),
//! paused for learners who ask for reduced motion.

use leptos::prelude::*;

pub fn gradient_descent() -> AnyView {
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            <ellipse cx="92" cy="52" rx="64" ry="40" class="contour c1"/>
            <ellipse cx="92" cy="52" rx="44" ry="27" class="contour c2"/>
            <ellipse cx="92" cy="52" rx="24" ry="14" class="contour c3"/>
            <ellipse cx="92" cy="52" rx="8" ry="4" class="contour c4"/>
            <polyline points="34,20 56,80 68,30 80,70 87,42 90,58 92,52" class="path"/>
            <circle cx="92" cy="52" r="3.5" class="dot moving-dot"/>
        </svg>
    }
    .into_any()
}

pub fn information() -> AnyView {
    let p = [0.42, 0.26, 0.18, 0.09, 0.05];
    let q = [0.2, 0.2, 0.2, 0.2, 0.2];
    let bars = move |values: [f64; 5], offset: f64, class: &'static str| {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let height = v * 170.0;
                view! {
                    <rect x={14.0 + i as f64 * 28.0 + offset} y={90.0 - height} width="11" height=height class=class/>
                }
            })
            .collect_view()
    };
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            {bars(p, 0.0, "bar-p")}
            {bars(q, 12.0, "bar-q")}
            <line x1="8" y1="90" x2="152" y2="90" class="axis"/>
        </svg>
    }
    .into_any()
}

pub fn functions() -> AnyView {
    // Sigmoid and ReLU sampled on x in [-6, 6].
    let sigmoid: String = (0..=48)
        .map(|i| {
            let x = -6.0 + i as f64 * 0.25;
            format!("{:.1},{:.1} ", 20.0 + i as f64 * 2.5, 85.0 - 70.0 / (1.0 + (-x).exp()))
        })
        .collect();
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            <line x1="20" y1="85" x2="140" y2="85" class="axis"/>
            <line x1="80" y1="10" x2="80" y2="90" class="axis"/>
            <polyline points=sigmoid class="curve-a"/>
            <polyline points="20,85 80,85 135,15" class="curve-b"/>
        </svg>
    }
    .into_any()
}

pub fn mnist() -> AnyView {
    // A hand-drawn 7 on a 10×10 grid of pixels.
    const SEVEN: [&str; 10] = [
        "..........", ".#######..", ".########.", "......##..", ".....##...",
        ".....##...", "....##....", "...##.....", "...##.....", "..........",
    ];
    let pixels = SEVEN
        .iter()
        .enumerate()
        .flat_map(|(row, line)| {
            line.chars().enumerate().filter(|(_, c)| *c == '#').map(move |(col, _)| {
                view! { <rect x={10 + col * 8} y={10 + row * 8} width="7" height="7" class="pixel"/> }
            })
        })
        .collect_view();
    let bars = (0..10)
        .map(|digit| {
            let height = if digit == 7 { 62.0 } else { 3.0 + (digit * 7 % 5) as f64 };
            let class = if digit == 7 { "bar-p" } else { "bar-q" };
            view! { <rect x={100 + digit * 5} y={88.0 - height} width="4" height=height class=class/> }
        })
        .collect_view();
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            {pixels}
            {bars}
            <text x="130" y="22" class="thumb-label">"7"</text>
        </svg>
    }
    .into_any()
}

pub fn gan() -> AnyView {
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            <rect x="8" y="30" width="40" height="40" rx="6" class="box-g"/>
            <text x="28" y="55" class="thumb-label centred">"G"</text>
            <rect x="112" y="30" width="40" height="40" rx="6" class="box-d"/>
            <text x="132" y="55" class="thumb-label centred">"D"</text>
            <line x1="50" y1="50" x2="108" y2="50" class="arrow"/>
            <circle cx="79" cy="50" r="7" class="dot moving-dot-x"/>
        </svg>
    }
    .into_any()
}

/// A digit's pixels, a 3 × 3 window sliding over them, and the feature map it fills.
pub fn cnn() -> AnyView {
    // A rough "7" on a 7 × 7 grid of 10-unit cells.
    let ink = ["1111110", "0000110", "0000100", "0001100", "0001000", "0011000", "0010000"];
    let pixels = ink
        .iter()
        .enumerate()
        .flat_map(|(row, line)| line.chars().enumerate().filter(|&(_, c)| c == '1').map(move |(col, _)| (row, col)))
        .map(|(row, col)| view! { <rect x=10.0 + col as f64 * 10.0 y=15.0 + row as f64 * 10.0 width="9" height="9" class="pixel"/> })
        .collect_view();
    let map = (0..25)
        .map(|i| {
            let on = [1, 2, 3, 8, 12, 16, 20].contains(&i);
            view! { <rect x=112.0 + (i % 5) as f64 * 8.0 y=30.0 + (i / 5) as f64 * 8.0 width="7" height="7" class=if on { "box-d" } else { "cnn-off" }/> }
        })
        .collect_view();
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            {pixels}
            <rect x="38" y="23" width="31" height="31" class="cnn-window moving-dot-x"/>
            <line x1="84" y1="50" x2="106" y2="50" class="arrow"/>
            {map}
        </svg>
    }
    .into_any()
}

/// Codes clustered by digit on a plane, and one decoded point.
pub fn vae() -> AnyView {
    let clusters = [(40.0, 35.0, "vae-c0"), (70.0, 62.0, "vae-c1"), (100.0, 32.0, "vae-c2"), (122.0, 66.0, "vae-c3")];
    let dots = clusters
        .iter()
        .flat_map(|&(x, y, class)| {
            [(-6.0, -4.0), (5.0, -6.0), (-3.0, 6.0), (7.0, 4.0), (0.0, 0.0)].map(move |(dx, dy)| view! { <circle cx=x + dx cy=y + dy r="3.2" class=class/> })
        })
        .collect_view();
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            <line x1="10" y1="88" x2="150" y2="88" class="axis"/>
            <line x1="14" y1="92" x2="14" y2="10" class="axis"/>
            {dots}
            <circle cx="85" cy="48" r="8" class="dot moving-dot-x"/>
        </svg>
    }
    .into_any()
}

pub fn text() -> AnyView {
    let words = [("a", "word-n"), ("truly", "word-p"), ("wonderful", "word-pp"), ("film,", "word-n"), ("but", "word-m"), ("too", "word-m"), ("long", "word-mm")];
    let mut x = 8.0;
    let mut y = 38.0;
    let spans = words
        .iter()
        .map(|(word, class)| {
            let width = word.len() as f64 * 7.0 + 6.0;
            if x + width > 155.0 {
                x = 8.0;
                y += 30.0;
            }
            let (rx, ry) = (x, y);
            x += width + 4.0;
            view! {
                <rect x=rx y={ry - 15.0} width=width height="21" rx="4" class=*class/>
                <text x={rx + 3.0} y=ry class="thumb-word">{*word}</text>
            }
        })
        .collect_view();
    view! { <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">{spans}</svg> }.into_any()
}

pub fn lab() -> AnyView {
    view! {
        <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">
            <rect x="20" y="20" width="110" height="16" rx="3" class="bar-p grow"/>
            <text x="8" y="32" class="thumb-label small">"G"</text>
            <rect x="20" y="50" width="70" height="16" rx="3" class="bar-q grow"/>
            <text x="8" y="62" class="thumb-label small">"C"</text>
            <line x1="20" y1="80" x2="150" y2="80" class="axis"/>
        </svg>
    }
    .into_any()
}

/// A causal attention map: each row reads only the characters up to its own, darker where it
/// looks more.
pub fn gpt() -> AnyView {
    let letters = ['t', 'h', 'e', ' ', 's'];
    let cells = (0..5)
        .flat_map(|i| (0..=i).map(move |j| (i, j)))
        .map(|(i, j)| {
            let share = if j + 1 == i || (i == 0 && j == 0) { 0.95 } else if j == i { 0.5 } else { 0.18 };
            view! { <rect x={40.0 + j as f64 * 16.0} y={12.0 + i as f64 * 16.0} width="15" height="15" rx="2" class="bar-p" opacity=share/> }
        })
        .collect_view();
    let labels = letters
        .iter()
        .enumerate()
        .map(|(i, c)| view! { <text x="28" y={24.0 + i as f64 * 16.0} class="thumb-label small">{c.to_string()}</text> })
        .collect_view();
    view! { <svg viewBox="0 0 160 100" class="thumb" aria-hidden="true">{labels}{cells}</svg> }.into_any()
}
