//! The settings panel's two widgets: a labelled row, and a choice among
//! named values.

/// A labelled row; the label names the widget for screen readers and tests.
pub fn row(
    ui: &mut egui::Ui,
    label: &str,
    add: impl FnOnce(&mut egui::Ui) -> egui::Response,
) -> egui::Response {
    ui.horizontal(|ui| {
        let name = ui.label(label);
        add(ui).labelled_by(name.id)
    })
    .inner
}

pub fn choice<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    id: &str,
    value: &mut T,
    all: &[T],
    name: fn(T) -> &'static str,
) -> egui::Response {
    let mut response = egui::ComboBox::from_id_salt(id)
        .selected_text(name(*value))
        .show_ui(ui, |ui| {
            for &option in all {
                ui.selectable_value(value, option, name(option));
            }
        })
        .response;
    // The combo box reports a change through its value, not its response.
    response.mark_changed();
    response
}
