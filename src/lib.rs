//! gradscope: watch vanishing and exploding gradients, and residual
//! connections fixing them, while a network trains.
//!
//! - [`nn`]: the network core (ndarray, backprop by hand, telemetry).
//! - [`model_file`]: safetensors model files, PyTorch-compatible.
//! - [`batch_file`]: CSV batches for `gradscope grads`.
//! - [`files`]: atomic file writes.
//! - [`cli`]: the command line (headless commands).
//! - [`app`]: the desktop window.

pub mod app;
pub mod batch_file;
pub mod cli;
pub mod files;
pub mod model_file;
pub mod nn;
