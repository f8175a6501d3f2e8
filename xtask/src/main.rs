//! `cargo xtask assets [--check]`: regenerates the monitoring assets, or
//! checks that the committed ones are what the definitions generate.

use std::process::ExitCode;

use xtask::assets::generate;
use xtask::files::{repository_root, stale, write};

const USAGE: &str = "usage: cargo xtask assets [--check]\n\
    \x20 assets          write dashboards/, alerts/ and deploy/ from the definitions in xtask/\n\
    \x20 assets --check  fail if a committed file differs from what would be written";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = repository_root();
    match args.as_slice() {
        ["assets"] => match write(&root, &generate()) {
            Ok(written) => {
                for path in &written {
                    println!("wrote {path}");
                }
                println!("{} file(s) changed", written.len());
                ExitCode::SUCCESS
            }
            Err((path, e)) => {
                eprintln!("xtask: cannot write {path}: {e}");
                ExitCode::FAILURE
            }
        },
        ["assets", "--check"] => {
            let files = generate();
            let stale = stale(&root, &files);
            if stale.is_empty() {
                println!("{} generated files match the definitions", files.len());
                return ExitCode::SUCCESS;
            }
            for (path, line) in &stale {
                if *line == 0 {
                    eprintln!("{path}: missing");
                } else {
                    eprintln!("{path}: differs from line {line}");
                }
            }
            eprintln!(
                "xtask: {} file(s) out of date; run `cargo xtask assets` and commit",
                stale.len()
            );
            ExitCode::FAILURE
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
