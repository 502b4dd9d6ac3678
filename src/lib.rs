//! gradscope: watch vanishing and exploding gradients, and residual
//! connections fixing them, while a network trains.
//!
//! - [`nn`]: the network core (ndarray, backprop by hand, telemetry).
//! - [`model_file`]: safetensors model files, PyTorch-compatible.
//! - [`batch_file`]: CSV batches for `gradscope grads`.
//! - [`table_file`]: the teacher's own table, from a CSV file.
//! - [`figures`]: one model per plot, and its PNG, SVG and CSV exporters.
//! - [`files`]: atomic file writes.
//! - [`lang`]: English and Italian.
//! - [`explain`]: every error message of the library, in both languages
//!   (the edge: only the window and the command line use it).
//! - [`lessons`]: the embedded lessons, one per claim of the slides.
//! - [`train`]: the trainer thread, bounded history, depth sweeps.
//! - [`handout`]: the lesson handout, one self-contained HTML page.
//! - [`headless`]: `run` and `sweep` into a folder of files.
//! - [`cli`]: the command line (headless commands).
//! - [`app`]: the desktop window.

pub mod app;
pub mod batch_file;
pub mod cli;
mod csv_records;
pub mod explain;
pub mod figures;
pub mod files;
pub mod handout;
pub mod headless;
pub mod lang;
pub mod lessons;
pub mod model_file;
pub mod nn;
pub mod session;
pub mod table_file;
pub mod train;
