//! The CNN lesson's link: the Digits lesson's keys (`conv`, `h`, `act`, `opt`, `lr`, `bs`,
//! `seed`), written against this page's defaults, LeNet's blocks, so that `/cnn` with no query
//! is LeNet and `/cnn?conv=none&h=500` is the Digits lesson's network.

use crate::lessons::mnist::link::{query_against, settings_from, KEYS};
use crate::lessons::mnist::Settings;
use crate::lessons::shared::url_state::LinkState;

#[derive(Clone, Debug, PartialEq)]
pub struct CnnLink(pub Settings);

impl Default for CnnLink {
    fn default() -> Self {
        CnnLink(Settings::lenet())
    }
}

impl LinkState for CnnLink {
    const KEYS: &'static [&'static str] = KEYS;

    fn to_query(&self) -> String {
        query_against(&self.0, &Settings::lenet())
    }

    fn from_query(search: &str) -> (Self, Vec<String>) {
        let (settings, notes) = settings_from(search, Settings::lenet());
        (CnnLink(settings), notes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::mnist::ConvBlock;

    #[test]
    fn the_empty_link_is_lenet_and_changes_read_back() {
        assert_eq!(CnnLink::from_query(""), (CnnLink::default(), vec![]));
        assert_eq!(CnnLink::default().to_query(), "");
        let wider = CnnLink(Settings { convolutions: vec![ConvBlock { size: 3, filters: 16, pool: 2 }], learning_rate: 0.003, ..Settings::lenet() });
        assert_eq!(wider.to_query(), "conv=3x16+pool+2&lr=0.003");
        assert_eq!(CnnLink::from_query(&wider.to_query()), (wider, vec![]));
        // The Digits lesson's network, on this page.
        let (mlp, notes) = CnnLink::from_query("conv=none&h=500");
        assert_eq!((mlp.0, notes), (Settings::default(), vec![]));
    }
}
