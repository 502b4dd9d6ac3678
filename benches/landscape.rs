//! The loss landscape's peer case (issue 13): a 41 x 41 slice of a
//! 32-layer tanh network of width 32 (LeCun initialisation) over 480 spiral
//! points, the grid `gradscope landscape` computes by default. The peer is
//! `tools/landscape_torch.py` (PyTorch eager, point by point, one thread).
//! Speed does not depend on the weights' values (no branches on them), so
//! the freshly initialised network stands in for a trained one.

use criterion::{Criterion, criterion_group, criterion_main};
use gradscope::nn::landscape::{self, Directions};
use gradscope::nn::run::data_of;
use gradscope::nn::{Activation, BranchInit, Config, Dataset, Init, Loss, Mlp, Skip};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn landscape_grid(c: &mut Criterion) {
    let config = Config {
        depth: 32,
        width: 32,
        activation: Activation::Tanh,
        init: Init::Lecun,
        dataset: Dataset::Spiral,
        classes: 3,
        samples: 480,
        test_fraction: 0.0,
        ..Config::default()
    };
    let points = data_of(&config).train;
    let mlp = Mlp::new(
        config.shape(),
        config.activation,
        config.init,
        1.0,
        Skip::Off,
        BranchInit::Normal,
        &mut StdRng::seed_from_u64(1),
    );
    let directions = Directions::filter_normalised(&mlp, 1);
    c.bench_function("landscape_41x41_tanh_32x32_480_points", |b| {
        b.iter(|| {
            landscape::compute(
                &mlp,
                &directions,
                &points,
                Loss::CrossEntropy,
                41,
                1.0,
                |_| true,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(15));
    targets = landscape_grid
}
criterion_main!(benches);
