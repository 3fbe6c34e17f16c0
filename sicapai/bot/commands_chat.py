"""CLI commands that start a channel: `run` (Telegram), `chat` and `demo` (terminal),
and `undang`, which makes the invite codes people register with.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sicapai.bot.cli_common import Subcommands, UserError, open_engine
from sicapai.bot.logs import setup_logging
from sicapai.bot.settings import Settings
from sicapai.bot.terminal import CAPABILITIES, SwitchRefused, TerminalChannel
from sicapai.bot.terminal import CHANNEL as TERMINAL
from sicapai.bot.whatsapp.channel import WhatsAppConfig
from sicapai.handlers.port import Identity
from sicapai.models.db import make_engine, transaction
from sicapai.models.invites import INVITE_LIFETIME, create_invite
from sicapai.models.migrate import upgrade
from sicapai.models.organisation import AdminGrant, ChatIdentity, Person, Position
from sicapai.models.people import bind_holding, find_position, holders, placeholder_name
from sicapai.models.queries import resolve_organisation
from sicapai.models.seeding import DEMO_FILE, MASTER_FILE, bundled_path, load_demo, load_master
from sicapai.models.types import ident, utcnow
from sicapai.runtime.conversations import Conversations

DEMO_POSITION = "Kasi Penempatan Tenaga Kerja"
ADMIN = "admin"
"""What `--jabatan` and the demo's `/ganti` take for the office's admin, who holds no position."""
DEMO_DATABASE = "demo.db"

log = logging.getLogger(__name__)


def _position(session: Session, organisation_id: int, name: str) -> Position:
    match = find_position(session=session, organisation_id=organisation_id, name=name)
    if match.position is None:
        hint = "; ".join(match.suggestions) if match.suggestions else "tidak ada yang mirip"
        raise UserError(f"jabatan {name!r} tidak dikenal (yang mirip: {hint})")
    return match.position


def cmd_undang(args: argparse.Namespace, settings: Settings) -> int:
    if not args.admin and not args.jabatan:
        raise UserError('sebutkan --jabatan "NAMA JABATAN" atau --admin')
    engine = open_engine(settings.database_url)
    try:
        with transaction(engine) as session:
            org = resolve_organisation(session=session, code=args.organisasi)
            assert org.id is not None
            position = _position(session, org.id, args.jabatan) if args.jabatan else None
            code = create_invite(
                session=session,
                organisation_id=org.id,
                position_id=position.id if position else None,
                admin=args.admin,
                acting=args.plt,
                now=utcnow(),
            )
            role = ("Plt " if args.plt else "") + position.name if position else "admin"
    finally:
        engine.dispose()
    days = INVITE_LIFETIME.days
    print(f"Kode undangan untuk {role} (sekali pakai, berlaku {days} hari):")
    if settings.telegram_bot_username:
        print(f"https://t.me/{settings.telegram_bot_username}?start={code}")
    if settings.whatsapp_number:
        print(f"https://wa.me/{settings.whatsapp_number}?text=DAFTAR%20{code}")
    print(code)
    return 0


def _admin(session: Session, organisation_id: int) -> Person:
    """The office's first active admin, or a new one: whoever runs the CLI owns the database
    already, so playing the admin in the terminal grants nothing they could not do there."""
    grant = session.exec(
        select(AdminGrant)
        .where(AdminGrant.organisation_id == organisation_id, col(AdminGrant.active).is_(True))
        .order_by(col(AdminGrant.id))
    ).first()
    if grant is not None:
        person = session.get(Person, grant.person_id)
        if person is not None:
            return person
    person = Person(name="Admin")
    session.add(person)
    session.flush()
    session.add(AdminGrant(organisation_id=organisation_id, person_id=ident(person)))
    return person


def terminal_identity(
    engine: Engine, organisation: str | None, position_name: str
) -> tuple[Identity, str]:
    """The identity of the person holding the position (or the admin), creating one if nobody
    does yet."""
    with transaction(engine) as session:
        org = resolve_organisation(session=session, code=organisation)
        assert org.id is not None
        if position_name.strip().lower() == ADMIN:
            person, role = _admin(session, org.id), ADMIN
        else:
            position = _position(session, org.id, position_name)
            assert position.id is not None
            role = position.name
            people = holders(session=session, position_id=position.id)
            if people:
                person = people[0]
            else:
                person = Person(name=placeholder_name(position.name))
                session.add(person)
                session.flush()
                assert person.id is not None
                bind_holding(
                    session=session, person_id=person.id, position_id=position.id, acting=False
                )
        external = f"person-{person.id}"
        chat = session.exec(
            select(ChatIdentity).where(
                ChatIdentity.channel == TERMINAL, ChatIdentity.external_id == external
            )
        ).first()
        if chat is None:
            session.add(
                ChatIdentity(
                    person_id=ident(person),
                    channel=TERMINAL,
                    external_id=external,
                    chat_id=external,
                    display_name=person.name,
                )
            )
        identity = Identity(TERMINAL, external, external, person.name, capabilities=CAPABILITIES)
        return identity, role


def _conversations(
    engine: Engine, settings: Settings, files_dir: Path | None = None, turn_processes: int = 0
) -> Conversations:
    return Conversations(
        engine,
        files_dir=files_dir or settings.sicapai_files_dir,
        default_timezone=settings.sicapai_tz,
        bot_username=settings.telegram_bot_username,
        year=settings.sicapai_tahun,
        turn_processes=turn_processes,
        evidence_bytes=settings.sicapai_evidence_mb * 1024 * 1024,
    )


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.database_url)
    try:
        identity, name = terminal_identity(engine, args.organisasi, args.jabatan)
        channel = TerminalChannel(
            _conversations(engine, settings),
            identity,
            output_dir=args.keluaran or settings.sicapai_output_dir,
        )
        asyncio.run(channel.run(name))
    finally:
        engine.dispose()
    return 0


def _switcher(engine: Engine) -> Callable[[str], tuple[Identity, str]]:
    """The demo's `/ganti`: the same lookup as `--jabatan`, its refusal shown in the chat."""

    def switch(wanted: str) -> tuple[Identity, str]:
        try:
            return terminal_identity(engine, None, wanted)
        except UserError as refused:
            raise SwitchRefused(f"Tidak dapat berganti: {refused}.") from None

    return switch


def _demo(folder: Path, position: str, settings: Settings) -> None:
    """The demo in `folder`: its database (made with the bundled 2025 data unless it is
    already there), its evidence and its charts, so nothing lands in the current folder."""
    database = folder / DEMO_DATABASE
    fresh = not database.exists()
    url = f"sqlite:///{database}"
    engine = make_engine(url)
    try:
        upgrade(engine, url)
        if fresh:
            with transaction(engine) as session:
                load_master(session, bundled_path(MASTER_FILE))
                load_demo(session, bundled_path(DEMO_FILE), resolve_organisation(session=session))
            print("Basis data demo dibuat dengan data Disnakertrans Kabupaten Banjar 2025.")
        else:
            print(f"Basis data demo yang tersimpan dipakai lagi: {database}")
        identity, name = terminal_identity(engine, None, position)
        conversations = _conversations(engine, settings, folder / "bukti")
        channel = TerminalChannel(
            conversations, identity, output_dir=folder / "keluaran", switch=_switcher(engine)
        )
        asyncio.run(channel.run(name))
    finally:
        engine.dispose()


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """The demo in a temporary folder, removed at the end, or in `--folder`, kept and reused
    so a later demo (another `--jabatan`) continues where this one stopped."""
    if args.folder is not None:
        folder = Path(args.folder).expanduser()
        folder.mkdir(parents=True, exist_ok=True)
        print(f"Folder demo: {folder.resolve()} (tetap tersimpan)")
        _demo(folder, args.jabatan, settings)
        return 0
    with tempfile.TemporaryDirectory(prefix="sicapai-demo-") as temporary:
        print(
            f"Folder demo: {temporary} (dihapus saat demo selesai; "
            "pakai --folder FOLDER untuk menyimpannya)"
        )
        _demo(Path(temporary), args.jabatan, settings)
    return 0


def whatsapp_config(settings: Settings) -> WhatsAppConfig | None:
    """The WhatsApp channel's settings, or None when it is not configured (no token)."""
    token = settings.whatsapp
    if not token:
        return None
    missing = [
        name
        for name, value in (
            ("WHATSAPP_PHONE_NUMBER_ID", settings.whatsapp_phone_number_id),
            ("WHATSAPP_APP_SECRET", settings.whatsapp_app_secret),
            ("WHATSAPP_VERIFY_TOKEN", settings.whatsapp_verify_token),
        )
        if not value
    ]
    if missing:
        raise UserError(f"WHATSAPP_TOKEN diisi, tetapi {', '.join(missing)} belum diisi")
    assert settings.whatsapp_app_secret is not None and settings.whatsapp_verify_token is not None
    return WhatsAppConfig(
        api_url=settings.whatsapp_api_url,
        token=token,
        phone_number_id=settings.whatsapp_phone_number_id,
        business_account_id=settings.whatsapp_business_account_id,
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=settings.whatsapp_verify_token.get_secret_value(),
        reminder_template=settings.whatsapp_reminder_template or None,
        notice_template=settings.whatsapp_notice_template or None,
        template_language=settings.whatsapp_template_language,
        messaging_limit=settings.whatsapp_messaging_limit,
    )


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.token
    whatsapp = whatsapp_config(settings)
    if not token and whatsapp is None:
        raise UserError(
            "belum ada saluran yang diatur: isi TELEGRAM_BOT_TOKEN dan/atau WHATSAPP_TOKEN di "
            ".env atau lingkungan (untuk mencoba tanpa token: sicapai demo)"
        )
    if whatsapp is not None:
        return _run_channels(args, settings, whatsapp)
    assert token is not None
    setup_logging(token, verbose=args.verbose)
    engine = open_engine(settings.database_url)
    from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

    from sicapai.bot.logs import REDACTED
    from sicapai.bot.telegram import build_application  # heavy import: only when running
    from sicapai.runtime.charts import ChartRenderer

    conversations = _conversations(engine, settings, turn_processes=settings.sicapai_turn_workers)
    workers = settings.sicapai_chart_workers  # warmed up when the bot starts
    conversations.charts = (
        ChartRenderer(mode="process", max_workers=workers)
        if workers
        else ChartRenderer(mode="thread")
    )
    application = build_application(conversations, token=token, base_url=settings.telegram_base_url)
    _announce_when_started(application)
    try:
        application.run_polling(
            allowed_updates=["message", "callback_query"], drop_pending_updates=False
        )
    except InvalidToken:
        # python-telegram-bot's own message quotes the token; never let it reach stderr
        raise UserError(
            "TELEGRAM_BOT_TOKEN ditolak oleh Bot API; periksa tokennya di @BotFather"
        ) from None
    except TimedOut:  # the Bot API cannot be reached at start-up
        raise UserError(
            f"Bot API di {settings.telegram_base_url} tidak menjawab (waktu tunggu habis); "
            "periksa jaringan server dan TELEGRAM_BASE_URL"
        ) from None
    except NetworkError:
        raise UserError(
            f"Bot API di {settings.telegram_base_url} tidak dapat dihubungi; periksa jaringan "
            "server dan TELEGRAM_BASE_URL"
        ) from None
    except TelegramError as exc:
        reason = str(exc).replace(token, REDACTED)
        raise UserError(f"Bot API menolak permintaan awal bot: {reason}") from None
    finally:
        engine.dispose()
    return 0


def _announce_when_started(application: Any) -> None:
    """Say "running" once the Bot API has answered, not before: a bot that cannot reach it
    ends with one error line, and a "running" line above it would contradict it."""
    started = application.post_init

    async def announce(app: Any) -> None:
        if started is not None:
            await started(app)
        log.info("SiCapai berjalan (polling); hentikan dengan Ctrl-C")

    application.post_init = announce


def _run_channels(args: argparse.Namespace, settings: Settings, whatsapp: WhatsAppConfig) -> int:
    """WhatsApp, and Telegram too when its token is set, in one process."""
    setup_logging(
        settings.token,
        whatsapp.token,
        whatsapp.app_secret,
        whatsapp.verify_token,
        verbose=args.verbose,
    )
    from sicapai.bot.runner import ChannelsRunner  # heavy import: only when running
    from sicapai.runtime.charts import ChartRenderer

    engine = open_engine(settings.database_url)
    conversations = _conversations(engine, settings, turn_processes=settings.sicapai_turn_workers)
    workers = settings.sicapai_chart_workers
    conversations.charts = (
        ChartRenderer(mode="process", max_workers=workers)
        if workers
        else ChartRenderer(mode="thread")
    )
    runner = ChannelsRunner(
        conversations,
        whatsapp=whatsapp,
        telegram_token=settings.token,
        telegram_base_url=settings.telegram_base_url,
        http_host=settings.sicapai_http_host,
        http_port=settings.sicapai_http_port,
    )
    try:
        asyncio.run(runner.run())
    except OSError as exc:  # the web server's port is taken or not allowed
        raise UserError(
            f"server web tidak dapat dijalankan di {settings.sicapai_http_host}:"
            f"{settings.sicapai_http_port} ({exc.strerror or exc}); ubah SICAPAI_HTTP_PORT"
        ) from None
    finally:
        engine.dispose()
    return 0


def add_commands(sub: Subcommands) -> None:
    undang = sub.add_parser("undang", help="buat kode undangan sekali pakai")
    who = undang.add_mutually_exclusive_group()
    who.add_argument("--jabatan", help='nama jabatan, mis. "Kasi Penempatan Tenaga Kerja"')
    who.add_argument("--admin", action="store_true", help="undangan untuk peran admin")
    undang.add_argument("--plt", action="store_true", help="pemegang jabatan berstatus Plt")
    undang.set_defaults(handler=cmd_undang)

    chat = sub.add_parser("chat", help="percakapan di terminal sebagai pemegang jabatan")
    chat.add_argument(
        "--jabatan",
        required=True,
        help='jabatan yang diperankan, mis. "Kasi Penempatan Tenaga Kerja", atau "admin"',
    )
    chat.add_argument(
        "--keluaran",
        type=Path,
        help="folder untuk grafik dan berkas dari bot (bawaan: SICAPAI_OUTPUT_DIR, "
        "atau sicapai-keluaran)",
    )
    chat.set_defaults(handler=cmd_chat)

    demo = sub.add_parser("demo", help="coba SiCapai di terminal dengan data contoh 2025")
    demo.add_argument(
        "--jabatan",
        default=DEMO_POSITION,
        help=f'jabatan yang diperankan, atau "admin" (bawaan: {DEMO_POSITION}); di dalam '
        "demo, /ganti JABATAN berganti orang",
    )
    demo.add_argument(
        "--folder",
        help="simpan basis data demo, bukti dan grafiknya di folder ini dan pakai lagi pada "
        "demo berikutnya (tanpa opsi ini: folder sementara yang dihapus saat selesai)",
    )
    demo.set_defaults(handler=cmd_demo)

    run = sub.add_parser("run", help="jalankan bot (Telegram dan/atau WhatsApp)")
    run.add_argument("--verbose", action="store_true")
    run.set_defaults(handler=cmd_run)
