"""E-mail delivery against a real SMTP server (aiosmtpd) on loopback, with TLS certificates from trustme."""

import email
import email.policy
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from invoice_graph.mail import (
    Attachment,
    MailError,
    SmtpTarget,
    build_message,
    parse_smtp_url,
    redacted,
    send_message,
)

USER = "billing"
PASSWORD = "p@ss:wörd/1%"  # every character that needs percent-encoding in a URL
CREDENTIALS = f"{USER}:{quote(PASSWORD, safe='')}"
SUBJECT = "您的增值税电子普通发票（2024年12月）"
PDF = Attachment("电子发票 №24120001.pdf", "application/pdf", b"%PDF-1.7\n\x00\xff\xfe binary\r\n%%EOF")
XML = Attachment("invoice.xml", "application/xml", "<发票><金额>100.00</金额></发票>".encode())

StartServer = Callable[..., int]


class Recorder:
    """An aiosmtpd handler that keeps every delivered envelope, or answers RCPT or DATA with a set reply."""

    def __init__(self, *, rcpt_reply: str | None = None, data_reply: str | None = None) -> None:
        self.envelopes: list[Envelope] = []
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply and not address.startswith("ok"):
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def received(self) -> EmailMessage:
        """The one message delivered, parsed."""
        assert len(self.envelopes) == 1
        content = self.envelopes[0].content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 235 or 535 reply


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Starts aiosmtpd servers on free loopback ports (returning the port); stops them after the test."""
    controllers: list[Controller] = []

    def start(handler: Recorder, **options: Any) -> int:
        port = _free_port()
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, server_hostname="mail.test", **options
        )
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _message(to: tuple[str, ...] = ("ok-buyer@example.com",)) -> EmailMessage:
    return build_message(
        sender="发票中心 <invoices@example.com>",
        to=to,
        subject=SUBJECT,
        text="您好：\n附件是您申请的电子发票，请查收。",
        attachments=[PDF, XML],
    )


async def _send(
    url: str, message: EmailMessage | None = None, *, ca_file: Path | None = None, seconds: float = 5.0
) -> str:
    """Sends over SMTP with a short timeout, so that a hang fails the test quickly."""
    return await send_message(
        message or _message(), smtp_url=url, outbox_dir=Path("unused"), timeout=seconds, ca_file=ca_file
    )


def _assert_is_invoice_mail(message: EmailMessage) -> None:
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].addr_spec == "invoices@example.com"
    assert message["From"].addresses[0].display_name == "发票中心"
    body = message.get_body(("plain",))
    assert body is not None
    assert "电子发票" in body.get_content()
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert attachments == {PDF.filename: PDF.data, XML.filename: XML.data}


async def test_plain_smtp_delivers_the_message_and_its_attachments(start_server: StartServer) -> None:
    handler = Recorder()
    port = start_server(handler)

    where = await _send(f"smtp://127.0.0.1:{port}")

    assert where == f"smtp 127.0.0.1:{port}"
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "invoices@example.com"
    assert envelope.rcpt_tos == ["ok-buyer@example.com"]
    received = handler.received()
    _assert_is_invoice_mail(received)
    assert received["To"] == "ok-buyer@example.com"
    assert received["Message-ID"].endswith("@example.com>")
    assert received["Date"].datetime.tzinfo is not None


async def test_starttls_with_login(
    start_server: StartServer, server_tls: ssl.SSLContext, ca_file: Path
) -> None:
    handler = Recorder()
    port = start_server(
        handler,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=_authenticate,
    )
    url = f"smtp://{CREDENTIALS}@127.0.0.1:{port}?starttls=true"

    await _send(url, ca_file=ca_file)

    _assert_is_invoice_mail(handler.received())


async def test_implicit_tls(start_server: StartServer, server_tls: ssl.SSLContext, ca_file: Path) -> None:
    handler = Recorder()
    port = start_server(handler, ssl_context=server_tls)

    where = await _send(f"smtps://127.0.0.1:{port}", ca_file=ca_file)

    assert where == f"smtp 127.0.0.1:{port}"
    _assert_is_invoice_mail(handler.received())


async def test_an_untrusted_certificate_is_permanent(
    start_server: StartServer, server_tls: ssl.SSLContext
) -> None:
    port = start_server(Recorder(), ssl_context=server_tls)

    with pytest.raises(MailError) as failure:
        await _send(f"smtps://127.0.0.1:{port}")

    assert failure.value.transient is False


async def test_a_wrong_password_is_permanent(
    start_server: StartServer, server_tls: ssl.SSLContext, ca_file: Path
) -> None:
    handler = Recorder()
    port = start_server(
        handler,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticate,
    )
    wrong = "not-the-password"

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://{USER}:{wrong}@127.0.0.1:{port}?starttls=true", ca_file=ca_file)

    assert failure.value.transient is False
    assert "535" in str(failure.value)
    assert wrong not in str(failure.value)
    assert handler.envelopes == []


async def test_a_server_without_starttls_is_permanent(start_server: StartServer) -> None:
    port = start_server(Recorder())

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://127.0.0.1:{port}?starttls=true")

    assert failure.value.transient is False
    assert "STARTTLS" in str(failure.value)


async def test_a_rejected_recipient_is_permanent(start_server: StartServer) -> None:
    port = start_server(Recorder(rcpt_reply="550 5.1.1 <nobody@example.com>: mailbox unavailable"))

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://127.0.0.1:{port}", _message(("nobody@example.com",)))

    assert failure.value.transient is False
    assert "550 5.1.1 <nobody@example.com>: mailbox unavailable" in str(failure.value)


async def test_a_partly_rejected_message_is_not_retried(start_server: StartServer) -> None:
    handler = Recorder(rcpt_reply="450 4.2.1 mailbox busy")
    port = start_server(handler)

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://127.0.0.1:{port}", _message(("ok-buyer@example.com", "busy@example.com")))

    assert failure.value.transient is False  # a retry would send the buyer a second copy
    assert "busy@example.com: 450" in str(failure.value)
    assert handler.envelopes[0].rcpt_tos == ["ok-buyer@example.com"]


async def test_a_451_reply_is_transient(start_server: StartServer) -> None:
    port = start_server(Recorder(data_reply="451 4.3.0 Try again later"))

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://127.0.0.1:{port}")

    assert failure.value.transient is True
    assert "451 4.3.0 Try again later" in str(failure.value)


async def test_nothing_listening_is_transient() -> None:
    port = _free_port()

    with pytest.raises(MailError) as failure:
        await _send(f"smtp://127.0.0.1:{port}")

    assert failure.value.transient is True
    assert f"127.0.0.1:{port}" in str(failure.value)


async def test_a_silent_server_times_out_transiently() -> None:
    with socket.socket() as silent:  # the kernel accepts the connection, but nobody ever says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"smtp://127.0.0.1:{silent.getsockname()[1]}"

        with pytest.raises(MailError) as failure:
            await _send(url, seconds=0.3)

    assert failure.value.transient is True


async def test_a_bad_smtp_url_is_a_permanent_failure() -> None:
    with pytest.raises(MailError) as failure:
        await _send("http://127.0.0.1")

    assert failure.value.transient is False


async def test_the_outbox_gets_one_parseable_eml_file_per_message(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox" / "mail"

    first = await send_message(_message(), smtp_url=None, outbox_dir=outbox)
    second = await send_message(_message(), smtp_url=None, outbox_dir=outbox)

    files = sorted(outbox.iterdir())
    assert [str(path) for path in files] == sorted([first, second])
    assert all(path.name.endswith(".eml") and path.name[:8].isdigit() for path in files)
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        _assert_is_invoice_mail(parsed)


def test_build_message_encodes_headers_and_file_names() -> None:
    message = build_message(
        sender="invoices@example.com",
        to=["a@example.com", "b@example.com"],
        subject=SUBJECT,
        text="正文",
        attachments=[PDF],
        message_id="invoice-24120001@example.com",
    )
    raw = message.as_bytes()

    assert raw.isascii()
    assert b"\r\nSubject: =?utf-8?" in raw
    assert re.search(rb"filename\*(0\*)?=utf-8''%E7%94%B5%E5%AD%90%E5%8F%91%E7%A5%A8", raw)  # RFC 2231
    assert message["Message-ID"] == "<invoice-24120001@example.com>"
    assert message["To"] == "a@example.com, b@example.com"
    assert message["Date"]
    with pytest.raises(ValueError, match="type/subtype"):
        build_message(sender="a@example.com", to=["b@example.com"], subject="s", text="t",
                      attachments=[Attachment("x", "pdf", b"")])  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpTarget("mail.example.com", 25, None, None, "none")),
        ("smtp://127.0.0.1:2525", SmtpTarget("127.0.0.1", 2525, None, None, "none")),
        ("smtp://relay?starttls=true", SmtpTarget("relay", 587, None, None, "starttls")),
        ("smtp://relay:587", SmtpTarget("relay", 587, None, None, "starttls")),
        ("smtp://relay:587?starttls=false", SmtpTarget("relay", 587, None, None, "none")),
        ("SMTPS://Relay.Example.com", SmtpTarget("relay.example.com", 465, None, None, "tls")),
        ("smtps://[::1]:4650/", SmtpTarget("::1", 4650, None, None, "tls")),
        (
            f"smtp://{CREDENTIALS}@relay:2587?starttls=True",
            SmtpTarget("relay", 2587, USER, PASSWORD, "starttls"),
        ),
        ("smtp://only-user@relay", SmtpTarget("relay", 25, "only-user", None, "none")),
        ("smtp://u%C3%A9:@relay", SmtpTarget("relay", 25, "ué", "", "none")),
    ],
)
def test_parse_smtp_url(url: str, expected: SmtpTarget) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "mail.example.com:25",
        "http://mail.example.com",
        "smtp://",
        "smtp://:25",
        "smtp://relay:0",
        "smtp://relay:99999",
        "smtp://relay:twenty-five",
        "smtp://relay/path",
        "smtp://relay#fragment",
        "smtp://relay?starttls=maybe",
        "smtp://relay?tls=true",
        "smtp://relay?starttls",
        "smtps://relay?starttls=true",
        f"smtp://:{quote(PASSWORD, safe='')}@relay",
        f"smtp://{USER}:{PASSWORD}@relay",  # not percent-encoded: "/" ends the host part
    ],
)
def test_parse_smtp_url_rejects_malformed_urls(url: str) -> None:
    with pytest.raises(ValueError, match=r"expected smtp://\[user") as failure:
        parse_smtp_url(url)

    assert PASSWORD not in str(failure.value)
    assert quote(PASSWORD, safe="") not in str(failure.value)


def test_redacted_hides_only_the_password() -> None:
    assert (
        redacted(f"smtp://{CREDENTIALS}@relay:587?starttls=true")
        == f"smtp://{USER}:***@relay:587?starttls=true"
    )
    assert redacted("smtps://relay:465") == "smtps://relay:465"
    assert redacted("smtp://user@relay") == "smtp://user@relay"
    assert "wörd" not in redacted(f"smtp://{USER}:{PASSWORD}@relay")
