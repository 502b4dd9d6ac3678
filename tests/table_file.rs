//! The teacher's CSV table (issue 12): headers or none, numeric or word
//! labels, the label column by name or number, quoting, byte-order marks
//! and CRLF; every defect refused naming its line and column in both
//! languages; a session that trained on a table reopens without the file.

use std::path::Path;

use gradscope::explain::Explain;
use gradscope::lang::Lang;
use gradscope::nn::{Config, Dataset, Run, Table};
use gradscope::table_file::{self, LabelColumn, TableFileError, TableProblem, parse};

/// An iris-like table: 4 measurements, then the species; 30 rows.
fn iris(header: bool) -> String {
    let species = ["setosa", "versicolor", "virginica"];
    let mut text = String::new();
    if header {
        text.push_str("sepal_length,sepal_width,petal_length,petal_width,species\n");
    }
    for i in 0..30 {
        let s = i % 3;
        text.push_str(&format!(
            "{:.1},{:.1},{:.1},{:.1},{}\n",
            4.5 + s as f32 + 0.1 * (i % 5) as f32,
            3.0 + 0.1 * (i % 4) as f32,
            1.4 + 2.0 * s as f32,
            0.2 + s as f32,
            species[s]
        ));
    }
    text
}

fn problem(text: &str, label: &LabelColumn) -> TableProblem {
    parse(text, "t.csv", label).expect_err("refused")
}

/// The problem's words in both languages, each holding its needles.
fn says(problem: &TableProblem, en: &[&str], it: &[&str]) {
    let english = problem.explain(Lang::En);
    for needle in en {
        assert!(english.contains(needle), "{english:?} lacks {needle:?}");
    }
    let italian = problem.explain(Lang::It);
    for needle in it {
        assert!(italian.contains(needle), "{italian:?} lacks {needle:?}");
    }
}

/// `rows` rows of two features and a label from `label`.
fn numbered(rows: usize, label: impl Fn(usize) -> String) -> String {
    (0..rows)
        .map(|i| format!("{},{},{}\n", i, (i * 7) % 5, label(i)))
        .collect()
}

#[test]
fn an_iris_file_with_words_for_labels_just_works() {
    for header in [true, false] {
        let table = parse(&iris(header), "iris.csv", &LabelColumn::Last).unwrap();
        assert_eq!(
            (table.rows(), table.inputs, table.classes()),
            (30, 4, 3),
            "header {header}"
        );
        assert_eq!(table.class_names, ["setosa", "versicolor", "virginica"]);
        assert_eq!(&table.labels[..4], [0, 1, 2, 0]);
        assert_eq!(table.row(1), [5.6, 3.1, 3.4, 1.2]);
        assert!(table.standardise);
        assert_eq!(table.name, "iris.csv");
        let names = if header {
            vec!["sepal_length", "sepal_width", "petal_length", "petal_width"]
        } else {
            vec!["x1", "x2", "x3", "x4"]
        };
        assert_eq!(table.feature_names, names);
    }
}

#[test]
fn the_label_column_is_chosen_by_name_or_number() {
    // The species first, the measurements after.
    let text: String = iris(true)
        .lines()
        .map(|line| {
            let (rest, last) = line.rsplit_once(',').unwrap();
            format!("{last},{rest}\n")
        })
        .collect();
    let by_name = parse(&text, "t.csv", &LabelColumn::Name("species".into())).unwrap();
    let by_number = parse(&text, "t.csv", &LabelColumn::parse("1")).unwrap();
    assert_eq!(by_name, by_number);
    assert_eq!(by_name.class_names, ["setosa", "versicolor", "virginica"]);
    assert_eq!(by_name.feature_names[0], "sepal_length");
    // Numbers as labels sort as numbers, not as text.
    let text = format!(
        "a,b,y\n{}",
        numbered(30, |i| ["10", "2", "-1"][i % 3].into())
    );
    let table = parse(&text, "t.csv", &LabelColumn::Last).unwrap();
    assert_eq!(table.class_names, ["-1", "2", "10"]);
}

#[test]
fn crlf_a_byte_order_mark_and_quotes_read_alike() {
    let plain = parse(&iris(true), "t.csv", &LabelColumn::Last).unwrap();
    let crlf = format!("\u{feff}{}", iris(true).replace('\n', "\r\n"));
    assert_eq!(parse(&crlf, "t.csv", &LabelColumn::Last).unwrap(), plain);
    let quoted: String = iris(true)
        .lines()
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(|c| format!("\"{c}\"")).collect();
            cells.join(",") + "\n"
        })
        .collect();
    assert_eq!(parse(&quoted, "t.csv", &LabelColumn::Last).unwrap(), plain);
    // A quoted label may hold a comma.
    let text = numbered(30, |i| ["\"a, b\"", "c"][i % 2].into());
    let table = parse(&text, "t.csv", &LabelColumn::Last).unwrap();
    assert_eq!(table.class_names, ["a, b", "c"]);
}

#[test]
fn every_defect_names_its_line_and_column_in_both_languages() {
    let last = &LabelColumn::Last;
    let header = "a,b,y\n";
    let good = |n| numbered(n, |i| (i % 2).to_string());

    says(&problem("", last), &["empty"], &["vuoto"]);
    says(&problem("\n\n", last), &["empty"], &["vuoto"]);
    says(&problem(header, last), &["no rows"], &["nessuna riga"]);
    says(
        &problem(&format!("{header}{}", good(5)), last),
        &["5 rows", "at least 20"],
        &["5 righe", "almeno 20"],
    );
    let text = format!("{header}{}1,2\n{}", good(3), good(30));
    says(
        &problem(&text, last),
        &["line 5", "2 columns", "expected 3"],
        &["riga 5", "2 colonne", "ne servono 3"],
    );
    let text = format!("{header}{}1,two,0\n", good(3));
    says(
        &problem(&text, last),
        &["line 5, column 2", "\"two\"", "not a number"],
        &["riga 5, colonna 2", "non è un numero"],
    );
    for bad in ["NaN", "inf", "-infinity", "1e39"] {
        let text = format!("{header}{}{bad},1,0\n", good(3));
        says(
            &problem(&text, last),
            &["line 5, column 1", "not a finite number"],
            &["riga 5, colonna 1", "non è un numero finito"],
        );
    }
    // CRLF line ends count lines alike.
    let text = format!("{header}{}1,x,0\n", good(3)).replace('\n', "\r\n");
    says(&problem(&text, last), &["line 5, column 2"], &["riga 5"]);
    says(
        &problem(&format!("{header}{}", numbered(30, |_| "cat".into())), last),
        &["column 3", "\"cat\"", "at least 2 classes"],
        &["colonna 3", "almeno 2 classi"],
    );
    let text = format!("{header}{}", numbered(150, |i| format!("c{i}")));
    says(
        &problem(&text, last),
        &["line 102, column 3", "\"c100\"", "at most 100 classes"],
        &["riga 102, colonna 3", "al massimo 100 classi"],
    );
    let text = format!("{header}{}1,2,\n", good(3));
    says(
        &problem(&text, last),
        &["line 5, column 3", "label is empty"],
        &["riga 5, colonna 3", "etichetta è vuota"],
    );
    says(
        &problem("1\n2\n", last),
        &["line 1", "one column"],
        &["riga 1", "una sola colonna"],
    );
    let text = format!("{header}1,\"2\n{}", good(30));
    says(
        &problem(&text, last),
        &["line 2, column 2", "not closed"],
        &["riga 2, colonna 2", "non chiusa"],
    );
    says(
        &problem(
            &format!("{header}{}", good(30)),
            &LabelColumn::Name("class".into()),
        ),
        &["no label column \"class\"", "line 1", "a, b, y"],
        &["colonna di etichette \"class\"", "riga 1", "a, b, y"],
    );
    says(
        &problem(&good(30), &LabelColumn::Name("class".into())),
        &["\"class\"", "no header"],
        &["\"class\"", "intestazione"],
    );
    for index in [0, 4] {
        says(
            &problem(&good(30), &LabelColumn::Index(index)),
            &[&format!("no column {index}"), "columns 1 to 3"],
            &[&format!("nessuna colonna {index}"), "da 1 a 3"],
        );
    }
    let wide = format!("{}y\n", "x,".repeat(1100));
    says(
        &problem(&wide, last),
        &["line 1", "1100 feature columns", "at most 1024"],
        &["riga 1", "1100 colonne", "al massimo 1024"],
    );
}

#[test]
fn files_that_are_not_tables_are_refused_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let last = &LabelColumn::Last;
    let both = |e: &TableFileError| (e.explain(Lang::En), e.explain(Lang::It));

    let (en, it) = both(&table_file::load(dir.path(), last).unwrap_err());
    assert!(en.contains("a folder, not a regular file"), "{en}");
    assert!(it.contains("cartella"), "{it}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (en, it) = both(&table_file::load(&empty, last).unwrap_err());
    assert!(en.contains("empty.csv") && en.contains("empty"), "{en}");
    assert!(it.contains("vuoto"), "{it}");

    let missing = dir.path().join("missing.csv");
    let (en, _) = both(&table_file::load(&missing, last).unwrap_err());
    assert!(
        en.contains("missing.csv") && en.contains("no such file"),
        "{en}"
    );

    let binary = dir.path().join("binary.csv");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let (en, it) = both(&table_file::load(&binary, last).unwrap_err());
    assert!(en.contains("not a text file"), "{en}");
    assert!(it.contains("non è un file di testo"), "{it}");

    // A file past the bound is refused unread (a sparse file: no disk used).
    let huge = dir.path().join("huge.csv");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(table_file::MAX_FILE_BYTES + 1).unwrap();
    let (en, it) = both(&table_file::load(&huge, last).unwrap_err());
    assert!(en.contains("bytes") && en.contains("at most"), "{en}");
    assert!(it.contains("al massimo"), "{it}");
}

/// A tiny trained session on `table`, saved to `path`.
fn save_session_on(table: Table, path: &Path) -> Config {
    use gradscope::session::{self, RunState, Session};
    use gradscope::train::{History, Mode};
    let config = Config {
        depth: 2,
        width: 5,
        dataset: Dataset::Csv,
        table: Some(std::sync::Arc::new(table)),
        ..Config::default()
    };
    let mut run = Run::new(config.clone()).unwrap();
    let mut history = History::default();
    for _ in 0..3 {
        history.push(run.step());
    }
    let state = RunState {
        twin: None,
        mlp: run.mlp.clone(),
        steps: 3,
        history,
        moments: Some(run.moments()),
    };
    let saved = Session::new(Lang::En, "vanishing", Mode::Single, &config, &[state]);
    session::save(path, &saved).unwrap();
    config
}

#[test]
fn a_session_on_a_csv_table_reopens_without_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("iris.csv");
    std::fs::write(&csv, iris(true)).unwrap();
    let table = table_file::load(&csv, &LabelColumn::Last).unwrap();
    let path = dir.path().join("session.json");
    let config = save_session_on(table, &path);
    std::fs::remove_file(&csv).unwrap();

    let (session, runs) = gradscope::session::load(&path).unwrap();
    assert_eq!(
        session.config, config,
        "the table is back in the configuration"
    );
    assert_eq!(session.config.inputs(), 4);
    assert_eq!(session.config.outputs(), 3);
    assert_eq!(runs[0].steps, 3);
    // It trains on from there.
    let mut run = Run::new(session.config.clone()).unwrap();
    run.mlp = runs[0].mlp.clone();
    assert!(run.step().loss.is_finite());

    // A damaged table is refused by the table's own check.
    let text = std::fs::read_to_string(&path).unwrap();
    let spoiled = text.replacen("\"labels\":[0,", "\"labels\":[7,", 1);
    assert_ne!(spoiled, text);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, spoiled).unwrap();
    let err = gradscope::session::load(&bad).unwrap_err();
    let en = err.explain(Lang::En);
    assert!(en.contains("data table is invalid"), "{en}");
    assert!(err.explain(Lang::It).contains("tabella"));
    // And a csv session without its table says so.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut value = value;
    value.as_object_mut().unwrap().remove("table");
    std::fs::write(&bad, value.to_string()).unwrap();
    let en = gradscope::session::load(&bad)
        .unwrap_err()
        .explain(Lang::En);
    assert!(en.contains("does not carry the table"), "{en}");
}

/// The session size limit admits a session carrying the largest table.
#[test]
fn the_session_limit_admits_the_largest_table() {
    use gradscope::nn::table::{MAX_CELLS, MAX_INPUTS};
    let rows = MAX_CELLS / MAX_INPUTS;
    let table = Table {
        name: "big.csv".into(),
        inputs: MAX_INPUTS,
        feature_names: (1..=MAX_INPUTS).map(|i| format!("x{i}")).collect(),
        class_names: (0..100).map(|c| format!("class {c}")).collect(),
        features: (0..MAX_CELLS)
            .map(|i| (i % 1000) as f32 * 0.001 - 0.123_457)
            .collect(),
        labels: (0..rows).map(|r| r % 100).collect(),
        image: None,
        standardise: true,
    };
    table.check().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let config = save_session_on(table, &path);
    let bytes = std::fs::metadata(&path).unwrap().len();
    assert!(bytes < gradscope::session::MAX_SESSION_BYTES, "{bytes}");
    let (session, _) = gradscope::session::load(&path).unwrap();
    assert_eq!(session.config, config);
}

/// `Display` (for logs) is the English explanation, and the Italian says
/// something else, for every table problem and the errors issue 12 added.
#[test]
fn every_new_message_is_the_same_in_logs_and_translated() {
    use gradscope::batch_file::BatchError;
    use gradscope::model_file::ModelError;
    use gradscope::session::RestoreError;
    fn check(e: impl Explain + std::fmt::Display) {
        let english = e.explain(Lang::En);
        assert_eq!(e.to_string(), english);
        assert_ne!(e.explain(Lang::It), english, "{english} has no Italian");
    }
    let (line, column, cell) = (3, 2, "x".to_string());
    for problem in [
        TableProblem::Empty,
        TableProblem::NoRows,
        TableProblem::OpenQuote { line, column },
        TableProblem::OneColumn { line },
        TableProblem::TooManyColumns { line, found: 2000 },
        TableProblem::ColumnCount {
            line,
            found: 2,
            expected: 3,
            first: 1,
        },
        TableProblem::NotANumber {
            line,
            column,
            cell: cell.clone(),
        },
        TableProblem::NotFinite {
            line,
            column,
            cell: cell.clone(),
        },
        TableProblem::EmptyLabel { line, column },
        TableProblem::SingleClass {
            column,
            label: cell.clone(),
        },
        TableProblem::TooManyClasses {
            line,
            column,
            label: cell.clone(),
        },
        TableProblem::TooFewRows { rows: 3 },
        TableProblem::TooManyRows { line },
        TableProblem::TooManyCells { line },
        TableProblem::UnknownLabelName {
            name: "kind".into(),
            line: 1,
            names: vec!["a".into(), "b".into()],
        },
        TableProblem::NoHeader {
            name: "kind".into(),
        },
        TableProblem::LabelIndex {
            index: 9,
            columns: 3,
        },
    ] {
        check(problem);
    }
    let path = std::path::PathBuf::from("t.csv");
    check(TableFileError::NotText { path: path.clone() });
    check(TableFileError::TooLarge {
        path,
        bytes: 1 << 40,
    });
    check(ModelError::TableShape);
    check(ModelError::Width {
        name: "inputs",
        found: "5".into(),
        expected: 4,
    });
    check(RestoreError::NoTable);
    check(BatchError::BadClass {
        line,
        column,
        cell,
        classes: 2,
        names: vec!["ant".into(), "bee".into()],
    });
}
