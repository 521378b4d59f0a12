//! `mlbn-bot` adapts `mlbn-ide` and `mlbn-render` to Discord: `/bottleneck` with result
//! embeds and a topology picture, `/bottleneck-plan` with ranked plans, autocomplete, the "Analyze with mlbn" message command,
//! `/bottleneck-help` and `/bottleneck-catalog`, over the gateway or Discord's HTTP
//! interactions endpoint.
//!
//! It may depend on ide, render, engine, catalog and syntax, never on another front end.
//!
//! - [`view`]: the pure view layer (embeds and messages clamped to Discord's limits, Markdown
//!   and mention escaping, callback bodies). No serenity types.
//! - [`report`]: analyses → views. [`plan_report`]: `/bottleneck-plan`'s plans and upgrade
//!   advice → views. [`picture`]: an estimate → topology view → PNG.
//! - [`handler`]: an interaction ([`handler::Incoming`]) → what to do ([`handler::Step`]); the
//!   synchronous `/bottleneck` work ([`handler::bottleneck`]).
//! - [`server`] (HTTP endpoint), [`gateway`] (serenity client), [`rest`] (REST calls).
#![forbid(unsafe_code)]

pub mod commands;
pub mod gateway;
pub mod handler;
pub mod picture;
pub mod plan_report;
pub mod report;
pub mod rest;
pub mod server;
pub mod view;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `mlbn bot` options.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct BotArgs {
    /// Serve Discord's HTTP interactions endpoint on this address instead of the gateway.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// The application's public key (hex), required with --http; or DISCORD_PUBLIC_KEY.
    #[arg(long, value_name = "HEX")]
    pub public_key: Option<String>,
    /// Send every REST call to this base URL instead of https://discord.com (a proxy or a
    /// local mock); or MLBN_DISCORD_API_BASE.
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Read the bot token from this file instead of DISCORD_TOKEN.
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Register the commands in this guild only (instant; for development).
    #[arg(long, value_name = "ID")]
    pub guild: Option<u64>,
    /// Do not register the commands at start-up.
    #[arg(long)]
    pub no_register: bool,
    /// Also answer chat messages holding a ```mlbn block (needs the privileged
    /// message-content intent enabled for the bot).
    #[arg(long)]
    pub answer_messages: bool,
    /// Seconds a user waits between analyses.
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub cooldown: f64,
}

/// Where settings come from besides the flags (the process environment in `mlbn bot`).
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

/// Analysis and picture time limit per request.
pub const WORK_TIMEOUT: Duration = Duration::from_secs(10);

/// The token from `--token-file` or `DISCORD_TOKEN`; a clear error when neither is set.
/// The token's value never appears in an error.
pub fn token(args: &BotArgs, env: &dyn Env) -> Result<String, String> {
    let raw = match &args.token_file {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read the token file {}: {e}", p.display()))?,
        None => env.var("DISCORD_TOKEN").ok_or_else(|| {
            "no bot token: set DISCORD_TOKEN or pass --token-file PATH (Developer Portal → Bot → \
             Reset Token)"
                .to_string()
        })?,
    };
    let t = raw.trim();
    let t = t.strip_prefix("Bot ").unwrap_or(t).trim();
    if t.is_empty() {
        return Err("the bot token is empty".into());
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the bot token contains whitespace; check the file or variable".into());
    }
    Ok(t.to_string())
}

/// The REST base URL from `--api-base` or `MLBN_DISCORD_API_BASE`.
pub fn api_base(args: &BotArgs, env: &dyn Env) -> Result<Option<String>, String> {
    let base = args
        .api_base
        .clone()
        .or_else(|| env.var("MLBN_DISCORD_API_BASE"));
    match base {
        Some(b) if !(b.starts_with("http://") || b.starts_with("https://")) => Err(format!(
            "--api-base must start with http:// or https:// (got `{b}`)"
        )),
        other => Ok(other.map(|b| b.trim_end_matches('/').to_string())),
    }
}

/// Run `mlbn bot` until it stops; the error is a one-line message for the user.
pub fn run(args: BotArgs) -> Result<(), String> {
    let env = ProcessEnv;
    let token = token(&args, &env)?;
    let api_base = api_base(&args, &env)?;
    let cooldown = if args.cooldown.is_finite() && args.cooldown >= 0.0 {
        Duration::from_secs_f64(args.cooldown.min(3600.0))
    } else {
        return Err("--cooldown must be a number of seconds".into());
    };
    let bot = Arc::new(handler::Bot::new(cooldown, WORK_TIMEOUT));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        match args.http {
            Some(addr) => run_http(&args, &env, addr, token, api_base, bot).await,
            None => run_gateway(&args, &env, token, api_base, bot).await,
        }
    })
}

async fn run_http(
    args: &BotArgs,
    env: &dyn Env,
    addr: SocketAddr,
    token: String,
    api_base: Option<String>,
    bot: Arc<handler::Bot>,
) -> Result<(), String> {
    let key = args
        .public_key
        .clone()
        .or_else(|| env.var("DISCORD_PUBLIC_KEY"))
        .ok_or("--http needs --public-key HEX (or DISCORD_PUBLIC_KEY)")?;
    let verifier = server::verifier(&key)?;
    let http = rest::client(&token, api_base.as_deref());
    if !args.no_register {
        let app = match env.var("DISCORD_APPLICATION_ID") {
            Some(id) => id,
            None => http
                .get_current_application_info()
                .await
                .map(|a| a.id.to_string())
                .map_err(|e| {
                    format!("cannot learn the application id (set DISCORD_APPLICATION_ID): {e}")
                })?,
        };
        rest::set_application_id(&http, &app)?;
        let n = rest::register(&http, args.guild).await?;
        eprintln!(
            "mlbn bot: registered {n} commands; invite: {}",
            commands::invite_url(&app)
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("mlbn bot: interactions endpoint on http://{addr}/");
    let ep = Arc::new(server::Endpoint {
        bot,
        verifier,
        http,
        max_skew: server::MAX_SKEW,
    });
    server::serve(listener, ep)
        .await
        .map_err(|e| format!("the endpoint stopped: {e}"))
}

async fn run_gateway(
    args: &BotArgs,
    env: &dyn Env,
    token: String,
    api_base: Option<String>,
    bot: Arc<handler::Bot>,
) -> Result<(), String> {
    let handler = gateway::Handler {
        bot,
        guild: args.guild,
        register: !args.no_register,
        answer_messages: args.answer_messages,
    };
    let intents = gateway::intents(args.answer_messages);
    let mut builder = match &api_base {
        Some(base) => serenity::client::ClientBuilder::new_with_http(
            serenity::http::HttpBuilder::new(&token)
                .proxy(base.clone())
                .ratelimiter_disabled(true)
                .build(),
            intents,
        ),
        None => serenity::Client::builder(&token, intents),
    }
    .event_handler(handler);
    if let Some(id) = env.var("DISCORD_APPLICATION_ID") {
        let id: u64 = id
            .parse()
            .map_err(|_| "DISCORD_APPLICATION_ID is not a number".to_string())?;
        builder = builder.application_id(serenity::all::ApplicationId::new(id));
    }
    let mut client = builder
        .await
        .map_err(|e| format!("cannot create the Discord client: {e}"))?;
    client
        .start_autosharded()
        .await
        .map_err(|e| format!("the gateway connection failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct FakeEnv(HashMap<&'static str, &'static str>);

    impl Env for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnv {
        FakeEnv(pairs.iter().copied().collect())
    }

    #[test]
    fn missing_token_is_a_clear_error() {
        let e = token(&BotArgs::default(), &env(&[])).unwrap_err();
        assert!(
            e.contains("DISCORD_TOKEN") && e.contains("--token-file"),
            "{e}"
        );
    }

    #[test]
    fn token_from_env_or_file_is_never_echoed() {
        let t = token(
            &BotArgs::default(),
            &env(&[("DISCORD_TOKEN", " Bot abc.def ")]),
        );
        assert_eq!(t.unwrap(), "abc.def");
        let bad = token(
            &BotArgs::default(),
            &env(&[("DISCORD_TOKEN", "secret part2")]),
        );
        let e = bad.unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        let args = BotArgs {
            token_file: Some(PathBuf::from("/nonexistent/mlbn-token")),
            ..Default::default()
        };
        let e = token(&args, &env(&[("DISCORD_TOKEN", "x")])).unwrap_err();
        assert!(e.contains("cannot read the token file"), "{e}");
    }

    #[test]
    fn api_base_from_flag_or_env() {
        let args = BotArgs::default();
        assert_eq!(api_base(&args, &env(&[])).unwrap(), None);
        assert_eq!(
            api_base(
                &args,
                &env(&[("MLBN_DISCORD_API_BASE", "http://127.0.0.1:9/")])
            )
            .unwrap(),
            Some("http://127.0.0.1:9".to_string())
        );
        let args = BotArgs {
            api_base: Some("ftp://x".into()),
            ..Default::default()
        };
        assert!(api_base(&args, &env(&[])).is_err());
    }

    #[test]
    fn invite_url_has_the_two_scopes_and_minimal_permissions() {
        let u = commands::invite_url("123");
        assert!(u.contains("client_id=123"));
        assert!(u.contains("scope=bot%20applications.commands"));
        assert!(u.ends_with("permissions=117824"), "{u}");
    }

    #[test]
    fn stale_or_garbled_timestamps_are_not_fresh() {
        let skew = server::MAX_SKEW;
        assert!(server::fresh("1000", 1000, skew));
        assert!(server::fresh("1000", 1000 + skew.as_secs(), skew));
        assert!(!server::fresh("1000", 1001 + skew.as_secs(), skew));
        assert!(!server::fresh("abc", 1000, skew));
        assert!(!server::fresh("", 1000, skew));
    }
}
