//! Gateway mode: serenity's client with autosharding. Interactions go through the same
//! [`Bot::step`] as the HTTP endpoint; with `--answer-messages` (and the message-content
//! intent granted) messages holding a ```mlbn block get a reaction, then a reply.

use crate::handler::{
    Bot, Incoming, Kind, Prepared, Request, Step, extract_config, finish, has_mlbn_block, prepare,
    timeout_notice,
};
use crate::view::callback;
use serenity::all::{
    CommandDataOptionValue, CommandInteraction, Context, EventHandler, GatewayIntents, Interaction,
    Message, ReactionType, Ready,
};
use serenity::async_trait;
use std::sync::Arc;
use std::time::Instant;

pub struct Handler {
    pub bot: Arc<Bot>,
    pub guild: Option<u64>,
    pub register: bool,
    pub answer_messages: bool,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler").finish_non_exhaustive()
    }
}

/// Intents: none privileged unless the message listener is on.
pub fn intents(answer_messages: bool) -> GatewayIntents {
    let mut i = GatewayIntents::GUILDS;
    if answer_messages {
        i |= GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::DIRECT_MESSAGES
            | GatewayIntents::MESSAGE_CONTENT;
    }
    i
}

fn incoming_of_command(c: &CommandInteraction, kind: Kind) -> Incoming {
    let mut options = Vec::new();
    let mut focused = None;
    for o in &c.data.options {
        match &o.value {
            CommandDataOptionValue::String(s) => options.push((o.name.clone(), s.clone())),
            CommandDataOptionValue::Autocomplete { value, .. } => {
                focused = Some(o.name.clone());
                options.push((o.name.clone(), value.clone()));
            }
            _ => {}
        }
    }
    let target_text = c
        .data
        .target_id
        .and_then(|t| c.data.resolved.messages.get(&t.to_message_id()))
        .map(|m| m.content.clone());
    Incoming {
        kind,
        id: c.id.to_string(),
        token: c.token.clone(),
        application_id: c.application_id.to_string(),
        user_id: c.user.id.to_string(),
        command: c.data.name.clone(),
        options,
        focused,
        target_text,
    }
}

async fn run_request(bot: &Arc<Bot>, request: Request) -> Result<Prepared, ()> {
    let cat = bot.catalog;
    match tokio::time::timeout(
        bot.timeout,
        tokio::task::spawn_blocking(move || prepare(cat, request)),
    )
    .await
    {
        Ok(Ok(p)) => Ok(p),
        _ => Err(()),
    }
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        eprintln!(
            "mlbn bot: connected as {} (shard {:?}) in {} guilds",
            ready.user.name,
            ready.shard.map(|s| s.id.0),
            ready.guilds.len()
        );
        if self.register && ready.shard.is_none_or(|s| s.id.0 == 0) {
            match crate::rest::register(&ctx.http, self.guild).await {
                Ok(n) => eprintln!("mlbn bot: registered {n} commands"),
                Err(e) => eprintln!("mlbn bot: {e}"),
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let inc = match &interaction {
            Interaction::Command(c) => incoming_of_command(c, Kind::Command),
            Interaction::Autocomplete(c) => incoming_of_command(c, Kind::Autocomplete),
            _ => return,
        };
        let http = ctx.http.clone();
        let request = match self.bot.step(&inc, Instant::now()) {
            Step::Respond(v) => {
                if let Err(e) = crate::rest::callback(&http, &inc.id, &inc.token, &v).await {
                    eprintln!("mlbn bot: {e}");
                }
                return;
            }
            Step::Bottleneck(r) => r,
        };
        let ready = match run_request(&self.bot, request).await {
            Ok(Prepared::Ready(r)) => r,
            Ok(Prepared::Reject(m)) => {
                let _ =
                    crate::rest::callback(&http, &inc.id, &inc.token, &callback::message(&m)).await;
                return;
            }
            Err(()) => {
                let body = callback::message(&timeout_notice());
                let _ = crate::rest::callback(&http, &inc.id, &inc.token, &body).await;
                return;
            }
        };
        if let Err(e) =
            crate::rest::callback(&http, &inc.id, &inc.token, &callback::deferred(false)).await
        {
            eprintln!("mlbn bot: {e}");
            return;
        }
        let cat = self.bot.catalog;
        let work = tokio::task::spawn_blocking(move || finish(cat, &ready));
        let m = match tokio::time::timeout(self.bot.timeout, work).await {
            Ok(Ok(m)) => m,
            _ => timeout_notice(),
        };
        if let Err(e) = crate::rest::edit_original(&http, &inc.application_id, &inc.token, &m).await
        {
            eprintln!("mlbn bot: {e}");
        }
    }

    async fn message(&self, ctx: Context, msg: Message) {
        if !self.answer_messages || msg.author.bot || !has_mlbn_block(&msg.content) {
            return;
        }
        if self
            .bot
            .cooldown_wait(&msg.author.id.to_string(), Instant::now())
            .is_some()
        {
            return;
        }
        // React first so the author sees the bot is on it, then reply.
        let _ = msg
            .react(&ctx.http, ReactionType::Unicode("🔍".to_string()))
            .await;
        let request = Request::new(extract_config(&msg.content));
        let m = match run_request(&self.bot, request).await {
            Ok(Prepared::Reject(m)) => m,
            Ok(Prepared::Ready(r)) => {
                let cat = self.bot.catalog;
                let work = tokio::task::spawn_blocking(move || finish(cat, &r));
                match tokio::time::timeout(self.bot.timeout, work).await {
                    Ok(Ok(m)) => m,
                    _ => timeout_notice(),
                }
            }
            Err(()) => timeout_notice(),
        };
        if let Err(e) = crate::rest::reply(&ctx.http, msg.channel_id, msg.id, &m).await {
            eprintln!("mlbn bot: {e}");
        }
    }
}
