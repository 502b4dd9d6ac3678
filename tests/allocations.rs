//! A training step reuses its buffers: every array of the forward and
//! backward passes, the statistics and the optimiser state is made once.
//! The one exception is not ours: the `gemm` crate allocates its packing
//! scratch inside each matrix product (one or two blocks, freed before it
//! returns). So a steady-state step makes the same, small number of
//! allocations every time, never more than two per product.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gradscope::nn::{Activation, Config, OptimizerKind, Run, Skip};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator,
// which upholds GlobalAlloc's contract; counting has no effect on it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn steady_state_steps_allocate_only_inside_matrix_products() {
    for (activation, optimizer, skip) in [
        (Activation::Sigmoid, OptimizerKind::Sgd, Skip::Off),
        (Activation::Relu, OptimizerKind::Adam, Skip::Identity),
        (Activation::Tanh, OptimizerKind::Momentum, Skip::Slides),
    ] {
        let mut run = Run::new(Config {
            depth: 9,
            width: 48,
            batch: 64,
            activation,
            optimizer,
            skip,
            clip: Some(1.0),
            ..Config::default()
        })
        .unwrap();
        // The first step creates the optimiser state.
        run.step();
        let counts: Vec<usize> = (0..50)
            .map(|_| {
                let before = ALLOCATIONS.load(Ordering::Relaxed);
                run.step();
                ALLOCATIONS.load(Ordering::Relaxed) - before
            })
            .collect();
        // Forward: one product per layer; backward: dW for every layer and
        // dL/da for every layer but the first.
        let products = 3 * (run.mlp.depth() + 1) - 1;
        assert!(
            counts.iter().all(|&c| c == counts[0] && c <= 2 * products),
            "{activation}/{optimizer}/{skip}: allocations per step {counts:?} for {products} products"
        );
    }
}
