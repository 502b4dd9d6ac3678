//! The tabs' state, one field per tab, and the tab a `View` names.

use super::backprop::BackpropView;
use super::deeper::DeeperView;
use super::landscape::LandscapeView;
use super::live::LiveView;
use super::tab::{Tab, View};

/// The three tabs' state.
pub struct Tabs {
    pub live: LiveView,
    pub backprop: BackpropView,
    pub deeper: DeeperView,
    pub landscape: LandscapeView,
}

impl Tabs {
    pub fn get(&mut self, view: View) -> &mut dyn Tab {
        match view {
            View::Live => &mut self.live,
            View::Backprop => &mut self.backprop,
            View::Deeper => &mut self.deeper,
            View::Landscape => &mut self.landscape,
        }
    }
}
