//! The `/information` page: two distributions edited by dragging bars or typing, the five
//! measures live, the identity with numbers, a term-by-term table stepped through row by row,
//! and a softmax demo linking cross-entropy to the classification loss.

use leptos::prelude::*;

use crate::ui::PageIntro;

use super::editor_view::{DistributionsPanel, Typed};
use super::measures_view::MeasuresPanel;
use super::terms_view::TermsPanel;
use super::*;
use crate::catalog::title_of;
use crate::ui::host_api::{serve_link_state, Command};
use crate::lessons::shared::url_state::LinkState;
use crate::ui::share::{follow_keys_in_address, opening_state, LinkNotes, Share};

#[component]
pub fn InformationPage() -> impl IntoView {
    // The link's state, if it has one; every value it had to change is listed on the page.
    let (opened, mut link_notes) = opening_state::<InformationState>();
    // The two-Gaussians section keeps its own keys (`g…`) in the same address.
    let (gaussians_opened, gaussians_notes) = opening_state::<gaussians::GaussiansState>();
    link_notes.extend(gaussians_notes);
    let gaussians = RwSignal::new(gaussians_opened);
    let gaussians_query = Signal::derive(move || gaussians.with(|g| g.to_query()));
    follow_keys_in_address(Some(gaussians::KEYS), gaussians_query);
    let typed = Typed::new(&opened);
    let state = RwSignal::new(opened);
    // An author's page can drive an embedded copy (ui/host_api.rs): `set` takes the
    // link's keys, `step` adds the next row of the term table, `reset` goes back to the start.
    let query = serve_link_state(
        "entropy",
        state,
        Some(InformationState::KEYS),
        move |command| match command {
            Command::Set(_) | Command::Reset => {
                state.with_untracked(|s| typed.show(s));
                Vec::new()
            }
            Command::Step => {
                state.update(|s| s.step_row = (s.step_row + 1).min(s.k));
                Vec::new()
            }
            Command::Play | Command::Pause => {
                vec!["This lesson has nothing to play; step adds the next row of the term table.".into()]
            }
        },
        move || {
            state.with(|s| {
                let u = s.units;
                serde_json::json!({
                    "entropy_p": entropy(&s.p, u),
                    "entropy_q": entropy(&s.q, u),
                    "cross_entropy": cross_entropy(&s.p, &s.q, u),
                    "kl_pq": kl(&s.p, &s.q, u),
                    "kl_qp": kl(&s.q, &s.p, u),
                    "rows_added": s.step_row.min(s.k),
                })
            })
        },
    );

    view! {
        <article class="lesson information staged" data-testid="lesson-information">
            <PageIntro title=title_of("information", None)>
                "How surprised are you, on average, by outcomes drawn from P? That is the entropy H(P). "
                "If you expect Q while the world follows P, you are surprised more: the cross-entropy H(P, Q). "
                "The extra surprise is the KL divergence. Drag the bars or type the probabilities and watch every number follow."
            </PageIntro>
            <LinkNotes notes=link_notes/>
            <Share slug="information" query=Signal::derive(move || {
                [query.get(), gaussians_query.get()].into_iter().filter(|q| !q.is_empty()).collect::<Vec<_>>().join("&")
            })/>

            <DistributionsPanel state typed/>

            <MeasuresPanel state/>

            <TermsPanel state/>

            <super::softmax_view::SoftmaxPanel state/>

            <super::gaussians_view::GaussiansPanel state=gaussians/>
        </article>
    }
}
