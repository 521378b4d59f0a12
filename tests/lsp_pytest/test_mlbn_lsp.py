"""The real `mlbn lsp` binary driven by a third-party client (pytest-lsp, on pygls).

Run from the repository root after `cargo build -p mlbn-cli`:

    MLBN_BIN=target/debug/mlbn python -m pytest tests/lsp_pytest
"""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
MLBN = os.environ.get("MLBN_BIN", str(ROOT / "target" / "debug" / "mlbn"))

URI = (ROOT / "tests" / "lsp_pytest" / "scenario.mlbn").as_uri()
TEXT = "# two cards\n2x rtx4090 nvlink\nllama3-70b q4_k_m\nauto\n"
BROKEN = "2x rtx4900 nvlink\nllama3-70b q4_k_m\nauto\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[MLBN, "lsp"]))
async def client(lsp_client: LanguageClient):
    # Neovim 0.10's capabilities: a real client's, not one shaped to this server.
    params = types.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("neovim@0.10")
    )
    result = await lsp_client.initialize_session(params)
    assert result.server_info is not None and result.server_info.name == "mlbn"
    caps = result.capabilities
    assert caps.hover_provider
    assert caps.inlay_hint_provider
    assert caps.completion_provider is not None
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="mlbn", version=version, text=text
            )
        )
    )


async def test_diagnostics_point_at_the_misspelt_device(client: LanguageClient):
    open_doc(client, BROKEN)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diags = client.diagnostics[URI]
    unknown = [d for d in diags if d.code == "unknown_device"]
    assert unknown, diags
    d = unknown[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == types.Position(line=0, character=3)
    assert d.range.end == types.Position(line=0, character=10)
    assert d.data["fixes"], d


async def test_hover_shows_the_device_card(client: LanguageClient):
    open_doc(client, TEXT)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert not [
        d
        for d in client.diagnostics[URI]
        if d.severity == types.DiagnosticSeverity.Error
    ]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=1, character=5),
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "GB/s" in hover.contents.value
    assert hover.range.start == types.Position(line=1, character=3)


async def test_inlay_hints_at_line_ends(client: LanguageClient):
    open_doc(client, TEXT)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(
                start=types.Position(line=0, character=0),
                end=types.Position(line=10, character=0),
            ),
        )
    )
    assert hints
    lines = {h.position.line for h in hints}
    assert {1, 2, 3} <= lines, hints
