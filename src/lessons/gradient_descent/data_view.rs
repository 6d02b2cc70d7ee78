//! "Your own data": paste or upload (x, y) pairs as CSV. Bad lines are listed by number and
//! skipped; if no line can be read, the current data stay as they are.

use leptos::prelude::*;
use crate::ui::files::read_chosen_file;

use super::csv::parse;
use super::regression::Point;

#[component]
pub fn OwnData(#[prop(into)] on_points: Callback<Vec<Point>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // (read how many, problems, whether the data were replaced)
    let report = RwSignal::new(None::<(usize, Vec<String>, bool)>);

    let apply = move |source: String| {
        let parsed = parse(&source);
        let used = !parsed.points.is_empty();
        let count = parsed.points.len();
        if used {
            on_points.run(parsed.points);
        }
        report.set(Some((count, parsed.problems, used)));
    };

    let load_file = move |ev: leptos::ev::Event| {
        read_chosen_file(&ev, move |bytes, name| match bytes {
            Ok(bytes) => {
                // As the browser's own `File.text()` decodes: UTF-8, a leading byte-order mark dropped.
                let contents = String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string();
                text.set(contents.clone());
                apply(contents);
            }
            Err(()) => report.set(Some((0, vec![format!("Could not read {name}.")], false))),
        });
    };

    view! {
        <details class="panel gd-own-data" data-testid="gd-own-data">
            <summary><strong>"Use your own data (CSV)"</strong></summary>
            <p class="muted">"One point a line: x and y separated by a comma (a header line like “x,y” is fine). Up to 200 points."</p>
            <textarea data-testid="gd-csv" aria-label="Your points, one x,y pair a line" rows="6" placeholder="x,y\n1,2.1\n2,2.9\n3,4.2"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="button-row">
                <button class="primary" data-testid="gd-csv-use" on:click=move |_| apply(text.get_untracked())>"Use these points"</button>
                <label class="file-button">
                    "or upload a .csv file "
                    <input type="file" accept=".csv,.txt,text/csv,text/plain" data-testid="gd-csv-file" on:change=load_file/>
                </label>
            </div>
            {move || report.get().map(|(count, problems, used)| view! {
                <div data-testid="gd-csv-report" role="status">
                    <p>{if used {
                        format!("Using {count} point{} from your data; the run starts again.", if count == 1 { "" } else { "s" })
                    } else {
                        "No line could be read as a point, so the current data are kept.".to_string()
                    }}</p>
                    {(!problems.is_empty()).then(|| view! {
                        <p class="notice">{format!("Skipped {} line{}:", problems.len(), if problems.len() == 1 { "" } else { "s" })}</p>
                        <ul class="gd-csv-problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    })}
                </div>
            })}
        </details>
    }
}
