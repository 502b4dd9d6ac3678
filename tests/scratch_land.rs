use gradscope::figures::landscape as fl;
use gradscope::nn::landscape::*;
use gradscope::nn::*;
#[test]
fn speed() {
    let mut slices = vec![];
    for (depth, skip) in [(32, Skip::Off), (32, Skip::Identity)] {
        let c = Config {
            depth,
            width: 32,
            activation: Activation::Tanh,
            init: Init::Lecun,
            skip,
            optimizer: OptimizerKind::Momentum,
            learning_rate: 0.05,
            momentum: 0.9,
            batch: 8192,
            dataset: Dataset::Spiral,
            samples: 600,
            ..Config::default()
        };
        let mut run = Run::new(c).unwrap();
        for _ in 0..1000 {
            run.step();
        }
        let d = Directions::filter_normalised(&run.mlp, 1);
        let l = compute(
            &run.mlp,
            &d,
            &run.data.train,
            run.config().loss,
            41,
            1.0,
            |_| true,
        )
        .unwrap();
        slices.push(l);
    }
    let scale = fl::LogScale::covering(&slices);
    std::fs::create_dir_all("/tmp/land").unwrap();
    for (s, name) in slices.iter().zip(["plain", "residual"]) {
        let f = fl::landscape(s, scale, name, 1000, gradscope::lang::Lang::En);
        gradscope::figures::write_all(&f, std::path::Path::new("/tmp/land"), 1200, 900).unwrap();
    }
}
