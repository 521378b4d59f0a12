//! The `mlbn` binary: a thin adapter from the terminal to `mlbn-ide` and `mlbn-render`.
//!
//! It owns the IO the core crates must not do: reading files and stdin (with a size limit and
//! a UTF-8 check), reading files a scenario refers to, colour decisions (`NO_COLOR`, TTY) and
//! exit codes: 0 success, 1 the input has errors (or `fmt --check` found changes), 2 the
//! command could not run (bad usage, unreadable file).

mod catalog_cmd;
mod input;
mod json;
mod plan_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use input::{Source, read_input, read_path};
use mlbn_ide::{AnalyzeOptions, analyze_parsed, referenced_files};
use mlbn_render::{ReportOptions, SnippetOptions, render_diagnostics, summary};
use mlbn_syntax::Severity;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mlbn",
    version,
    about = "How fast will this LLM run on this hardware, what limits it, and what should I change?",
    after_help = "Examples:\n  mlbn analyze examples/rtx4090-llama3-8b.mlbn\n  mlbn analyze \"2x rtx4090 nvlink; llama3-70b q4; auto\"\n  echo \"m3-ultra-512; llama3-70b q4\" | mlbn analyze -\n  mlbn check examples/*.mlbn\n  mlbn catalog devices 4090"
)]
struct Cli {
    /// When to use colours: auto follows the terminal and NO_COLOR.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum EvalBy {
    Runtime,
    Hardware,
}

/// PNG pictures of the first analysed scenario, written beside the report.
#[derive(clap::Args, Default)]
struct Pictures {
    /// Write the topology picture (1200x760 PNG) to this file.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Write AUTO's ranked candidates as a chart (1000x380 PNG; needs `auto`).
    #[arg(long, value_name = "FILE")]
    chart_auto: Option<PathBuf>,
    /// Write memory per device as a chart (1000x340 PNG).
    #[arg(long, value_name = "FILE")]
    chart_memory: Option<PathBuf>,
    /// Colours of the pictures.
    #[arg(long, value_enum, default_value = "dark")]
    theme: ThemeChoice,
}

#[derive(Clone, Copy, ValueEnum, Default)]
enum ThemeChoice {
    #[default]
    Dark,
    Light,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a scenario: memory fit, prefill, decode, TTFT, what binds, findings.
    Analyze {
        /// A .mlbn file, the scenario text itself, or `-` for stdin.
        input: String,
        /// Print the stable JSON object documented in docs/json.md.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// Print the report as Markdown.
        #[arg(long)]
        markdown: bool,
        #[command(flatten)]
        pictures: Pictures,
    },
    /// Check files for errors and print them like a compiler (exit 1 on errors); `-` is stdin.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Format files in place with the canonical formatter; `-` formats stdin to stdout.
    Fmt {
        /// Change nothing; list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Score the engine against measured runs (the CSV format of shared/benchmarks/README.md):
    /// share of rows within 1.25x / 1.5x / 2x, decode and prefill, overall and per group.
    /// Several files (or a directory: every *.csv in it) are scored together as one set.
    Eval {
        /// Measurement CSV files or directories; row ids must be unique across them.
        #[arg(required = true)]
        csv: Vec<PathBuf>,
        /// Write `id,pred_decode_tok_s,pred_prefill_tok_s` per row to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also group the scores by runtime backend or by hardware.
        #[arg(long, value_enum)]
        by: Option<EvalBy>,
    },
    /// Reverse planning: for a scenario with a goal (`target decode=30tok/s ttft<2s ctx=32k`,
    /// `budget $6000`, `power<1200W`, `prefer cheap|fast|quiet`, `have 1x rtx4090`), the
    /// ranked configurations that meet it; without a goal, upgrade advice.
    Plan {
        /// A .mlbn file, the scenario text itself, or `-` for stdin.
        input: String,
        #[arg(long)]
        json: bool,
        /// How many plans to show (1-50).
        #[arg(long, default_value_t = mlbn_engine::plan::DEFAULT_TOP)]
        top: usize,
    },
    /// List or search the catalog.
    Catalog {
        #[arg(value_enum)]
        table: catalog_cmd::Table,
        /// Filter by name, alias or id (forgiving: `4090`, `llama3 70b`).
        query: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Run the language server on stdin/stdout (for editors).
    Lsp,
    /// Run the Discord bot: the gateway client, or `--http ADDR` for the interactions endpoint
    /// (docs/discord.md).
    Bot(mlbn_bot::BotArgs),
}

fn color_for(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// A failure to run the command at all (exit 2).
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out_color = color_for(cli.color, std::io::stdout().is_terminal());
    let err_color = color_for(cli.color, std::io::stderr().is_terminal());
    let result = match cli.command {
        Command::Analyze {
            input,
            json,
            markdown,
            pictures,
        } => cmd_analyze(&input, json, markdown, &pictures, out_color, err_color),
        Command::Check { files } => cmd_check(&files, err_color),
        Command::Fmt { check, files } => cmd_fmt(&files, check),
        Command::Eval { csv, out, by } => cmd_eval(&csv, out.as_deref(), by),
        Command::Plan { input, json, top } => cmd_plan(&input, json, top, err_color),
        Command::Catalog { table, query, json } => {
            catalog_cmd::run(table, query.as_deref(), json).map_err(Fatal)
        }
        Command::Lsp => mlbn_lsp::run_stdio()
            .map(|()| ExitCode::SUCCESS)
            .map_err(|e| Fatal(format!("language server: {e}"))),
        Command::Bot(args) => mlbn_bot::run(args)
            .map(|()| ExitCode::SUCCESS)
            .map_err(Fatal),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("mlbn: error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn print(s: &str) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`mlbn … | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fatal(format!("cannot write output: {e}"))),
        Ok(()) => Ok(()),
    }
}

/// Analyse one source, reading the files it refers to relative to its directory.
fn analyze_source(src: &Source) -> mlbn_ide::Analysis {
    let parsed = mlbn_syntax::parse(&src.text);
    let base = src.base_dir();
    let mut opts = AnalyzeOptions::builtin();
    for (path, _) in referenced_files(&parsed.file) {
        let full = if Path::new(&path).is_absolute() {
            PathBuf::from(&path)
        } else {
            base.join(&path)
        };
        opts.files.insert(path, read_path(&full));
    }
    analyze_parsed(&src.text, parsed, &opts)
}

fn cmd_analyze(
    input: &str,
    json: bool,
    markdown: bool,
    pictures: &Pictures,
    out_color: bool,
    err_color: bool,
) -> Result<ExitCode, Fatal> {
    let src = read_input(input).map_err(Fatal)?;
    let analysis = analyze_source(&src);
    // An empty input (or only comments) would print an empty report.
    if analysis.scenarios.is_empty() && !json {
        return Err(Fatal(format!(
            "{}: nothing to analyze (no statements); try `mlbn analyze \"2x rtx4090; llama3-70b q4\"`",
            src.name
        )));
    }
    let opts = AnalyzeOptions::builtin();
    // A scenario with a goal also gets its plans (reverse planning).
    let plans = mlbn_ide::plan::has_goal(&analysis, opts.catalog)
        .then(|| mlbn_ide::plan::plan(&analysis, &opts, mlbn_engine::plan::DEFAULT_TOP));
    write_pictures(&analysis, pictures)?;
    if json {
        let mut value = json::analysis_json(&src.name, &analysis);
        if let (Some(p), Some(obj)) = (&plans, value.as_object_mut()) {
            obj.insert("plans".to_string(), plan_cmd::to_json(p));
        }
        let text = serde_json::to_string_pretty(&value)
            .map_err(|e| Fatal(format!("cannot encode JSON: {e}")))?;
        print(&(text + "\n"))?;
        return Ok(exit_for(&analysis));
    }
    if analysis.has_errors() {
        return Ok(print_errors(&src, &analysis, err_color));
    }
    let mut report = if markdown {
        mlbn_render::markdown_report(&analysis)
    } else {
        mlbn_render::text_report(&analysis, &ReportOptions { color: out_color })
    };
    if let Some(p) = &plans {
        report.push('\n');
        report.push_str(&plan_cmd::render(p, &plan_cmd::model_names(&analysis)));
    }
    print(&report)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the analysis's errors as caret snippets and a summary on stderr; exit code 1.
fn print_errors(src: &Source, analysis: &mlbn_ide::Analysis, color: bool) -> ExitCode {
    let errors: Vec<_> = analysis.errors().cloned().collect();
    eprint!(
        "{}",
        render_diagnostics(&src.name, &src.text, &errors, &SnippetOptions { color })
    );
    eprintln!("mlbn: {} in {}", summary(&errors), src.name);
    ExitCode::from(1)
}

fn cmd_plan(input: &str, json: bool, top: usize, err_color: bool) -> Result<ExitCode, Fatal> {
    if !(1..=mlbn_ide::plan::MAX_TOP).contains(&top) {
        return Err(Fatal(format!(
            "--top must be between 1 and {}",
            mlbn_ide::plan::MAX_TOP
        )));
    }
    let src = read_input(input).map_err(Fatal)?;
    let analysis = analyze_source(&src);
    let plans = mlbn_ide::plan::plan(&analysis, &AnalyzeOptions::builtin(), top);
    // Errors the engine finds in a scenario ("does not fit") are what upgrade advice answers;
    // only scenarios that cannot be planned at all (unresolved names, a malformed goal) stop
    // the command.
    let unplannable = plans.iter().any(|p| p.result.is_err());
    if unplannable && analysis.has_errors() && !json {
        return Ok(print_errors(&src, &analysis, err_color));
    }
    if json {
        let text = serde_json::to_string_pretty(&plan_cmd::to_json(&plans))
            .map_err(|e| Fatal(format!("cannot encode JSON: {e}")))?;
        print(&(text + "\n"))?;
        return Ok(if unplannable {
            exit_for(&analysis)
        } else {
            ExitCode::SUCCESS
        });
    }
    print(&plan_cmd::render(&plans, &plan_cmd::model_names(&analysis)))?;
    Ok(ExitCode::SUCCESS)
}

/// Render the requested pictures of the first scenario with an estimate and write them.
fn write_pictures(a: &mlbn_ide::Analysis, p: &Pictures) -> Result<(), Fatal> {
    use mlbn_render::image;
    if p.png.is_none() && p.chart_auto.is_none() && p.chart_memory.is_none() {
        return Ok(());
    }
    let Some((r, e)) = a
        .scenarios
        .iter()
        .find_map(|s| Some((s.resolved.as_ref().ok()?, s.estimate.as_ref()?)))
    else {
        return Err(Fatal(
            "no scenario could be analysed, so there is no picture".into(),
        ));
    };
    let theme = match p.theme {
        ThemeChoice::Dark => image::Theme::Dark,
        ThemeChoice::Light => image::Theme::Light,
    };
    let title = mlbn_render::picture_title(r);
    let write = |path: &Path, bytes: Result<Vec<u8>, image::RenderError>| {
        let bytes = bytes.map_err(|e| Fatal(format!("cannot draw {}: {e}", path.display())))?;
        std::fs::write(path, bytes)
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))
    };
    if let Some(path) = &p.png {
        let view = image::topology_view(
            mlbn_catalog::Catalog::builtin(),
            r,
            e,
            &title,
            &mlbn_render::picture_headline(r, e),
            theme,
        );
        let (w, h) = image::TOPOLOGY_SIZE_PX;
        write(path, image::render_topology_png(&view, w, h))?;
    }
    if let Some(path) = &p.chart_auto {
        let Some(view) = image::auto_chart_view(e, &title, theme) else {
            return Err(Fatal(
                "--chart-auto needs a scenario with `auto` as its strategy".into(),
            ));
        };
        let (w, h) = image::AUTO_CHART_SIZE_PX;
        write(path, image::render_auto_chart_png(&view, w, h))?;
    }
    if let Some(path) = &p.chart_memory {
        let view = image::memory_chart_view(r, e, &title, theme);
        let (w, h) = image::MEMORY_CHART_SIZE_PX;
        write(path, image::render_memory_chart_png(&view, w, h))?;
    }
    Ok(())
}

fn exit_for(a: &mlbn_ide::Analysis) -> ExitCode {
    if a.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A file argument of `check` and `fmt`: `-` is stdin.
fn read_file_or_stdin(path: &Path) -> Result<Source, String> {
    if path.as_os_str() == "-" {
        input::read_input("-")
    } else {
        input::read_file(path)
    }
}

fn cmd_check(files: &[PathBuf], err_color: bool) -> Result<ExitCode, Fatal> {
    let mut failed = false;
    let mut unreadable = false;
    for path in files {
        let src = match read_file_or_stdin(path) {
            Ok(s) => s,
            Err(msg) => {
                eprintln!("mlbn: error: {msg}");
                unreadable = true;
                continue;
            }
        };
        let analysis = analyze_source(&src);
        let shown: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity <= Severity::Warning)
            .cloned()
            .collect();
        eprint!(
            "{}",
            render_diagnostics(
                &src.name,
                &src.text,
                &shown,
                &SnippetOptions { color: err_color }
            )
        );
        if analysis.has_errors() {
            failed = true;
            eprintln!("{}: {}", src.name, summary(&shown));
        } else if shown.is_empty() {
            println!("{}: ok", src.name);
        } else {
            println!("{}: ok ({})", src.name, summary(&shown));
        }
    }
    Ok(if unreadable {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn cmd_fmt(files: &[PathBuf], check: bool) -> Result<ExitCode, Fatal> {
    let mut changed = Vec::new();
    let mut problems = false;
    let mut syntax_errors = false;
    for path in files {
        // `-`: stdin to stdout, like rustfmt (`--check` lists `<stdin>` when it would change).
        let stdin = path.as_os_str() == "-";
        let src = match read_file_or_stdin(path) {
            Ok(s) => s,
            Err(msg) => {
                eprintln!("mlbn: error: {msg}");
                problems = true;
                continue;
            }
        };
        let parsed = mlbn_syntax::parse(&src.text);
        if parsed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            // Formatting text the parser could not read risks changing what it means.
            eprintln!(
                "mlbn: {} has syntax errors and was not formatted (run `mlbn check`)",
                src.name
            );
            syntax_errors = true;
            continue;
        }
        let formatted = mlbn_syntax::format(&src.text);
        if stdin && !check {
            print(&formatted)?;
            continue;
        }
        if formatted == src.text {
            continue;
        }
        if check {
            println!("{}", src.name);
        } else if let Err(e) = std::fs::write(path, formatted.as_bytes()) {
            eprintln!("mlbn: error: cannot write {}: {e}", src.name);
            problems = true;
            continue;
        }
        changed.push(src.name);
    }
    if problems {
        return Ok(ExitCode::from(2));
    }
    if syntax_errors {
        return Ok(ExitCode::from(1));
    }
    if check && !changed.is_empty() {
        eprintln!(
            "mlbn: {} file{} would be reformatted",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The CSV files named by `eval`'s arguments: files as given, directories as their `*.csv`
/// files in name order.
fn eval_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, Fatal> {
    let mut files = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            files.push(arg.clone());
            continue;
        }
        let entries = std::fs::read_dir(arg)
            .map_err(|e| Fatal(format!("cannot read {}: {e}", arg.display())))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
            .collect();
        if found.is_empty() {
            return Err(Fatal(format!(
                "{}: no .csv files in this directory",
                arg.display()
            )));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

fn cmd_eval(args: &[PathBuf], out: Option<&Path>, by: Option<EvalBy>) -> Result<ExitCode, Fatal> {
    let paths = eval_files(args)?;
    let mut texts = Vec::with_capacity(paths.len());
    for path in &paths {
        let text = input::read_path_limited(path, mlbn_ide::eval::MAX_CSV_BYTES)
            .map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))?;
        texts.push((path.display().to_string(), text));
    }
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let group = match by {
        None => mlbn_ide::eval::GroupBy::None,
        Some(EvalBy::Runtime) => mlbn_ide::eval::GroupBy::Runtime,
        Some(EvalBy::Hardware) => mlbn_ide::eval::GroupBy::Hardware,
    };
    let report = mlbn_ide::eval::evaluate_files(&files, mlbn_catalog::Catalog::builtin(), group)
        .map_err(|e| Fatal(e.to_string()))?;
    if let Some(path) = out {
        std::fs::write(path, report.predictions_csv())
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
    }
    print(&report.render_text())?;
    Ok(ExitCode::SUCCESS)
}
