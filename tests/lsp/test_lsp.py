"""End-to-end tests of `cardlint lsp`, driven by pytest-lsp: a real LSP client talking to the
server process over stdio. Run by tests/lsp_e2e.rs (cargo test), which passes the binary in
CARDLINT_BIN; the client is pinned in tests/sdk/requirements.txt and installed by .ci/run.

Expected positions are not written down: they come from `cardlint check -f json` (1-based
lines, code-point columns) and are converted here to the encoding negotiated, so the test
checks that both agree.
"""

import json
import os
import pathlib
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

BIN = os.environ["CARDLINT_BIN"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
VALID = (ROOT / "fixtures/endpoints/card.create/valid-groupon.json").read_text("utf-8")

# A GROUPON card with an emoji and CJK before a quoted integer on the same line (TYPE001, a
# safe fix), and a colour that is no palette name (SCHEMA004, no fix).
BROKEN = VALID.replace(
    '"title": "双人火锅套餐",', '"title": "双人😀火锅", "use_limit": "1",'
).replace('        "use_limit": 1,\n', "").replace('"Color010"', '"red"')
assert BROKEN != VALID and '"use_limit": "1"' in BROKEN


def cli_findings(path: pathlib.Path):
    out = subprocess.run(
        [BIN, "check", "-f", "json", "--lang", "en", str(path)],
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["files"][0]["findings"]


def units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of `encoding` (utf-32: code points)."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def lsp_position(text: str, line: int, column: int, encoding: str) -> t.Position:
    """A 1-based line and code-point column as an LSP position in `encoding`."""
    row = text.split("\n")[line - 1]
    return t.Position(line=line - 1, character=units(row[: column - 1], encoding))


def offset(text: str, pos: t.Position, encoding: str) -> int:
    """The code-point offset of an LSP position in `encoding`."""
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[: pos.line])
    row = lines[pos.line]
    count = 0
    for i, ch in enumerate(row):
        if count >= pos.character:
            return start + i
        count += units(ch, encoding)
    return start + len(row)


def apply(text: str, edits, encoding: str) -> str:
    spans = sorted(
        ((offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text) for e in edits),
        reverse=True,
    )
    for s, e, new in spans:
        text = text[:s] + new + text[e:]
    return text


def capabilities(encodings=None):
    caps = client_capabilities("visual-studio-code")
    if encodings is not None:
        caps.general = t.GeneralClientCapabilities(position_encodings=encodings)
    return caps


def start(encodings=None, locale="en", options=None):
    """A fixture factory: the server started and initialized with these settings."""

    @pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
    async def client(lsp_client: LanguageClient):
        lsp_client.registrations = []

        @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
        def register(params: t.RegistrationParams):
            lsp_client.registrations.extend(params.registrations)

        result = await lsp_client.initialize_session(
            t.InitializeParams(
                capabilities=capabilities(encodings),
                locale=locale,
                initialization_options=options or {"debounceMs": 20},
            )
        )
        lsp_client.negotiated = result.capabilities.position_encoding
        yield
        await lsp_client.shutdown_session()
        assert lsp_client._server.returncode == 0

    return client


client16 = start()
client8 = start(encodings=[t.PositionEncodingKind.Utf8, t.PositionEncodingKind.Utf16])
client32 = start(encodings=[t.PositionEncodingKind.Utf32])
client_zh = start(locale="zh-CN")


async def open_doc(client: LanguageClient, path: pathlib.Path, text: str, version=1):
    path.write_text(text, "utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri, language_id="json", version=version, text=text)
        )
    )
    await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def change(client: LanguageClient, uri: str, text: str, version: int):
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def codes(client, uri):
    return sorted(d.code for d in client.diagnostics[uri])


async def check_positions(client, tmp_path, encoding):
    assert client.negotiated == encoding
    path = tmp_path / "card.json"
    uri = await open_doc(client, path, BROKEN)
    expected = cli_findings(path)
    got = client.diagnostics[uri]
    assert sorted(d.code for d in got) == sorted(f["code"] for f in expected)
    for f in expected:
        start = lsp_position(BROKEN, f["line"], f["column"], encoding)
        end = lsp_position(BROKEN, f["end_line"], f["end_column"], encoding)
        match = [d for d in got if d.code == f["code"] and d.range.start == start and d.range.end == end]
        assert match, f"{f['code']} at {start}..{end} not in {[(d.code, d.range) for d in got]}"
        d = match[0]
        assert d.source == "cardlint"
        assert d.message == f["message"]
        assert d.code_description.href.endswith("rules.md#" + f["code"].lower())
    type001 = [d for d in got if d.code == "TYPE001"][0]
    # the emoji is two UTF-16 units and four UTF-8 bytes: the column says which was used
    row = BROKEN.split("\n")[type001.range.start.line]
    col = row.index('"1"')
    assert type001.range.start.character == units(row[:col], encoding)
    return uri, path


@pytest.mark.asyncio
async def test_utf16_positions_by_default(client16: LanguageClient, tmp_path):
    await check_positions(client16, tmp_path, "utf-16")


@pytest.mark.asyncio
async def test_utf8_positions_when_offered(client8: LanguageClient, tmp_path):
    await check_positions(client8, tmp_path, "utf-8")


@pytest.mark.asyncio
async def test_utf32_positions_when_only_they_are_offered(client32: LanguageClient, tmp_path):
    await check_positions(client32, tmp_path, "utf-32")


@pytest.mark.asyncio
async def test_duplicate_keys_point_at_each_other(client16: LanguageClient, tmp_path):
    text = VALID.replace('"use_limit": 1,', '"use_limit": 1, "use_limit": 2,')
    uri = await open_doc(client16, tmp_path / "card.json", text)
    dups = [d for d in client16.diagnostics[uri] if d.related_information]
    assert dups, client16.diagnostics[uri]
    related = dups[0].related_information[0]
    assert related.location.uri == uri
    row = text.split("\n")[related.location.range.start.line]
    first = row.index('"use_limit"')
    assert related.location.range.start.character == first
    assert dups[0].range.start.character == row.index('"use_limit"', first + 1)


@pytest.mark.asyncio
async def test_quick_fix_removes_the_diagnostic(client16: LanguageClient, tmp_path):
    uri, _ = await check_positions(client16, tmp_path, "utf-16")
    d = [d for d in client16.diagnostics[uri] if d.code == "TYPE001"][0]
    actions = await client16.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=t.CodeActionContext(diagnostics=[d], only=[t.CodeActionKind.QuickFix]),
        )
    )
    fixes = [a for a in actions if a.title.startswith("Fix TYPE001")]
    assert len(fixes) == 1 and fixes[0].is_preferred
    edits = fixes[0].edit.changes[uri]
    fixed = apply(BROKEN, edits, "utf-16")
    assert '"use_limit": 1,' in fixed and fixed.replace('"use_limit": 1,', '"use_limit": "1",') == BROKEN
    # ignoring a rule is offered too
    assert any(a.title.startswith("Ignore TYPE001 in cardlint.toml") for a in actions)
    await change(client16, uri, fixed, 2)
    assert "TYPE001" not in codes(client16, uri)
    assert "SCHEMA004" in codes(client16, uri)


@pytest.mark.asyncio
async def test_fix_all_makes_the_safe_fixes(client8: LanguageClient, tmp_path):
    text = BROKEN.replace('"can_share": true', '"can_share": True')
    uri = await open_doc(client8, tmp_path / "card.json", text)
    before = codes(client8, uri)
    assert "JSON003" in before and "TYPE001" in before
    actions = await client8.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            range=t.Range(start=t.Position(line=0, character=0), end=t.Position(line=0, character=0)),
            context=t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind("source.fixAll")]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.cardlint"]
    fixed = apply(text, actions[0].edit.changes[uri], "utf-8")
    await change(client8, uri, fixed, 2)
    assert codes(client8, uri) == ["SCHEMA004"]
    # what --fix writes, byte for byte
    path = tmp_path / "cli.json"
    path.write_text(text, "utf-8")
    subprocess.run([BIN, "check", "--fix", str(path)], capture_output=True)
    assert path.read_text("utf-8") == fixed


@pytest.mark.asyncio
async def test_hover_explains_the_finding_and_the_field(client16: LanguageClient, tmp_path):
    uri = await open_doc(client16, tmp_path / "card.json", BROKEN)
    d = [d for d in client16.diagnostics[uri] if d.code == "SCHEMA004"][0]
    hover = await client16.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri), position=d.range.start)
    )
    assert hover.contents.kind == t.MarkupKind.Markdown
    text = hover.contents.value
    assert "**SCHEMA004**" in text and "40076" in text and "Color010" in text
    # a field name: its type, its limit in bytes, required
    row = [i for i, l in enumerate(BROKEN.split("\n")) if '"notice"' in l][0]
    col = BROKEN.split("\n")[row].index('"notice"') + 2
    hover = await client16.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=row, character=col))
    )
    value = hover.contents.value
    assert "`notice`" in value and "`string`" in value and "48 bytes" in value and "required" in value


@pytest.mark.asyncio
async def test_completion_offers_fields_values_and_snippets(client16: LanguageClient, tmp_path):
    text = VALID.replace('"sku": {', '"sku": {  ', 1)
    uri = await open_doc(client16, tmp_path / "card.json", text)
    lines = text.split("\n")
    # where a member of base_info goes: right after `"base_info": {`
    row = [i for i, l in enumerate(lines) if '"base_info": {' in l][0]
    items = await client16.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri),
            position=t.Position(line=row, character=len(lines[row])),
        )
    )
    labels = [i.label for i in items]
    assert "title" in labels and "date_info" in labels and "logo_url" in labels
    title = [i for i in items if i.label == "title"][0]
    assert "bytes" in title.detail and title.detail.startswith("string")
    assert "date_info: DATE_TYPE_FIX_TERM" in labels
    snippet = [i for i in items if i.label == "date_info: DATE_TYPE_FIX_TERM"][0]
    assert snippet.insert_text_format == t.InsertTextFormat.Snippet and "fixed_term" in snippet.insert_text
    # a value: the palette, each colour with its hex
    row = [i for i, l in enumerate(lines) if '"Color010"' in l][0]
    col = lines[row].index('"Color010"') + 3
    items = await client16.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(line=row, character=col)
        )
    )
    colours = {i.label: i for i in items}
    assert "Color010" in colours and "Color102" in colours
    assert colours["Color010"].kind == t.CompletionItemKind.Color
    assert colours["Color010"].documentation == "#63b359"


@pytest.mark.asyncio
async def test_config_change_rechecks_open_documents(client16: LanguageClient, tmp_path):
    uri = await open_doc(client16, tmp_path / "card.json", BROKEN)
    assert "SCHEMA004" in codes(client16, uri)
    # the server asked to hear of cardlint.toml changes (the client can register watchers)
    watched = [r for r in client16.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert watched and watched[0].register_options["watchers"][0]["globPattern"] == "**/cardlint.toml"
    config = tmp_path / "cardlint.toml"
    config.write_text('ignore = ["SCHEMA004"]\n', "utf-8")
    client16.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Created)])
    )
    await client16.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "SCHEMA004" not in codes(client16, uri) and "TYPE001" in codes(client16, uri)
    # the editor's own settings: only errors, and one rule off
    client16.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"cardlint": {"ignore": ["TYPE001"]}})
    )
    await client16.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "TYPE001" not in codes(client16, uri)


@pytest.mark.asyncio
async def test_messages_follow_the_client_locale(client_zh: LanguageClient, tmp_path):
    uri = await open_doc(client_zh, tmp_path / "card.json", BROKEN)
    d = [d for d in client_zh.diagnostics[uri] if d.code == "SCHEMA004"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in d.message), d.message


@pytest.mark.asyncio
async def test_close_clears_the_diagnostics(client16: LanguageClient, tmp_path):
    uri = await open_doc(client16, tmp_path / "card.json", BROKEN)
    assert client16.diagnostics[uri]
    client16.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    await client16.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client16.diagnostics[uri]) == []
