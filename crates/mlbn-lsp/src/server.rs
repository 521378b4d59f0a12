//! The `LanguageServer` implementation: a document store and one handler per request, each
//! a few lines over `mlbn-ide` and [`crate::convert`].
//!
//! Analysis runs off the request path on tokio's blocking pool. Every stored text gets a
//! fresh generation number and one shared, lazily computed analysis: the background job and
//! any request that needs it wait on the same computation. Background jobs run one at a time
//! and skip texts that were superseded while they waited, so a burst of edits costs one
//! analysis of the latest text, not one per keystroke. A job publishes its diagnostics only
//! while its generation is still the document's, checked under one publish lock, so a slow
//! analysis of an old text can never overwrite the diagnostics of a newer one, and a close
//! (which publishes an empty list under the same lock) is never followed by a stale publish.
//!
//! Reverse planning (`target ...` statements) costs tens to hundreds of ms per goal, so it
//! never sits on the typing path: diagnostics are published first, then a separate task
//! plans the text (one search at a time, on the blocking pool, skipped or stopped between
//! scenarios once a newer text arrives) and caches the result on the document and by text
//! hash. Inlay hints only ever read a finished plan; when one lands for the current text the
//! server asks the client to refresh its hints. A code action on a `target` line waits for
//! the plan of its text (the same shared computation), since the user asked for it there.

use crate::convert::{self, DocView};
use crate::position::{Encoding, LineIndex};
use mlbn_ide::plan::ScenarioPlan;
use mlbn_ide::{Analysis, AnalyzeOptions};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

/// Largest file a scenario may refer to (`model "./config.json"`); larger ones are reported
/// as unreadable instead of being read.
const MAX_REFERENCED_FILE_BYTES: u64 = 4 << 20;

/// Plans kept per goal (the hint shows the first, code actions the first few).
const PLANS_PER_GOAL: usize = mlbn_ide::plan_edit::ACTIONS_PER_GOAL;

type Plans = Arc<Vec<ScenarioPlan>>;

/// One open document at one generation.
#[derive(Clone)]
struct Doc {
    version: i32,
    generation: u64,
    text: Arc<str>,
    /// Hash of `text`: plans are cached by it across generations with the same text.
    text_hash: u64,
    /// The plans of exactly this text, computed once off the request path.
    plans: Arc<tokio::sync::OnceCell<Plans>>,
    index: Arc<LineIndex>,
    /// The analysis of exactly this text, computed once by whoever needs it first.
    analysis: Arc<tokio::sync::OnceCell<Arc<Analysis>>>,
    /// Folder of the file, for paths the text refers to.
    dir: Option<PathBuf>,
}

impl Doc {
    fn view(&self, enc: Encoding) -> DocView<'_> {
        DocView {
            text: &self.text,
            index: &self.index,
            enc,
        }
    }
}

struct State {
    docs: Mutex<HashMap<lsp::Uri, Doc>>,
    encoding: OnceLock<Encoding>,
    generations: AtomicU64,
    /// Held while checking a generation and publishing, so publishes follow edits in order.
    publish: tokio::sync::Mutex<()>,
    /// One background analysis at a time; the others wait and then skip if superseded.
    background: tokio::sync::Semaphore,
    /// One plan search at a time, apart from analyses so it never holds up diagnostics.
    planning: tokio::sync::Semaphore,
    /// The last plans computed per document, by text hash.
    plan_cache: Mutex<HashMap<lsp::Uri, (u64, Plans)>>,
    /// The client re-requests inlay hints when asked (`workspace/inlayHint/refresh`).
    hint_refresh: OnceLock<bool>,
}

impl Default for State {
    fn default() -> Self {
        State {
            docs: Mutex::default(),
            encoding: OnceLock::new(),
            generations: AtomicU64::new(0),
            publish: tokio::sync::Mutex::new(()),
            background: tokio::sync::Semaphore::new(1),
            planning: tokio::sync::Semaphore::new(1),
            plan_cache: Mutex::default(),
            hint_refresh: OnceLock::new(),
        }
    }
}

impl State {
    fn docs(&self) -> MutexGuard<'_, HashMap<lsp::Uri, Doc>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.docs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.get().unwrap_or(&Encoding::Utf16)
    }

    fn get(&self, uri: &lsp::Uri) -> Option<Doc> {
        self.docs().get(uri).cloned()
    }

    fn next_generation(&self) -> u64 {
        self.generations.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// True while `generation` is the document's current text.
    fn current(&self, uri: &lsp::Uri, generation: u64) -> bool {
        self.docs()
            .get(uri)
            .is_some_and(|d| d.generation == generation)
    }

    fn cached_plans(&self, uri: &lsp::Uri, text_hash: u64) -> Option<Plans> {
        let cache = self.plan_cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(uri)
            .filter(|(h, _)| *h == text_hash)
            .map(|(_, p)| p.clone())
    }
}

fn hash_text(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// The plans of `doc`'s text: from the cache, else searched on the blocking pool (one search
/// at a time). `None` when the text was superseded before or during the search: a newer text
/// gets its own plans, and a half-planned old one is not worth keeping.
async fn plans_of(
    state: &Arc<State>,
    uri: &lsp::Uri,
    doc: &Doc,
    analysis: Arc<Analysis>,
) -> Option<Plans> {
    doc.plans
        .get_or_try_init(|| async {
            if let Some(hit) = state.cached_plans(uri, doc.text_hash) {
                return Ok(hit);
            }
            let _turn = state.planning.acquire().await.map_err(|_| ())?;
            if !state.current(uri, doc.generation) {
                return Err(());
            }
            let job_state = state.clone();
            let job_uri = uri.clone();
            let generation = doc.generation;
            let plans = blocking(move || {
                let opts = AnalyzeOptions::builtin();
                mlbn_ide::plan_edit::plan_goals(&analysis, &opts, PLANS_PER_GOAL, &mut || {
                    job_state.current(&job_uri, generation)
                })
            })
            .await
            .ok_or(())?;
            if !state.current(uri, doc.generation) {
                return Err(());
            }
            let plans = Arc::new(plans);
            state
                .plan_cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(uri.clone(), (doc.text_hash, plans.clone()));
            Ok(plans)
        })
        .await
        .ok()
        .cloned()
}

/// True when some scenario has a goal (only then is there anything to plan).
fn has_goal(analysis: &Analysis) -> bool {
    mlbn_ide::plan::has_goal(analysis, mlbn_catalog::Catalog::builtin())
}

/// True when `span` touches a `target` statement of the analysis.
fn touches_target(analysis: &Analysis, span: mlbn_syntax::Span) -> bool {
    let cat = mlbn_catalog::Catalog::builtin();
    analysis.parsed.file.scenarios.iter().any(|sc| {
        mlbn_ide::plan::goal_spec(sc, cat, &mut Vec::new())
            .target_span
            .is_some_and(|t| t.start <= span.end && span.start <= t.end)
    })
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            state: Arc::new(State::default()),
        }
    }

    fn store(&self, uri: lsp::Uri, version: i32, text: String) -> u64 {
        let generation = self.state.next_generation();
        let dir = uri
            .to_file_path()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let doc = Doc {
            version,
            generation,
            index: Arc::new(LineIndex::new(&text)),
            text_hash: hash_text(&text),
            plans: Arc::default(),
            text: text.into(),
            analysis: Arc::default(),
            dir,
        };
        self.state.docs().insert(uri, doc);
        generation
    }

    /// Analyses the document in the background and publishes its diagnostics if no newer
    /// text arrived meanwhile.
    fn schedule(&self, uri: lsp::Uri, generation: u64) {
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let Ok(turn) = state.background.acquire().await else {
                return;
            };
            // Skip texts already superseded by a later edit: the latest version wins.
            let Some(doc) = state.get(&uri).filter(|d| d.generation == generation) else {
                return;
            };
            let Some(analysis) = analysis_of(&doc).await else {
                return;
            };
            let enc = state.encoding();
            let job = doc.clone();
            let for_plans = analysis.clone();
            let Some(diagnostics) = blocking(move || {
                let view = job.view(enc);
                analysis
                    .diagnostics
                    .iter()
                    .map(|d| convert::diagnostic(d, view))
                    .collect::<Vec<lsp::Diagnostic>>()
            })
            .await
            else {
                return;
            };
            let order = state.publish.lock().await;
            if state
                .docs()
                .get(&uri)
                .is_none_or(|d| d.generation != generation)
            {
                return;
            }
            client
                .publish_diagnostics(uri.clone(), diagnostics, Some(doc.version))
                .await;
            drop(order);
            drop(turn);
            // Diagnostics are out and the next analysis may start: now plan, if there is a goal.
            if has_goal(&for_plans)
                && plans_of(&state, &uri, &doc, for_plans).await.is_some()
                && state.current(&uri, generation)
                && state.hint_refresh.get() == Some(&true)
                && let Err(e) = client.inlay_hint_refresh().await
            {
                eprintln!("mlbn lsp: inlay hint refresh failed: {e}");
            }
        });
    }

    /// The document and the analysis of its current text.
    async fn analysed(&self, uri: &lsp::Uri) -> Option<(Doc, Arc<Analysis>)> {
        let doc = self.state.get(uri)?;
        let analysis = analysis_of(&doc).await?;
        Some((doc, analysis))
    }

    async fn log(&self, typ: lsp::MessageType, message: String) {
        eprintln!("mlbn lsp: {message}");
        self.client.log_message(typ, message).await;
    }
}

/// Runs `f` on the blocking pool. A panic inside becomes `None`: a bug in one request must
/// not take the server down.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => Some(v),
        Err(e) => {
            eprintln!("mlbn lsp: a request failed internally: {e}");
            None
        }
    }
}

/// The document's analysis: computed on the blocking pool by the first caller, shared by all.
async fn analysis_of(doc: &Doc) -> Option<Arc<Analysis>> {
    let job = doc.clone();
    doc.analysis
        .get_or_try_init(|| async move {
            blocking(move || Arc::new(analyze(&job.text, job.dir.as_deref())))
                .await
                .ok_or(())
        })
        .await
        .ok()
        .cloned()
}

/// Analysis of one text, with the files it refers to read from beside the document.
fn analyze(text: &str, dir: Option<&Path>) -> Analysis {
    let parsed = mlbn_syntax::parse(text);
    let mut opts = AnalyzeOptions::builtin();
    for (path, _) in mlbn_ide::referenced_files(&parsed.file) {
        let contents = read_referenced(&path, dir);
        opts = opts.with_file(path, contents);
    }
    mlbn_ide::analyze_parsed(text, parsed, &opts)
}

fn read_referenced(path: &str, dir: Option<&Path>) -> std::result::Result<String, String> {
    let p = Path::new(path);
    let full = match dir {
        Some(d) if p.is_relative() => d.join(p),
        None if p.is_relative() => {
            return Err("the document is not a file, so relative paths cannot be read".into());
        }
        _ => p.to_path_buf(),
    };
    let len = std::fs::metadata(&full)
        .map_err(|e| format!("{}: {e}", full.display()))?
        .len();
    if len > MAX_REFERENCED_FILE_BYTES {
        return Err(format!(
            "{} is {len} bytes; the limit is {MAX_REFERENCED_FILE_BYTES}",
            full.display()
        ));
    }
    std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))
}

/// Applies protocol content changes to `text`: a change without a range replaces the text,
/// one with a range replaces that range (clamped to the text).
fn apply_changes(
    text: &str,
    changes: Vec<lsp::TextDocumentContentChangeEvent>,
    enc: Encoding,
) -> String {
    let mut text = text.to_string();
    for change in changes {
        match change.range {
            None => text = change.text,
            Some(range) => {
                let index = LineIndex::new(&text);
                let (a, b) = index.offsets(&text, range, enc);
                text.replace_range(a..b, &change.text);
            }
        }
    }
    text
}

fn capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            // After `2x ` come devices, after `over ` links, after `=` values.
            trigger_characters: Some(vec![" ".into(), "=".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::REFACTOR_REWRITE,
                ]),
                ..Default::default()
            },
        )),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..Default::default()
                },
            ),
        ),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&lsp::PositionEncodingKind::UTF8));
        let enc = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let enc = *self.state.encoding.get_or_init(|| enc);
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false);
        let _ = self.state.hint_refresh.set(refresh);
        Ok(lsp::InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(lsp::ServerInfo {
                name: "mlbn".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        let enc = self.state.encoding();
        self.log(
            lsp::MessageType::INFO,
            format!("mlbn language server ready (positions in {enc:?})"),
        )
        .await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let td = params.text_document;
        let generation = self.store(td.uri.clone(), td.version, td.text);
        self.schedule(td.uri, generation);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let Some(doc) = self.state.get(&uri) else {
            self.log(
                lsp::MessageType::WARNING,
                format!("change for a document that is not open: {}", uri.as_str()),
            )
            .await;
            return;
        };
        // Full sync: an older version arriving late would only bring back old text.
        if version <= doc.version {
            return;
        }
        let text = apply_changes(&doc.text, params.content_changes, self.state.encoding());
        let generation = self.store(uri.clone(), version, text);
        self.schedule(uri, generation);
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let _order = self.state.publish.lock().await;
        self.state.docs().remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        let Some((doc, analysis)) = self.analysed(&p.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        Ok(blocking(move || {
            let view = doc.view(enc);
            mlbn_ide::hover(&analysis, view.offset(p.position)).map(|h| convert::hover(&h, view))
        })
        .await
        .flatten())
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let p = params.text_document_position;
        let Some(doc) = self.state.get(&p.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        let items = blocking(move || {
            let view = doc.view(enc);
            let items = mlbn_ide::completions(&doc.text, view.offset(p.position));
            convert::completions(&items, view)
        })
        .await;
        Ok(items.map(|items| {
            lsp::CompletionResponse::List(lsp::CompletionList {
                // The ide caps its list; ask again as the user types so the cap never hides
                // the item they want.
                is_incomplete: items.len() >= mlbn_ide::MAX_COMPLETIONS,
                items,
            })
        }))
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let Some((doc, analysis)) = self.analysed(&params.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        // Only a finished plan is shown: planning runs in the background (see `schedule`),
        // and the client is asked to refresh when it lands.
        let plans = doc.plans.get().cloned();
        Ok(blocking(move || {
            let view = doc.view(enc);
            let wanted = view.span(params.range);
            let mut hints = mlbn_ide::inlay_hints(&analysis);
            if let Some(plans) = plans {
                hints.extend(mlbn_ide::plan_edit::plan_hints(&plans));
            }
            convert::inlay_hints(&hints, Some(wanted), view)
        })
        .await)
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some((doc, analysis)) = self.analysed(&uri).await else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        let span = doc.view(enc).span(params.range);
        // On a target line the user asks for plans: wait for this text's (shared) search.
        let plans = if touches_target(&analysis, span) {
            plans_of(&self.state, &uri, &doc, analysis.clone()).await
        } else {
            None
        };
        Ok(blocking(move || {
            let view = doc.view(enc);
            let mut seen = Vec::new();
            let mut actions = Vec::new();
            for fix in mlbn_ide::code_fixes(&analysis, span) {
                if seen.contains(&fix) {
                    continue;
                }
                let owners: Vec<&mlbn_syntax::Diagnostic> = analysis
                    .diagnostics
                    .iter()
                    .filter(|d| d.fixes.contains(&fix))
                    .collect();
                let preferred = owners.iter().any(|d| d.fixes.first() == Some(&fix));
                let diags = owners
                    .iter()
                    .map(|d| convert::diagnostic(d, view))
                    .collect();
                actions.push(lsp::CodeActionOrCommand::CodeAction(convert::code_action(
                    &fix, diags, preferred, &uri, view,
                )));
                seen.push(fix);
            }
            if let Some(plans) = plans {
                let cat = mlbn_catalog::Catalog::builtin();
                for fix in mlbn_ide::plan_edit::plan_fixes(cat, &analysis, &plans, span) {
                    let mut action = convert::code_action(&fix, Vec::new(), false, &uri, view);
                    action.kind = Some(lsp::CodeActionKind::REFACTOR_REWRITE);
                    actions.push(lsp::CodeActionOrCommand::CodeAction(action));
                }
            }
            actions
        })
        .await)
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let Some(doc) = self.state.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        Ok(blocking(move || {
            let formatted = mlbn_syntax::format(&doc.text);
            convert::formatting(&formatted, doc.view(enc))
        })
        .await)
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let Some((doc, analysis)) = self.analysed(&params.text_document.uri).await else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        Ok(blocking(move || {
            lsp::DocumentSymbolResponse::Nested(convert::document_symbols(
                &analysis.parsed.file,
                doc.view(enc),
            ))
        })
        .await)
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let Some(doc) = self.state.get(&params.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        Ok(blocking(move || {
            let tokens = mlbn_syntax::tokens(&doc.text);
            lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(&tokens, doc.view(enc)),
            })
        })
        .await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(range: Option<lsp::Range>, text: &str) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn full_and_ranged_changes_apply_in_order() {
        let pos = lsp::Position::new;
        let t = apply_changes(
            "old",
            vec![
                change(None, "2x rtx4090\nauto"),
                change(Some(lsp::Range::new(pos(0, 0), pos(0, 2))), "4x"),
                // Past the end clamps to the end.
                change(Some(lsp::Range::new(pos(9, 9), pos(9, 9))), "\nllama3-8b"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(t, "4x rtx4090\nauto\nllama3-8b");
    }

    #[test]
    fn ranged_change_after_an_emoji_uses_utf16() {
        let pos = lsp::Position::new;
        let t = apply_changes(
            "# 🚀 x",
            vec![change(Some(lsp::Range::new(pos(0, 5), pos(0, 6))), "y")],
            Encoding::Utf16,
        );
        assert_eq!(t, "# 🚀 y");
    }

    #[test]
    fn capabilities_state_the_negotiated_encoding() {
        let c = capabilities(Encoding::Utf8);
        assert_eq!(c.position_encoding, Some(lsp::PositionEncodingKind::UTF8));
        let c = capabilities(Encoding::Utf16);
        assert_eq!(c.position_encoding, Some(lsp::PositionEncodingKind::UTF16));
        assert!(c.inlay_hint_provider.is_some());
    }

    #[test]
    fn relative_reference_without_a_folder_is_an_error_not_a_read() {
        assert!(read_referenced("./config.json", None).is_err());
        assert!(read_referenced("/definitely/not/here.json", None).is_err());
    }
}
