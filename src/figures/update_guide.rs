//! The practitioners' guide for the update ratio ||update|| / ||W||: about
//! 1e-3 a step is a healthy learning rate. Drawn on the gradient bars when
//! they show the update ratio (`build`) and on the lines over time
//! (`flow`), which both import it from here.

use crate::lang::Lang;

use super::model::{Figure, Marker, Orientation, Rgb};

/// The rule of thumb for a healthy learning rate: each step moves a
/// layer's weights by about a thousandth of their size.
pub const HEALTHY_UPDATE_RATIO: f64 = 1e-3;

/// The guide at 1e-3 on a figure of update ratios.
pub fn healthy_guide(lang: Lang) -> Marker {
    Marker {
        label: lang
            .pick("1e-3: a healthy step", "1e-3: un passo sano")
            .into(),
        color: Rgb(90, 90, 90),
        orientation: Orientation::Horizontal,
        value: HEALTHY_UPDATE_RATIO,
        dashed: true,
    }
}

/// The gradient bars' frame when they show ||update|| / ||W|| (the bars
/// are `build::gradient_bars` with `GradientMeasure::UpdateRatio`): their
/// id, title and the guide at 1e-3.
pub fn update_ratio_frame(figure: &mut Figure, lang: Lang) {
    figure.id = "update_ratio_bars".into();
    figure.title = lang
        .pick(
            "Update ratio per layer",
            "Rapporto di aggiornamento per livello",
        )
        .into();
    figure.markers.push(healthy_guide(lang));
}
