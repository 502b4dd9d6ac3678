//! One training step (forward, loss, backward, full telemetry, SGD update)
//! on the reference configurations the peers are measured on
//! (../shared/anchors): sigmoid, 2 inputs, 3 classes, cross-entropy, SGD;
//! and the digits lessons' networks (64 inputs, 10 classes).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gradscope::cli::bench_config;
use gradscope::lessons;
use gradscope::nn::{Activation, Run};

fn train_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    for (depth, width, batch) in [(20, 32, 64), (20, 64, 128), (50, 64, 128), (10, 256, 256)] {
        let config = bench_config(depth, width, batch, Activation::Sigmoid);
        let mut run = Run::new(config).expect("reference configurations are valid");
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("{depth}x{width}_b{batch}"), |b| {
            b.iter(|| {
                run.step();
            })
        });
    }
    for id in ["digits-speed", "digits-depth"] {
        let lesson = lessons::find(id).expect("the digits lessons are embedded");
        let mut run = Run::new(lesson.config).expect("lesson configurations are valid");
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("lesson_{id}"), |b| {
            b.iter(|| {
                run.step();
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = train_step
}
criterion_main!(benches);
