//! The gradient highway: the split of dL/da at each residual block's input
//! into the skip's term and the branch's, checked against the two terms
//! computed independently from the forward pass's values.

use gradscope::nn::mlp::block_layers;
use gradscope::nn::{Activation, Config, Run, Skip, Workspace};
use ndarray::Array2;

/// dL/da of every hidden layer's output, recomputed from the workspace of
/// a finished step: (skip term, branch term) at block k's input.
fn terms(run: &Run, k: usize) -> (Array2<f32>, Array2<f32>) {
    let ws: &Workspace = run.workspace();
    let mlp = &run.mlp;
    let (first, second) = block_layers(k);
    // delta of the block's layers (ws.grad holds delta = dL/dpre).
    let delta_first = &ws.grad[first];
    let delta_second = &ws.grad[second];
    let branch = delta_first.dot(&mlp.layers[first].weight);
    let skip = if !mlp.skips()[k] {
        Array2::zeros(branch.dim())
    } else if mlp.style() == gradscope::nn::SkipStyle::Slides {
        // pre = z + a_in: the skip gets delta itself.
        delta_second.clone()
    } else {
        // a_out = g(z) + a_in: the skip gets dL/da_out = delta / g'.
        let mut upstream = delta_second.clone();
        upstream.zip_mut_with(&ws.slope[second], |d, &s| *d /= s);
        upstream
    };
    (skip, branch)
}

fn norm(a: &Array2<f32>) -> f32 {
    a.iter().map(|v| v * v).sum::<f32>().sqrt()
}

#[test]
fn skip_and_branch_terms_are_the_two_parts_of_the_gradient() {
    for skip in [Skip::Identity, Skip::Slides, Skip::Off] {
        let mut run = Run::new(Config {
            depth: 7,
            width: 8,
            activation: Activation::Tanh,
            skip,
            samples: 100,
            batch: 16,
            ..Config::default()
        })
        .unwrap();
        // Mixed skips: block 1 off.
        if skip != Skip::Off {
            run.mlp.set_skip(1, false);
        }
        for _ in 0..5 {
            run.step();
        }
        // Measured without the update, so the weights are the pass's.
        let stats = run.measure().clone();
        assert_eq!(stats.blocks.len(), 3);
        for (k, flow) in stats.blocks.iter().enumerate() {
            let (skip_term, branch_term) = terms(&run, k);
            let tol = |v: f32| 1e-3 * v.max(1e-6);
            assert!(
                (flow.skip - norm(&skip_term)).abs() <= tol(norm(&skip_term)),
                "{skip} block {k}: skip {} vs {}",
                flow.skip,
                norm(&skip_term)
            );
            assert!(
                (flow.branch - norm(&branch_term)).abs() <= tol(norm(&branch_term)),
                "{skip} block {k}: branch {} vs {}",
                flow.branch,
                norm(&branch_term)
            );
            // Together they are dL/da at the block's input: what the layer
            // before the block receives (delta / g' of that layer).
            let (first, _) = block_layers(k);
            let ws = run.workspace();
            let mut full = ws.grad[first - 1].clone();
            full.zip_mut_with(&ws.slope[first - 1], |d, &s| *d /= s);
            let sum = &skip_term + &branch_term;
            let off = norm(&(&full - &sum));
            assert!(off <= 1e-3 * norm(&full), "{skip} block {k}: {off}");
            if !run.mlp.skips()[k] {
                assert_eq!(flow.skip, 0.0, "{skip} block {k}");
            }
        }
        if skip == Skip::Identity {
            // The identity path carries the output's gradient: the skip
            // term is a block's upstream gradient itself.
            assert!(stats.blocks[0].skip > 0.0);
        }
    }
}
