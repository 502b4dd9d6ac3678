//! Thin entry point: parse the command line, then open the window or run a
//! headless command. Everything printed goes through `files::write_stdout`
//! (or `StandardOutput`) and `complain`, so a closed pipe or a full disk is
//! an exit code, never a panic.

use std::io::Write;

use gradscope::explain::Explain;
use gradscope::lang::Lang;
use gradscope::{cli, files};

/// One line on standard error. If even that fails there is no one left to
/// tell, and the exit code says the rest.
fn complain(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn main() {
    let parsed = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err((text, code)) => {
            if code == 0 {
                if let Err(e) = files::write_stdout(&text) {
                    complain(&format!("gradscope: {}", e.explain(Lang::En)));
                    std::process::exit(cli::USAGE_ERROR);
                }
            } else {
                complain(&text);
            }
            std::process::exit(code);
        }
    };
    let result = match parsed.command {
        Some(command) => cli::run_command(command),
        None => cli::open_window(&parsed.window),
    };
    if let Err(cli::UsageError(message)) = result {
        complain(&format!("gradscope: {message}"));
        std::process::exit(cli::USAGE_ERROR);
    }
}
