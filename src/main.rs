//! Thin entry point: parse the command line, then open the window or run a
//! headless command.

use gradscope::cli;

fn main() {
    let parsed = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err((text, code)) => {
            if code == 0 {
                print!("{text}");
            } else {
                eprintln!("{text}");
            }
            std::process::exit(code);
        }
    };
    let result = match parsed.command {
        Some(command) => cli::run_command(command),
        None => cli::open_window(&parsed.window),
    };
    if let Err(cli::UsageError(message)) = result {
        eprintln!("gradscope: {message}");
        std::process::exit(cli::USAGE_ERROR);
    }
}
