"""E-mail delivery of invoice files over SMTP (`SMTP_URL`) or, without one, into a local outbox folder."""

import asyncio
import email.policy
import email.utils
import os
import ssl
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import aiosmtplib


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where and how to reach an SMTP server; `security` is plain, STARTTLS or implicit TLS."""

    host: str
    port: int
    username: str | None
    password: str | None
    security: Literal["none", "starttls", "tls"]


def _invalid(reason: str) -> ValueError:
    valid = (
        "smtp://[user[:password]@]host[:port][?starttls=true|false] or smtps://[user[:password]@]host[:port]"
    )
    return ValueError(f"invalid SMTP URL ({reason}); expected {valid} (user and password percent-encoded)")


def parse_smtp_url(url: str) -> SmtpTarget:
    """Parse an `SMTP_URL`; raises ValueError (which never quotes the URL or its password) if malformed.

    Default ports: 25 for smtp://, 587 with ?starttls=true, 465 for smtps://. Port 587 implies STARTTLS
    unless ?starttls=false says otherwise.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtps"}:
        raise _invalid("the scheme must be smtp or smtps")
    if parts.path not in {"", "/"} or parts.fragment:
        raise _invalid("no path or fragment is allowed")
    try:
        host, port = parts.hostname, parts.port
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise _invalid("bad port or query") from None
    if not host or port == 0:
        raise _invalid("no host" if not host else "port 0")
    starttls: bool | None = None
    for key, value in query:
        if key.lower() != "starttls" or value.lower() not in {"true", "false"}:
            raise _invalid("the only query parameter is starttls=true or starttls=false")
        starttls = value.lower() == "true"
    if scheme == "smtps" and starttls:
        raise _invalid("smtps:// uses implicit TLS, so starttls=true does not apply")
    plain_security: Literal["none", "starttls"] = (
        "starttls" if starttls or (starttls is None and port == 587) else "none"
    )
    security = "tls" if scheme == "smtps" else plain_security
    default_port = {"tls": 465, "starttls": 587, "none": 25}[security]
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and username is None:
        raise _invalid("a password needs a user name")
    return SmtpTarget(host, port or default_port, username, password, security)


def redacted(url: str) -> str:
    """The URL with its password replaced by `***`, for logs."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url if sep else "***"  # no "scheme://": it may be anything, a password included
    userinfo, _, hostpart = rest.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{hostpart}"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to attach: its name (any Unicode), MIME type such as `application/pdf`, and bytes."""

    filename: str
    content_type: str
    data: bytes


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    attachments: Sequence[Attachment],
    message_id: str | None = None,
) -> EmailMessage:
    """A UTF-8 message with Date and Message-ID; non-ASCII attachment names are RFC 2231-encoded."""
    if not to:
        raise ValueError("a message needs at least one recipient")
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(datetime.now(UTC))
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message_id = message_id or email.utils.make_msgid(domain=domain)
    message["Message-ID"] = message_id if message_id.startswith("<") else f"<{message_id}>"
    message.set_content(text, charset="utf-8", cte="base64")  # 7-bit clean: no 8BITMIME needed
    for attachment in attachments:
        maintype, slash, subtype = attachment.content_type.partition("/")
        if not slash or not maintype or not subtype:
            raise ValueError(f"content type {attachment.content_type!r} is not of the form type/subtype")
        message.add_attachment(attachment.data, maintype, subtype, filename=attachment.filename)
    return message


class MailError(Exception):
    """Sending failed; `transient` is True when a later retry may succeed, False when it cannot."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def _write_outbox(data: bytes, outbox_dir: Path) -> Path:
    outbox_dir.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=outbox_dir, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        while True:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = outbox_dir / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            if not target.exists():
                os.replace(temporary, target)
                return target
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _describe(error: Exception, where: str) -> tuple[str, bool]:  # the failure's text, and if transient
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        details = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in error.recipients)
        return f"{where} refused every recipient: {details}", all(r.code < 500 for r in error.recipients)
    if isinstance(error, aiosmtplib.SMTPResponseException):  # codes below 400 (-1: no reply) are retried
        return f"{where} replied {error.code} {error.message}", error.code < 500
    tls_error = error if isinstance(error, ssl.SSLError) else error.__cause__
    if isinstance(tls_error, ssl.SSLError) and not isinstance(
        tls_error, ssl.SSLEOFError | ssl.SSLSyscallError
    ):
        return f"TLS with {where} failed: {error}", False  # an untrusted certificate, TLS on a plain port
    if isinstance(error, aiosmtplib.SMTPNotSupported) or type(error) is aiosmtplib.SMTPException:
        return f"{where} lacks what the SMTP_URL asks for (STARTTLS, AUTH): {error}", False
    return f"cannot talk to {where}: {type(error).__name__}: {error}", True


async def send_message(
    message: EmailMessage,
    *,
    smtp_url: str | None,
    outbox_dir: Path,
    timeout: float = 30.0,  # noqa: ASYNC109 (aiosmtplib applies it to each step, not to the whole send)
    ca_file: Path | None = None,
) -> str:
    """Send over SMTP (or, with no `smtp_url`, write a .eml into `outbox_dir`); returns where it went.

    MailError is transient for connection failures, timeouts and 4xx replies; permanent for 5xx replies, bad
    configuration, TLS certificate failures, and refusals by only some recipients (a retry would repeat it).
    """
    if smtp_url is None:
        data = message.as_bytes(policy=email.policy.SMTP)
        try:
            path = await asyncio.to_thread(_write_outbox, data, outbox_dir)
        except OSError as error:
            raise MailError(f"cannot write to the outbox: {error}", transient=True) from error
        return str(path)
    try:
        target = parse_smtp_url(smtp_url)
        context = None if target.security == "none" else ssl.create_default_context(cafile=ca_file)
    except (ValueError, OSError) as error:  # ssl.SSLError is an OSError
        raise MailError(f"SMTP is misconfigured: {error}", transient=False) from None
    where = f"smtp {target.host}:{target.port}"
    try:
        errors, _reply = await aiosmtplib.send(
            message,
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.security == "tls",
            start_tls=target.security == "starttls",
            tls_context=context,
            timeout=timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        text, transient = _describe(error, where)
        raise MailError(text.replace(target.password or "\0", "***"), transient=transient) from None
    if errors:
        details = "; ".join(f"{address}: {reply.code} {reply.message}" for address, reply in errors.items())
        raise MailError(f"{where} delivered to some recipients but refused {details}", transient=False)
    return where
