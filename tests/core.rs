//! The network core: the slide's worked example, determinism, residual
//! identities, configuration validation, telemetry and divergence.

use gradscope::explain::Explain;

use gradscope::lang::Lang;
use gradscope::nn::mlp::block_layers;
use gradscope::nn::textbook::{PARAM_NAMES, Textbook};
use gradscope::nn::{
    Activation, BranchInit, Config, Init, Mlp, OptimizerKind, Phase, Run, Shape, Skip, SkipStyle,
    Workspace,
};
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn textbook_example_matches_the_hand_derivation() {
    // Derived by hand from the slide, term by term.
    let (i1, i2, t1, t2) = (0.05, 0.10, 0.01, 0.99);
    let (w1, w2, w3, w4, w5, w6, w7, w8, b1, b2) =
        (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55, 0.35, 0.60);
    let net_h1 = w1 * i1 + w2 * i2 + b1; // 0.3775
    let out_h1 = sigmoid(net_h1);
    let net_h2 = w3 * i1 + w4 * i2 + b1; // 0.3925
    let out_h2 = sigmoid(net_h2);
    let net_o1 = w5 * out_h1 + w6 * out_h2 + b2;
    let out_o1 = sigmoid(net_o1);
    let net_o2 = w7 * out_h1 + w8 * out_h2 + b2;
    let out_o2 = sigmoid(net_o2);
    let e_total = 0.5 * (t1 - out_o1).powi(2) + 0.5 * (t2 - out_o2).powi(2);
    // dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5.
    let d_o1 = (out_o1 - t1) * out_o1 * (1.0 - out_o1);
    let d_o2 = (out_o2 - t2) * out_o2 * (1.0 - out_o2);
    let d_h1 = (d_o1 * w5 + d_o2 * w7) * out_h1 * (1.0 - out_h1);
    let d_h2 = (d_o1 * w6 + d_o2 * w8) * out_h2 * (1.0 - out_h2);
    let hand = [
        d_h1 * i1,
        d_h1 * i2,
        d_h2 * i1,
        d_h2 * i2,
        d_o1 * out_h1,
        d_o1 * out_h2,
        d_o2 * out_h1,
        d_o2 * out_h2,
        d_h1 + d_h2,
        d_o1 + d_o2,
    ];

    let tb = Textbook::default();
    let f = tb.forward();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
    assert!(
        close(f.net_h1, net_h1)
            && close(f.out_h1, out_h1)
            && close(f.net_h2, net_h2)
            && close(f.out_h2, out_h2)
    );
    assert!(
        close(f.net_o1, net_o1)
            && close(f.out_o1, out_o1)
            && close(f.net_o2, net_o2)
            && close(f.out_o2, out_o2)
    );
    assert!(close(f.e_total, e_total));
    let b = tb.backward(&f);
    for (i, (got, want)) in b.gradients.iter().zip(hand).enumerate() {
        assert!(close(*got, want), "{}: {got} vs {want}", PARAM_NAMES[i]);
    }
    // The published figures of this example (9 significant digits).
    assert!((f.out_o1 - 0.751365070).abs() < 1e-9);
    assert!((f.out_o2 - 0.772928465).abs() < 1e-9);
    assert!((f.e_total - 0.298371109).abs() < 1e-9);
    assert!((b.gradients[4] - 0.082167041).abs() < 1e-9);

    // Chain-rule factors multiply to the gradient, for every parameter.
    for (i, want) in hand.iter().enumerate() {
        let chain = tb.chain(i).unwrap();
        let product: f64 = chain
            .terms
            .iter()
            .map(|t| t.iter().map(|(_, v)| v).product::<f64>())
            .sum();
        assert!(close(product, chain.gradient), "{}", chain.param);
        assert!(close(chain.gradient, *want));
    }

    // One step at lr 0.5: the slide's updated weights; biases fixed.
    let mut stepped = tb.clone();
    stepped.step(false);
    let want = [
        0.149780716,
        0.19956143,
        0.24975114,
        0.29950229,
        0.35891648,
        0.408666186,
        0.511301270,
        0.561370121,
    ];
    for (i, w) in want.iter().enumerate() {
        assert!(
            (stepped.params[i] - w).abs() < 1e-8,
            "{}: {}",
            PARAM_NAMES[i],
            stepped.params[i]
        );
        assert!(close(stepped.params[i], tb.params[i] - 0.5 * hand[i]));
    }
    assert_eq!(&stepped.params[8..], &tb.params[8..]);
    let mut with_biases = tb.clone();
    with_biases.step(true);
    assert!(close(with_biases.params[9], 0.60 - 0.5 * hand[9]));

    // Training keeps lowering the error.
    let errors = tb.clone().train(10_000, false);
    assert!(errors.windows(2).all(|w| w[1] < w[0]));
    // The published figure after 10,000 steps is 0.0000351085.
    assert!(
        (errors[9_999] - 3.51085e-5).abs() < 2e-8,
        "{}",
        errors[9_999]
    );
}

fn small_config() -> Config {
    Config {
        depth: 6,
        width: 16,
        batch: 32,
        samples: 200,
        ..Config::default()
    }
}

#[test]
fn same_seed_same_bits_other_seed_other_run() {
    for (activation, optimizer, skip) in [
        (Activation::Sigmoid, OptimizerKind::Adam, Skip::Off),
        (Activation::Relu, OptimizerKind::Momentum, Skip::Identity),
        (Activation::Tanh, OptimizerKind::Sgd, Skip::Slides),
    ] {
        let config = Config {
            activation,
            optimizer,
            skip,
            learning_rate: 0.01,
            clip: Some(1.0),
            ..small_config()
        };
        let losses = |config: &Config| {
            let mut run = Run::new(config.clone()).unwrap();
            let losses: Vec<u64> = (0..60).map(|_| run.step().loss.to_bits()).collect();
            (losses, run.mlp)
        };
        let (a, mlp_a) = losses(&config);
        let (b, mlp_b) = losses(&config);
        assert_eq!(a, b);
        assert_eq!(mlp_a, mlp_b);
        let (c, _) = losses(&Config {
            seed: 2,
            ..config.clone()
        });
        assert_ne!(a, c);
    }
}

#[test]
fn measuring_shows_the_next_step_and_changes_nothing() {
    // samples 200 and batch 32: an epoch ends after 6 batches, so the
    // measurements cross reshuffles too.
    let config = small_config();
    let mut plain = Run::new(config.clone()).unwrap();
    let mut measured = Run::new(config).unwrap();
    for step in 0..20 {
        let peek = measured.measure().clone();
        assert_eq!(peek.step, step);
        let taken = measured.step().clone();
        // The same batch and weights: the same loss and gradients, bit for bit.
        assert_eq!(peek.loss.to_bits(), taken.loss.to_bits(), "step {step}");
        for (a, b) in peek.layers.iter().zip(&taken.layers) {
            assert_eq!(a.grad_weight_norm.to_bits(), b.grad_weight_norm.to_bits());
        }
        assert_eq!(
            plain.step().loss.to_bits(),
            taken.loss.to_bits(),
            "measuring changed step {step}"
        );
    }
    assert_eq!(plain.mlp, measured.mlp);
    assert_eq!(plain.steps_done(), measured.steps_done());
}

#[test]
fn twins_start_identical_whatever_their_skips() {
    let plain = Run::new(Config {
        skip: Skip::Off,
        ..small_config()
    })
    .unwrap();
    let residual = Run::new(Config {
        skip: Skip::Identity,
        ..small_config()
    })
    .unwrap();
    assert_eq!(plain.mlp.layers, residual.mlp.layers);
    assert_eq!(plain.data, residual.data);
}

#[test]
fn identity_block_with_zero_branch_is_the_identity() {
    for activation in [Activation::Tanh, Activation::Relu, Activation::LeakyRelu] {
        let shape = Shape {
            inputs: 2,
            depth: 5,
            width: 8,
            outputs: 3,
        };
        let mut rng = StdRng::seed_from_u64(4);
        let mlp = Mlp::new(
            shape,
            activation,
            Init::He,
            1.0,
            Skip::Identity,
            BranchInit::Zero,
            &mut rng,
        );
        let x = Array2::from_shape_fn((10, 2), |(i, j)| (i as f32 - 4.5) * 0.3 + j as f32);
        let mut ws = Workspace::new(&shape, 10);
        mlp.forward(x.view(), &mut ws);
        // Blocks (1,2) and (3,4): each block's output equals its input, bit for bit.
        for k in 0..2 {
            let (_, second) = block_layers(k);
            assert_eq!(
                ws.act[second],
                ws.act[second - 2],
                "{activation}, block {k}"
            );
        }
        // The same block without its skip is not the identity (it outputs g(0)).
        let mut plain = mlp.clone();
        plain.set_all_skips(false);
        plain.forward(x.view(), &mut ws);
        assert_ne!(ws.act[2], ws.act[0]);
    }
    // The slides' style with ReLU and non-negative inputs: g(0 + a) = a.
    let shape = Shape {
        inputs: 2,
        depth: 3,
        width: 8,
        outputs: 3,
    };
    let mut rng = StdRng::seed_from_u64(5);
    let mut mlp = Mlp::new(
        shape,
        Activation::Relu,
        Init::He,
        1.0,
        Skip::Slides,
        BranchInit::Zero,
        &mut rng,
    );
    mlp.set_skip_style(SkipStyle::Slides);
    let x = Array2::from_shape_fn((6, 2), |(i, j)| i as f32 - 2.0 + j as f32);
    let mut ws = Workspace::new(&shape, 6);
    mlp.forward(x.view(), &mut ws);
    assert_eq!(ws.act[2], ws.act[0]);
}

#[test]
fn skips_toggle_between_steps_without_touching_weights() {
    let mut run = Run::new(Config {
        skip: Skip::Off,
        ..small_config()
    })
    .unwrap();
    run.step();
    let before = run.mlp.layers.clone();
    assert!(run.set_skip(1, true));
    assert!(!run.set_skip(99, true));
    assert_eq!(run.mlp.skips(), [false, true]);
    assert_eq!(run.mlp.skip(), Skip::Identity);
    run.set_skip_style(SkipStyle::Slides);
    assert_eq!(run.mlp.skip(), Skip::Slides);
    assert_eq!(run.mlp.layers, before);
    run.set_all_skips(false);
    assert_eq!(run.mlp.skip(), Skip::Off);
    assert!(run.zero_branch(0));
    assert!(run.mlp.layers[2].weight.iter().all(|&w| w == 0.0));
}

#[test]
fn toggling_flips_one_skip_or_all_of_them_by_one_rule() {
    let mut run = Run::new(Config {
        skip: Skip::Off,
        ..small_config()
    })
    .unwrap();
    assert_eq!(run.mlp.toggle_skip(1), Some(true));
    assert_eq!(run.mlp.skips(), [false, true]);
    assert_eq!(run.mlp.toggle_skip(99), None);
    // Any skip on: "toggle all" switches every one off, then all on.
    assert!(!run.mlp.toggle_all_skips());
    assert_eq!(run.mlp.skips(), [false, false]);
    assert!(run.mlp.toggle_all_skips());
    assert_eq!(run.mlp.skips(), [true, true]);
    assert_eq!(run.mlp.toggle_skip(0), Some(false));
    assert_eq!(run.mlp.skips(), [false, true]);
}

#[test]
fn telemetry_shows_vanishing_gradients_in_a_deep_sigmoid_net() {
    let config = Config {
        depth: 16,
        width: 32,
        activation: Activation::Sigmoid,
        init: Init::Lecun,
        ..Config::default()
    };
    let mut run = Run::new(config.clone()).unwrap();
    let stats = run.step().clone();
    assert_eq!(stats.layers.len(), 17);
    let first = stats.layers[0].grad_weight_norm;
    let last = stats.layers[16].grad_weight_norm;
    assert!(first > 0.0 && first / last < 1e-6, "ratio {}", first / last);
    // Every statistic is a finite, sensible number.
    for s in &stats.layers {
        assert!(
            s.grad_weight_norm.is_finite() && s.delta_rms.is_finite() && s.update_ratio.is_finite()
        );
        assert!((0.0..=1.0).contains(&s.saturated_or_dead));
    }
    // Sigmoid outputs lie in (0, 1).
    assert!(
        stats.layers[..16]
            .iter()
            .all(|s| (0.0..1.0).contains(&s.activation_mean))
    );
    // With identity skips, the first layer's gradient is orders of magnitude larger.
    let mut residual = Run::new(Config {
        skip: Skip::Identity,
        ..config
    })
    .unwrap();
    let r = residual.step();
    assert!(r.layers[0].grad_weight_norm / r.layers[16].grad_weight_norm > 1e3 * first / last);
}

#[test]
fn training_learns_the_spiral() {
    let mut run = Run::new(Config {
        depth: 3,
        width: 32,
        activation: Activation::Relu,
        init: Init::He,
        optimizer: OptimizerKind::Adam,
        learning_rate: 0.01,
        ..Config::default()
    })
    .unwrap();
    let start = run.evaluate(&run.data.train.clone()).loss;
    for _ in 0..1500 {
        run.step();
    }
    let end = run.evaluate(&run.data.train.clone());
    assert!(end.loss < 0.3 * start, "loss {start} -> {}", end.loss);
    assert!(end.accuracy > 0.85, "accuracy {}", end.accuracy);
    let test = run.evaluate(&run.data.test.clone());
    assert!(test.accuracy > 0.75, "test accuracy {}", test.accuracy);
}

#[test]
fn the_decision_grid_is_the_network_prediction_at_each_cell_centre() {
    let mut run = Run::new(Config {
        depth: 2,
        width: 16,
        activation: Activation::Relu,
        init: Init::He,
        dataset: gradscope::nn::Dataset::Gaussians,
        learning_rate: 0.05,
        ..Config::default()
    })
    .unwrap();
    for _ in 0..200 {
        run.step();
    }
    let grid = run.decision_grid(20, 100_000).unwrap();
    assert_eq!((grid.class.len(), grid.confidence.len()), (400, 400));
    assert_eq!(grid.points, run.data.train);
    assert_eq!(grid.step, 200);
    // The box holds every point.
    for row in run.data.train.x.rows() {
        assert!(grid.x_range.0 < row[0] && row[0] < grid.x_range.1);
        assert!(grid.y_range.0 < row[1] && row[1] < grid.y_range.1);
    }
    // Cell (column 3, row 7) by hand: its centre through the network.
    let cell = |(lo, hi): (f32, f32), i: usize| lo + (hi - lo) * (i as f32 + 0.5) / 20.0;
    let centre =
        Array2::from_shape_vec((1, 2), vec![cell(grid.x_range, 3), cell(grid.y_range, 7)]).unwrap();
    let out = run.mlp.predict(centre.view());
    let logits: Vec<f64> = out.iter().map(|&v| f64::from(v)).collect();
    let best = (0..logits.len()).fold(0, |b, i| if logits[i] > logits[b] { i } else { b });
    let p = 1.0 / logits.iter().map(|v| (v - logits[best]).exp()).sum::<f64>();
    assert_eq!(grid.class[7 * 20 + 3], best);
    assert!((f64::from(grid.confidence[7 * 20 + 3]) - p).abs() < 1e-5);
    // A trained network on separated blobs predicts every class somewhere,
    // and each probability is between chance and certainty.
    for k in 0..run.data.classes {
        assert!(grid.class.contains(&k), "class {k} never predicted");
    }
    let chance = 1.0 / run.data.classes as f32;
    assert!(
        grid.confidence
            .iter()
            .all(|&p| p >= chance - 1e-6 && p <= 1.0)
    );
}

#[test]
fn divergence_is_detected_with_step_layer_and_phase() {
    let mut run = Run::new(Config {
        depth: 8,
        width: 32,
        activation: Activation::Relu,
        init: Init::He,
        init_gain: 8.0,
        optimizer: OptimizerKind::Sgd,
        learning_rate: 1.0,
        ..Config::default()
    })
    .unwrap();
    for _ in 0..200 {
        run.step();
        if run.first_nonfinite().is_some() {
            break;
        }
    }
    let event = run.first_nonfinite().expect("gain 8 and lr 1 diverge");
    assert!(event.layer <= 8);
    assert!(matches!(event.phase, Phase::Forward | Phase::Backward));
    assert!(run.steps_done() > event.step);
    // Clipping keeps the same run finite.
    let mut clipped = Run::new(Config {
        clip: Some(1.0),
        learning_rate: 0.01,
        ..run.config().clone()
    })
    .unwrap();
    for _ in 0..200 {
        clipped.step();
    }
    assert_eq!(clipped.first_nonfinite(), None);
}

#[test]
fn histogram_counts_the_whole_batch() {
    let mut run = Run::new(small_config()).unwrap();
    run.step();
    let h = run.pre_activation_histogram(2, -8.0, 8.0, 40).unwrap();
    assert_eq!(h.total() as usize, 32 * 16);
    assert!(run.pre_activation_histogram(6, -1.0, 1.0, 4).is_none());
}

#[test]
fn every_invalid_field_has_its_own_error() {
    let base = Config::default();
    let cases: Vec<(&str, Config)> = vec![
        (
            "depth",
            Config {
                depth: 0,
                ..base.clone()
            },
        ),
        (
            "depth",
            Config {
                depth: 257,
                ..base.clone()
            },
        ),
        (
            "width",
            Config {
                width: 0,
                ..base.clone()
            },
        ),
        (
            "width",
            Config {
                width: 1025,
                ..base.clone()
            },
        ),
        (
            "init_gain",
            Config {
                init_gain: 0.0,
                ..base.clone()
            },
        ),
        (
            "init_gain",
            Config {
                init_gain: f32::NAN,
                ..base.clone()
            },
        ),
        (
            "init_gain",
            Config {
                init_gain: 1000.0,
                ..base.clone()
            },
        ),
        (
            "learning_rate",
            Config {
                learning_rate: 0.0,
                ..base.clone()
            },
        ),
        (
            "learning_rate",
            Config {
                learning_rate: -1.0,
                ..base.clone()
            },
        ),
        (
            "learning_rate",
            Config {
                learning_rate: f32::INFINITY,
                ..base.clone()
            },
        ),
        (
            "momentum",
            Config {
                momentum: 1.0,
                ..base.clone()
            },
        ),
        (
            "momentum",
            Config {
                momentum: -0.1,
                ..base.clone()
            },
        ),
        (
            "clip",
            Config {
                clip: Some(0.0),
                ..base.clone()
            },
        ),
        (
            "clip",
            Config {
                clip: Some(f32::NAN),
                ..base.clone()
            },
        ),
        (
            "batch",
            Config {
                batch: 0,
                ..base.clone()
            },
        ),
        (
            "batch",
            Config {
                batch: 100_000,
                ..base.clone()
            },
        ),
        (
            "classes",
            Config {
                classes: 1,
                ..base.clone()
            },
        ),
        (
            "classes",
            Config {
                classes: 9,
                ..base.clone()
            },
        ),
        (
            "samples",
            Config {
                samples: 5,
                ..base.clone()
            },
        ),
        (
            "samples",
            Config {
                samples: 10_000_000,
                ..base.clone()
            },
        ),
        (
            "noise",
            Config {
                noise: -0.1,
                ..base.clone()
            },
        ),
        (
            "noise",
            Config {
                noise: 2.0,
                ..base.clone()
            },
        ),
        (
            "test_fraction",
            Config {
                test_fraction: 0.9,
                ..base.clone()
            },
        ),
        (
            "test_fraction",
            Config {
                test_fraction: -0.1,
                ..base.clone()
            },
        ),
    ];
    for (field, config) in cases {
        let err = config.validate().unwrap_err();
        assert_eq!(err.field, field);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("{field} = ")) && text.contains("is not allowed: "),
            "{text}"
        );
        // The window says it in Italian too, allowed values included.
        let italian = err.explain(Lang::It);
        assert!(
            italian.starts_with(&format!("{field} = ")) && italian.contains("non è ammesso: "),
            "{italian}"
        );
        let (allowed_en, allowed_it) =
            (err.allowed.explain(Lang::En), err.allowed.explain(Lang::It));
        assert!(!allowed_it.is_empty() && allowed_it != allowed_en);
        assert!(Run::new(config).is_err());
    }
    // Out-of-range values through JSON too.
    let err = Config::from_json(r#"{"width": 5000}"#)
        .unwrap_err()
        .explain(Lang::En);
    assert!(err.contains("width") && err.contains("1024"), "{err}");
}

#[test]
fn depth_200_and_width_1024_work() {
    let mut deep = Run::new(Config {
        depth: 200,
        width: 4,
        batch: 8,
        ..Config::default()
    })
    .unwrap();
    deep.step();
    assert_eq!(deep.last_stats().layers.len(), 201);
    let mut wide = Run::new(Config {
        depth: 1,
        width: 1024,
        batch: 4,
        ..Config::default()
    })
    .unwrap();
    assert!(wide.step().loss.is_finite());
}
