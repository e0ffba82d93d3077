"""The `nhacviec` command: a thin layer over the Python API, grouped by what the office does."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from bot.logs import RedactedStream, remember_secrets
from config import ConfigError, Settings, load_settings

HELP = """Nhắc việc — turns the Department's plans into reminders on Telegram and collects
the units' answers.

Examples:

\b
  nhacviec db upgrade                  create or update the database
  nhacviec run                         start the bot (needs TELEGRAM_BOT_TOKEN)
  nhacviec emulator --port 8081        a local Bot API for trying things offline
  nhacviec deadline "Hàng năm" --json  read a timeline phrase
"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    # Tracebacks with local variables would print the token held in them.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The database: create, update, check.", no_args_is_help=True)
app.add_typer(db_app, name="db")
units_app = typer.Typer(
    help="Units and people: the registry, invitations, members.", no_args_is_help=True
)
app.add_typer(units_app, name="units")
plan_app = typer.Typer(help="Plans: read a plan document and show what was understood.",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(plan_app, name="plan")
form_app = typer.Typer(help="Forms units fill in: from a plan's appendix or written by the office.",
                       no_args_is_help=True)  # fmt: skip
app.add_typer(form_app, name="form")
report_app = typer.Typer(help="Reports: progress, overdue, Excel/CSV export, calendar.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(report_app, name="report")
schedule_app = typer.Typer(help="The reminder schedule: what will be sent, when.",
                           no_args_is_help=True)  # fmt: skip
app.add_typer(schedule_app, name="schedule")

# Everything the command line prints passes through the one redaction (a Bot API error can
# quote the URL, and the URL holds the token).
err = Console(file=RedactedStream("stderr"), soft_wrap=True)
out = Console(file=RedactedStream("stdout"), soft_wrap=True)

NO_TOKEN = """No Telegram bot token is configured (TELEGRAM_BOT_TOKEN).

To connect a real bot:
  1. In Telegram, talk to @BotFather, send /newbot and follow its questions.
  2. Copy the token it gives you (it looks like 123456789:AA...).
  3. Put it in a file named .env in this folder:  TELEGRAM_BOT_TOKEN=123456789:AA...
     (.env.example lists every setting), then run `make run` again.

To try the bot with no Telegram account, start the local Bot API emulator in another
terminal (`nhacviec emulator --port 8081`) and set
  TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot
  TELEGRAM_BOT_TOKEN=123456:offline-test-token"""


OFFLINE = """Running offline: no TELEGRAM_BOT_TOKEN is set, so this is the demo — the real bot
against the local Bot API emulator, with simulated unit heads and a simulated clock.

""" + NO_TOKEN.split("\n\n", 1)[1]


def settings() -> Settings:
    """Settings, or one clear message naming the bad variable and exit 2."""
    try:
        loaded = load_settings()
    except ConfigError as error:
        err.print(f"Configuration error: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    remember_secrets(loaded.secrets())
    return loaded


def _engine(s: Settings):  # type: ignore[no-untyped-def]
    from db.session import make_engine

    return make_engine(s.database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or bring it to the latest schema. Example: nhacviec db upgrade"""
    from db.schema import current_revision, upgrade

    engine = _engine(settings())
    try:
        upgrade(engine)
        out.print(f"Database at revision {current_revision(engine)}.", highlight=False)
    finally:
        engine.dispose()


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision the database is at. Example: nhacviec db current"""
    from db.schema import current_revision, head_revision

    engine = _engine(settings())
    try:
        out.print(f"current: {current_revision(engine) or 'empty'}  head: {head_revision()}")
    finally:
        engine.dispose()


@db_app.command("check")
def db_check() -> None:
    """Exit 0 when the schema is up to date, 2 with advice otherwise. Example: nhacviec db check"""
    from db.schema import SchemaOutOfDate, ensure_current

    engine = _engine(settings())
    try:
        ensure_current(engine)
        out.print("Schema is up to date.")
    except SchemaOutOfDate as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


@db_app.command("backup")
def db_backup(
    file: Path = typer.Argument(..., help="Where to write the backup."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """A consistent copy of the database, safe while the bot runs (SQLite's online backup;
    pg_dump's custom format for PostgreSQL). Example: nhacviec db backup backups/2026-12-06.db
    """
    from db.backup import BackupError, backup

    try:
        held = backup(settings().database_url, file, overwrite=force)
    except BackupError as error:
        err.print(f"Cannot back up: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    out.print(f"Backed up to {file} — {held.describe()}.", markup=False, highlight=False)


@db_app.command("restore")
def db_restore(
    file: Path = typer.Argument(..., help="A file written by `nhacviec db backup`."),
    yes: bool = typer.Option(False, "--yes", help="Replace the database without asking."),
) -> None:
    """Replace the database with a backup; stop the bot first. Without --yes it only says what
    would be replaced. Example: nhacviec db restore backups/2026-12-06.db --yes"""
    from db.backup import BackupError, restore, restore_plan

    url = settings().database_url
    try:
        now, held = restore_plan(url, file)
        out.print(f"The database now: {now.describe()}", markup=False, highlight=False)
        out.print(f"The backup:       {held.describe()}", markup=False, highlight=False)
        if not yes:
            err.print("Nothing replaced. To replace the database with the backup, stop the bot "
                      "and run again with --yes.", markup=False, highlight=False)  # fmt: skip
            raise typer.Exit(2)
        after = restore(url, file)
    except BackupError as error:
        err.print(f"Cannot restore: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    out.print(f"Restored: {after.describe()}.", markup=False, highlight=False)
    out.print("If nhacviec is newer than the backup, run: nhacviec db upgrade", highlight=False)


@db_app.command("copy")
def db_copy(
    to: str = typer.Option(..., "--to", help="The empty database to fill (a SQLAlchemy URL)."),
) -> None:
    """Move the installation to another database, every row (SQLite → PostgreSQL).
    Example: nhacviec db copy --to postgresql+psycopg://nhacviec@127.0.0.1/nhacviec"""
    from config.settings import ConfigError, _database_url
    from db.backup import BackupError, copy_database
    from db.session import make_engine

    try:
        target_url = _database_url(to)
    except ConfigError as error:
        err.print(f"--to: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    source, target = _engine(settings()), make_engine(target_url)
    try:
        copied = copy_database(source, target)
    except BackupError as error:
        err.print(f"Cannot copy: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    finally:
        source.dispose()
        target.dispose()
    rows = sum(copied.values())
    out.print(f"Copied {rows} rows in {len(copied)} tables. Set DATABASE_URL to the new "
              "database and start the bot.", highlight=False)  # fmt: skip


DEADLINE_HELP = """Read a timeline phrase ("Thời gian thực hiện") into dates.

Without TEXT, reads one phrase per line from standard input and prints one result per line,
so a whole column can be checked at once (an unreadable line prints its error and the run
goes on).

Examples:

\b
  nhacviec deadline "Hoàn thành trong Quý IV/2024"
  nhacviec deadline "trước ngày 05/02/2024" --today 2025-01-24 --json
  cut -f5 tasks.tsv | nhacviec deadline --json
"""


@app.command("deadline", help=DEADLINE_HELP)
def deadline(
    text: str | None = typer.Argument(None, help="The phrase; omit to read lines from stdin."),
    today: str | None = typer.Option(
        None, "--today", help="Reference date YYYY-MM-DD (the plan's date); default: today."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (JSON Lines for stdin)."),
) -> None:
    import json
    from datetime import date, datetime

    from timing.timeline import TimelineError, parse_timeline

    if today is None:
        reference = datetime.now(settings().timezone).date()
    else:
        try:
            reference = date.fromisoformat(today)
        except ValueError:
            err.print(f"--today: {today!r} is not a date (YYYY-MM-DD)", markup=False)
            raise typer.Exit(2) from None

    def show(phrase: str) -> str:
        result = parse_timeline(phrase, reference).to_json(reference)
        if as_json:
            return json.dumps(result, ensure_ascii=False)
        line = f"{result['kind']}: {result['rule']}"
        if result["next_due"]:
            line += " — next: " + ", ".join(result["next_due"])
        for warning in result["warnings"]:
            line += f" — cảnh báo: {warning}"
        return line

    if text is not None:
        try:
            print(show(text))
        except TimelineError as error:
            err.print(error.message, markup=False, highlight=False)
            raise typer.Exit(2) from None
        return
    for raw in sys.stdin:
        phrase = raw.rstrip("\r\n")
        try:
            print(show(phrase), flush=True)
        except TimelineError as error:
            if as_json:
                print(json.dumps({"text": phrase, "error": error.message}, ensure_ascii=False))
            else:
                print(f"error: {error.message}")


@contextlib.contextmanager
def _session(s: Settings):  # type: ignore[no-untyped-def]
    """One unit of work on an up-to-date database, or a clear message and exit 2."""
    from db.schema import SchemaOutOfDate, ensure_current
    from db.session import make_session_factory, session_scope

    engine = _engine(s)
    try:
        ensure_current(engine)
        with session_scope(make_session_factory(engine)) as session:
            yield session
    except SchemaOutOfDate as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def _registry_failed(error: Exception) -> typer.Exit:
    problems = getattr(error, "problems", [str(error)])
    err.print("Nothing was saved:", markup=False)
    for problem in problems:
        err.print(f"  {problem}", markup=False, highlight=False)
    return typer.Exit(2)


UNITS_IMPORT_HELP = """Import units from a CSV or XLSX file.

The header is code,name,kind,district,parent,groups.

Shows what would change and saves nothing; --apply saves it all in one transaction. Rows are
matched by code, so importing the same file again changes nothing. Extra columns (phone,
email…) are kept. A bad row is named by line and column, and nothing is saved.

Examples:

\b
  nhacviec units import donvi.csv
  nhacviec units import donvi.xlsx --apply
  nhacviec units import --sample --apply      the sample registry for Hải Phòng
"""


@units_app.command("import", help=UNITS_IMPORT_HELP)
def units_import(
    file: Path | None = typer.Argument(None, help="CSV or XLSX file."),
    apply: bool = typer.Option(False, "--apply", help="Save the changes."),
    sample: bool = typer.Option(False, "--sample", help="Use the shipped sample registry."),
) -> None:
    from rich.table import Table

    from db.registry import (
        SAMPLE_REGISTRY,
        RegistryError,
        apply_import,
        preview_import,
        read_units_file,
    )

    if (file is None) == (not sample):
        err.print("Give a FILE or --sample (one of them).", markup=False)
        raise typer.Exit(2)
    path = SAMPLE_REGISTRY if sample else file
    assert path is not None
    s = settings()
    try:
        rows = read_units_file(path)
        with _session(s) as session:
            preview = apply_import(session, rows) if apply else preview_import(session, rows)
            if not apply:
                session.rollback()
    except RegistryError as error:
        raise _registry_failed(error) from None
    table = Table("change", "code", "name", "kind", "district", "parent", "groups")
    for row in preview.new:
        table.add_row(
            "new", row.code, row.name, row.kind, row.district, row.parent, "; ".join(row.groups)
        )
    for row, fields in preview.changed:
        table.add_row(f"update ({', '.join(fields)})", row.code, row.name, row.kind, row.district,
                      row.parent, "; ".join(row.groups))  # fmt: skip
    if preview.new or preview.changed:
        out.print(table)
    verb = "Saved" if apply else "Would save"
    out.print(
        f"{verb}: {len(preview.new)} new, {len(preview.changed)} updated, "
        f"{preview.unchanged} unchanged." + ("" if apply else " Run again with --apply to save."),
        highlight=False,
    )


@units_app.command("list")
def units_list(
    all_units: bool = typer.Option(False, "--all", help="Include deactivated units."),
) -> None:
    """Units with their active members, those with none first. Example: nhacviec units list"""
    from rich.table import Table

    from db.registry import list_units

    with _session(settings()) as session:
        units = list_units(session, include_inactive=all_units)
    table = Table("code", "name", "kind", "district", "members", "groups", "linked", "active")
    tz = settings().timezone
    for u in units:
        linked = f"{u.linked_at.astimezone(tz):%d/%m/%Y}" if u.linked_at else "—"
        table.add_row(u.code, u.name, u.kind, u.district, str(u.members), str(u.groups), linked,
                      "yes" if u.active else "no")  # fmt: skip
    out.print(table)
    empty = sum(1 for u in units if not u.reached)
    out.print(f"{len(units)} units; {empty} with no active member nor group "
              "(they get no reminders).")  # fmt: skip


@units_app.command("edit")
def units_edit(
    code: str,
    name: str | None = typer.Option(None),
    kind: str | None = typer.Option(None),
    district: str | None = typer.Option(None),
    parent: str | None = typer.Option(None, help="Parent unit code ('' for none)."),
    groups: str | None = typer.Option(None, help="Groups separated by ';'."),
) -> None:
    """Change a unit. Example: nhacviec units edit THPT-NGOQUYEN --name "Trường THPT Ngô Quyền" """
    from db.registry import RegistryError, edit_unit

    try:
        with _session(settings()) as session:
            edit_unit(session, code, name=name, kind=kind, district=district, parent=parent,
                      groups=groups)  # fmt: skip
    except RegistryError as error:
        raise _registry_failed(error) from None
    out.print(f"Unit {code} updated.")


@units_app.command("deactivate")
def units_deactivate(code: str) -> None:
    """Stop reminding a unit (kept for history). Example: nhacviec units deactivate TTGDTX-TP"""
    from db.registry import RegistryError, edit_unit

    try:
        with _session(settings()) as session:
            edit_unit(session, code, active=False)
    except RegistryError as error:
        raise _registry_failed(error) from None
    out.print(f"Unit {code} deactivated.")


@units_app.command("move")
def units_move(user_id: int, code: str) -> None:
    """Move a person (Telegram user id) to another unit. Example: nhacviec units move 5012 VP"""
    from datetime import UTC, datetime

    from db.invites import move_member
    from db.registry import RegistryError

    try:
        with _session(settings()) as session:
            move_member(session, user_id, code, datetime.now(UTC))
    except RegistryError as error:
        raise _registry_failed(error) from None
    out.print(f"Member {user_id} moved to {code}.")


UNITS_INVITE_HELP = """One-time invitation links: for one unit, several, a group, or all.

With one unit the link alone is printed on the last line. With more, one link per unit is made
in one go and written to a printable sheet (--sheet, XLSX: unit, link, QR code, A4 landscape) to
hand out or send to each district's Phòng GDĐT; --only-unlinked leaves out the units someone
already receives messages for.

Examples:

\b
  nhacviec units invite THPT-NGOQUYEN --role head
  nhacviec units invite --group "Các trường THPT PT nhiều cấp" --sheet moi-thpt.xlsx
  nhacviec units invite --all --only-unlinked --sheet moi.xlsx
"""


@units_app.command("invite", help=UNITS_INVITE_HELP)
def units_invite(
    codes: list[str] = typer.Argument(None, help="Unit codes."),
    group: str = typer.Option("", "--group", help="Every unit of a group."),
    every: bool = typer.Option(False, "--all", help="Every active unit."),
    only_unlinked: bool = typer.Option(
        False, "--only-unlinked", help="Only units nobody has linked to yet."
    ),
    sheet: Path | None = typer.Option(None, "--sheet", help="Write the links to this .xlsx."),
    role: str = typer.Option(
        "head",
        help="head, staff, office or leader (the Sở's leaders: the web workspace, read only).",
    ),
    days: int = typer.Option(14, help="Days before the links expire."),
    bot_username: str | None = typer.Option(
        None, help="The bot's username; default: asked from the Bot API (getMe)."
    ),
) -> None:
    from datetime import UTC, datetime

    from db.invites import create_invite, deep_link, units_to_invite
    from db.models import Role
    from db.registry import RegistryError

    if role not in Role._value2member_map_:
        err.print("--role must be head, staff, office or leader", markup=False)
        raise typer.Exit(2)
    codes = list(codes or [])
    if sum(bool(x) for x in (codes, group, every)) != 1:
        err.print("Name units (CODE…), or give --group NAME, or --all: one of them.", markup=False)
        raise typer.Exit(2)
    if sheet is not None and sheet.suffix.lower() != ".xlsx":
        err.print("--sheet writes an .xlsx file (it holds the QR codes).", markup=False)
        raise typer.Exit(2)
    s = settings()
    username = bot_username or _bot_username(s)
    now = datetime.now(UTC)
    try:
        with _session(s) as session:
            units = units_to_invite(session, codes, group, every, only_unlinked)
            made = [(unit, create_invite(session, unit.code, Role(role), now, days, "cli"))
                    for unit in units]  # fmt: skip
    except RegistryError as error:
        raise _registry_failed(error) from None
    if not made:
        out.print("No unit to invite (all of them are linked already).")
        return
    if len(made) == 1 and sheet is None:
        unit, invite = made[0]
        expires = invite.expires_at.astimezone(s.timezone)
        out.print(f"Invitation for {unit.code} ({role}), single use, expires "
                  f"{expires:%d/%m/%Y %H:%M}:")  # fmt: skip
        print(deep_link(username, invite.token))
        return
    from reports.invite_sheet import SheetRow, write_invite_sheet

    rows = [
        SheetRow(unit.code, unit.name, unit.district, deep_link(username, invite.token),
                 invite.expires_at.astimezone(s.timezone))
        for unit, invite in made
    ]  # fmt: skip
    if sheet is None:
        for row in rows:
            print(f"{row.code}\t{row.name}\t{row.link}")
        out.print(f"{len(rows)} invitations made.", highlight=False)
        return
    labels = {
        "head": "thủ trưởng",
        "staff": "cán bộ",
        "office": "Văn phòng",
        "leader": "lãnh đạo Sở",
    }
    what = group or ("các đơn vị" if codes else "tất cả đơn vị")
    try:
        write_invite_sheet(sheet, rows, f"Liên kết mời dùng bot Nhắc việc — {what}", labels[role])
    except OSError as error:
        err.print(f"Cannot write {sheet}: {error.strerror}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    out.print(f"{len(rows)} invitations made, one per unit; the sheet: {sheet}", highlight=False)


def _bot_username(s: Settings) -> str:
    from telegram import Bot
    from telegram.error import TelegramError

    if not s.has_token:
        err.print("Needs TELEGRAM_BOT_TOKEN to ask the bot's username (or give --bot-username).",
                  markup=False)  # fmt: skip
        raise typer.Exit(2)

    async def ask() -> str:
        bot = Bot(s.telegram_bot_token.reveal(), base_url=s.telegram_api_base_url)
        async with bot:
            return (await bot.get_me()).username

    try:
        return asyncio.run(ask())
    except TelegramError as error:
        err.print(f"Could not ask the Bot API for the bot's username: {error}", markup=False)
        raise typer.Exit(2) from None


def _read_with_bar(raw: bytes, name: str, reference: object) -> object:
    """Read in the child process; a scan read by OCR shows a progress bar by its pages."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from plans.isolated import read_isolated

    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:  # fmt: skip
        pages: list[object] = []

        def progress(done: int, total: int) -> None:
            if not pages:
                pages.append(bar.add_task(f"OCR {name}", total=total))
            bar.update(pages[0], completed=done)  # type: ignore[arg-type]

        return read_isolated(raw, name, reference, progress=progress)  # type: ignore[arg-type]


PLAN_IMPORT_HELP = """Read a plan and show what was understood: its number, date, title, task
table (ref, task, lead, coordinators, timeline → next due), the deadlines and events in its
body, the form in its appendix, its recipients, and warnings. Saves nothing.

Reads DOCX and PDF plans (their tables), the office's Excel/CSV template (see `nhacviec
plan template`), and text extracted from a PDF (.txt); Word 97 .doc, .rtf, .odt and .xls
through LibreOffice (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui); scanned PDFs
and photos of a page (.jpg, .png, …) by OCR (tesseract-ocr, tesseract-ocr-vie), with what it
was unsure of listed for checking. Timelines are read as of the plan's
own date (or --today when the plan states none). --apply saves it in one transaction;
importing the same plan again (same number, or same file) updates it in place and keeps the
answers collected.

Examples:

\b
  nhacviec plan import ke-hoach-496.txt
  nhacviec plan import ke-hoach-496.txt --json
  nhacviec plan import ke-hoach-496.txt --apply
"""


@plan_app.command("import", help=PLAN_IMPORT_HELP)
def plan_import(
    file: Path = typer.Argument(..., help="The plan: .docx, .pdf, .xlsx, .csv or .txt."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON object."),
    today: str | None = typer.Option(None, "--today", help="YYYY-MM-DD; default: today."),
    apply: bool = typer.Option(False, "--apply", help="Save the plan."),
    report_regime: str | None = typer.Option(
        None,
        "--report-regime",
        help="What 'chế độ báo cáo theo quy định' means for this plan, as a phrase "
        "(default: REPORT_REGIME, else Nghị định 09/2019: 15/6 and 15/12).",
    ),
) -> None:
    import hashlib
    import json
    from datetime import date, datetime

    from rich.table import Table

    from plans.assignments import RegimeError, regime_of, use_regime
    from plans.reader import load_plan_file
    from plans.tables import PlanReadError

    reference = date.fromisoformat(today) if today else datetime.now(settings().timezone).date()
    try:
        raw = load_plan_file(file)
        doc = _read_with_bar(raw, file.name, reference)
        use_regime(doc, report_regime or settings().report_regime, reference)  # type: ignore[arg-type]
    except (PlanReadError, RegimeError) as error:
        err.print(f"Cannot import: {error}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    result = doc.to_json(reference)
    if apply:
        from plans.store import save_plan

        with _session(settings()) as session:
            saved = save_plan(session, doc, file.name, hashlib.sha256(raw).hexdigest(), reference)
        verb = "Created" if saved.created else "Updated"
        out.print(
            f"{verb} plan #{saved.plan_id}: {saved.tasks_added} tasks added, "
            f"{saved.tasks_updated} changed, {saved.tasks_unchanged} unchanged, "
            f"{saved.tasks_deactivated} deactivated; "
            f"{saved.assignments} unit assignments.",
            highlight=False,
        )
        if saved.external:
            out.print("Outside the registry (kept as text): " + "; ".join(saved.external))
        if saved.unmatched:
            out.print(
                "Names that match no unit — map each once, then import again:\n"
                + "\n".join(
                    f'  nhacviec plan map "{name}" --group "…" | --unit CODE | --external'
                    for name in saved.unmatched
                ),
                highlight=False,
            )
        return
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    plan = result["plan"]
    number, issued = plan["number"] or "(không số)", plan["issued_on"] or "(không ngày)"
    out.print(f"{plan.get('kind') or 'Kế hoạch'} {number} — {issued}")
    out.print(plan["title"], highlight=False)
    table = Table("TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian", "Hạn tới")
    for task in result["tasks"]:
        timeline = task["timeline"]
        lead, coordinators = "; ".join(task["lead"]), "; ".join(task["coordinators"])
        table.add_row(
            task["ref"], task["title"], lead, coordinators, timeline["text"], _next(timeline)
        )
    for columns in result.get("columns", []):
        out.print(f"Cột đã đọc — {columns}", highlight=False)
    regime = regime_of(doc)  # type: ignore[arg-type]
    if regime:
        out.print(f"Chế độ báo cáo — {regime}; kiểm tra trước khi lưu "
                  "(đổi: --report-regime \"…\" hoặc REPORT_REGIME)", highlight=False)  # fmt: skip
    if result["tasks"]:
        out.print(table)
    for deadline in result["deadlines"]:
        who = ", ".join(deadline["applies_to"])
        out.print(f"Hạn trong văn bản: {deadline['timeline']['rule']} — {who}")
    for event in result["events"]:
        out.print(f"Sự kiện: {event['timeline']['rule']}")
    if result["form"]:
        labels = ", ".join(f"{f['label']} ({f['type']})" for f in result["form"]["fields"])
        out.print(f"Biểu mẫu: {result['form']['title']}: {labels}")
    for warning in result["warnings"]:
        out.print(f"Cảnh báo: {warning}", highlight=False)
    out.print("Nothing saved.")


@plan_app.command("template")
def plan_template(
    file: Path = typer.Argument(Path("mau-ke-hoach.xlsx"), help="Where to write (.xlsx or .csv)."),
) -> None:
    """Write the office's plan template, with examples. Example: nhacviec plan template"""
    from plans.template import write_template

    if file.suffix.lower() not in (".xlsx", ".csv"):
        err.print("The template is an .xlsx or a .csv file.", markup=False)
        raise typer.Exit(2)
    out.print(f"Template written: {write_template(file)}", highlight=False)


@plan_app.command("map")
def plan_map(
    name: str = typer.Argument(..., help="The name as plans write it."),
    unit: str = typer.Option("", "--unit", help="A unit code."),
    group: str = typer.Option("", "--group", help="A group of units."),
    external: bool = typer.Option(False, "--external", help="An agency outside the registry."),
) -> None:
    """Say once what a unit name in plans means; later imports use it.

    Example: nhacviec plan map "Các quận, huyện" --group "Các phòng GDĐT quận huyện"
    """
    from plans.matching import remember

    try:
        with _session(settings()) as session:
            remember(session, name, unit_code=unit, group=group, external=external)
    except ValueError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    out.print(f"Remembered: {name!r}.", highlight=False)


@plan_app.command("list")
def plan_list() -> None:
    """Plans in the database with their tasks. Example: nhacviec plan list"""
    from rich.table import Table
    from sqlalchemy import func, select

    from db.models import Plan, Task

    with _session(settings()) as session:
        rows = session.execute(
            select(Plan, func.count(Task.id))
            .outerjoin(Task, (Task.plan_id == Plan.id) & Task.active.is_(True))
            .group_by(Plan.id)
            .order_by(Plan.id)
        ).all()
        table = Table("id", "number", "date", "tasks", "title")
        for plan, tasks in rows:
            date = plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else ""
            table.add_row(str(plan.id), plan.number, date, str(tasks), plan.title[:80])
    out.print(table)


PLAN_POLICY_HELP = """Show or override how a plan's (or one task's) units are reminded.

Settings are name=value: before_days (e.g. 7,3,1,0), send_at (08:00), overdue_every,
in_progress_every, blocked_every, overdue_stop_days, escalate_after, coordinator_all
(true/false), event_hours_before, checkin_months, report_day (15/12, or 25 for each month).
An empty value (name=) removes the override. Task settings win over the plan's, the plan's
over REMINDER_POLICY.

Examples:

\b
  nhacviec plan policy 496/KH-SGDĐT                         show
  nhacviec plan policy 496/KH-SGDĐT before_days=7,3,1,0
  nhacviec plan policy 7 --task 2.1 report_day=15/12 coordinator_all=true
"""


@plan_app.command("policy", help=PLAN_POLICY_HELP)
def plan_policy(
    plan_ref: str = typer.Argument(..., metavar="PLAN", help="Plan number or id."),
    settings_: list[str] = typer.Argument(None, metavar="[NAME=VALUE]..."),
    task_ref: str = typer.Option("", "--task", help="A task's reference (TT)."),
) -> None:
    from datetime import UTC, datetime

    from jobs.outbox import base_policy, task_policy
    from plans.store import PlanNotFound, find_plan, find_task, set_policy
    from timing.planner import PolicyError

    s = settings()
    pairs: dict[str, str] = {}
    for item in settings_ or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            err.print(f"{item!r} is not NAME=VALUE", markup=False)
            raise typer.Exit(2)
        pairs[name.strip()] = value.strip()
    try:
        with _session(s) as session:
            plan = find_plan(session, plan_ref)
            task = find_task(session, plan, task_ref) if task_ref else None
            if pairs:
                set_policy(session, plan, task, pairs, datetime.now(UTC))
            owner = task if task is not None else plan
            overrides = dict(owner.policy or {})
            effective = (
                task_policy(base_policy(s), plan, task)
                if task is not None
                else base_policy(s).overridden(plan.policy)
            )
    except (PlanNotFound, PolicyError) as error:
        err.print(f"Nothing was changed: {error}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"Overrides: {overrides or 'none'}", markup=False, highlight=False)
    out.print(f"In effect: {effective}", markup=False, highlight=False)


@plan_app.command("timeline")
def plan_timeline(
    plan_ref: str = typer.Argument(..., metavar="PLAN", help="Plan number or id."),
    task_ref: str = typer.Argument(..., metavar="TASK", help="The task's reference (TT, D1…)."),
    phrase: str = typer.Argument(..., help='The corrected phrase, e.g. "trước ngày 05/02/2025".'),
) -> None:
    """Correct a task's timeline (a typo in the plan); reminders follow the new date.

    Example: nhacviec plan timeline 496/KH-SGDĐT D1 "trước ngày 05/02/2025"
    """
    from datetime import UTC, datetime

    from plans.store import PlanNotFound, find_plan, find_task, set_timeline

    try:
        with _session(settings()) as session:
            plan = find_plan(session, plan_ref)
            reading = set_timeline(
                session, plan, find_task(session, plan, task_ref), phrase, datetime.now(UTC)
            )
    except (PlanNotFound, ValueError) as error:
        err.print(f"Nothing was changed: {error}", markup=False)
        raise typer.Exit(2) from None
    assert reading.timeline is not None
    out.print(f"{task_ref}: {reading.timeline.rule}", markup=False, highlight=False)
    for warning in reading.timeline.warnings:
        out.print(f"warning: {warning}", markup=False, highlight=False)


FORM_SET_HELP = """Give a task a form (replacing the one read from the plan's appendix).

FILE is YAML or the Excel template (`nhacviec form template`). Each field has a key, a label
(the question), a type (number or text); fields with a group are asked once per repetition,
and the number field whose `repeat` names the group says how many repetitions. Checked
before saving; a bad definition changes nothing.

\b
  nhacviec form template bieu-mau.xlsx
  nhacviec form set 496/KH-SGDĐT D1 bieu-mau.xlsx
  nhacviec form show 496/KH-SGDĐT D1

A YAML example:

\b
  title: Đăng ký điểm cầu
  fields:
    - {key: so_diem_cau, label: Số lượng điểm cầu, type: number, repeat: diem_cau}
    - {key: dia_diem, label: Địa điểm, type: text, group: diem_cau}
"""


@form_app.command("set", help=FORM_SET_HELP)
def form_set(
    plan_ref: str = typer.Argument(..., metavar="PLAN"),
    task_ref: str = typer.Argument(..., metavar="TASK"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
) -> None:
    from sqlalchemy import select

    from db.models import FormDefinition
    from plans.forms import FormError, read_form_file
    from plans.store import PlanNotFound, find_plan, find_task

    try:
        form = read_form_file(file)
        with _session(settings()) as session:
            task = find_task(session, find_plan(session, plan_ref), task_ref)
            row = session.scalar(select(FormDefinition).where(FormDefinition.task_id == task.id))
            if row is None:
                row = FormDefinition(task_id=task.id)
                session.add(row)
            row.title, row.fields = form.title, form.to_json()
    except (FormError, PlanNotFound) as error:
        err.print(f"Nothing was changed: {error}", markup=False)
        raise typer.Exit(2) from None
    out.print(f"{task_ref}: form {form.title!r}, {len(form.fields)} questions.", highlight=False)


@form_app.command("show")
def form_show(
    plan_ref: str = typer.Argument(..., metavar="PLAN"),
    task_ref: str = typer.Argument(..., metavar="TASK"),
) -> None:
    """Print a task's form as YAML. Example: nhacviec form show 496/KH-SGDĐT D1"""
    import yaml
    from sqlalchemy import select

    from db.models import FormDefinition
    from plans.store import PlanNotFound, find_plan, find_task

    try:
        with _session(settings()) as session:
            task = find_task(session, find_plan(session, plan_ref), task_ref)
            row = session.scalar(select(FormDefinition).where(FormDefinition.task_id == task.id))
            data = None if row is None else {"title": row.title, **row.fields}
    except PlanNotFound as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    if data is None:
        err.print(f"Task {task_ref} has no form.", markup=False)
        raise typer.Exit(1)
    out.print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), markup=False)


@form_app.command("template")
def form_template(file: Path = typer.Argument(Path("bieu-mau.xlsx"))) -> None:
    """Write the Excel form template (with an example). Example: nhacviec form template"""
    from plans.forms import write_form_template

    write_form_template(file)
    out.print(f"Wrote {file}", highlight=False)


def _now(s: Settings, today: str):  # type: ignore[no-untyped-def]
    """Now, or the end of `today` (YYYY-MM-DD) in the office's zone, for reports as of a day."""
    from datetime import UTC, date, datetime, time

    if not today:
        return datetime.now(UTC)
    try:
        return datetime.combine(date.fromisoformat(today), time(23, 59), tzinfo=s.timezone)
    except ValueError:
        err.print(f"--today: {today!r} is not a date (YYYY-MM-DD)", markup=False)
        raise typer.Exit(2) from None


def _report_rows(session, s: Settings, scope: list[str], now):  # type: ignore[no-untyped-def]
    from duties.query import in_scope
    from reports import data

    try:
        plan_ids, task_ids = data.find_scope(session, scope)
    except LookupError as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    return in_scope(session, now, plan_ids=plan_ids, task_ids=task_ids)


TODAY_HELP = "Report as of the end of this day (YYYY-MM-DD)."


@report_app.command("summary")
def report_summary(
    scope: list[str] = typer.Argument(None, metavar="[PLAN] [TASK]"),
    today: str = typer.Option("", help=TODAY_HELP),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="The counts as JSON: the web overview's totals, per plan, per "
        "district and per task (as /tonghop).",
    ),
) -> None:
    """Per task: units done on time, late, in progress, blocked, not reported; and the
    scorecard per unit. Example: nhacviec report summary 496/KH-SGDĐT"""
    from rich.table import Table

    from duties.rules import ORDER, label
    from reports import summary

    s = settings()
    now = _now(s, today)
    with _session(s) as session:
        rows = _report_rows(session, s, scope or [], now)
    if as_json:
        import json

        from reports.overview import summary_json

        print(json.dumps(summary_json(rows, now, s.timezone), ensure_ascii=False, indent=1))
        return
    table = Table("plan", "task", "period", "due", *[label(c) for c in ORDER], "behind")
    for t in summary.by_task(rows):
        due = t.due_at.astimezone(s.timezone).strftime("%d/%m/%Y")
        behind = ", ".join(t.behind[:5]) + ("…" if len(t.behind) > 5 else "")
        table.add_row(t.plan_number, t.task_ref, t.period_key, due,
                      *[str(t.counts[c]) for c in ORDER], behind)  # fmt: skip
    out.print(table)
    scores = Table("unit", "assigned", "on time", "late", "overdue", "blocked", "on-time rate")
    for sc in summary.scorecard(rows):
        scores.add_row(sc.unit_name, str(sc.assigned), str(sc.done_on_time), str(sc.done_late),
                       str(sc.overdue), str(sc.blocked), f"{sc.on_time_rate:.0%}")  # fmt: skip
    out.print(scores)


@report_app.command("overdue")
def report_overdue(
    scope: list[str] = typer.Argument(None, metavar="[PLAN] [TASK]"),
    today: str = typer.Option("", help=TODAY_HELP),
) -> None:
    """What is overdue, by unit. Example: nhacviec report overdue"""
    from rich.table import Table

    from duties.rules import label
    from reports import summary

    s = settings()
    now = _now(s, today)
    with _session(s) as session:
        late = summary.overdue(_report_rows(session, s, scope or [], now))
    table = Table("unit", "plan", "task", "period", "due", "status", "explanation")
    for r in late:
        table.add_row(r.unit_name, r.plan_ref, r.task_ref, r.period_key,
                      r.due_at.astimezone(s.timezone).strftime("%d/%m/%Y"), label(r.category),
                      r.explanation[:60])  # fmt: skip
    out.print(table)
    out.print(f"{len(late)} overdue.")


@report_app.command("export")
def report_export(
    plan_ref: str = typer.Argument(..., metavar="PLAN"),
    xlsx: Path | None = typer.Option(
        None, "--out", help="The workbook (default: tong-hop-<plan>.xlsx)."
    ),
    csv_file: Path | None = typer.Option(None, "--csv", help="Also the details as CSV."),
    today: str = typer.Option("", help=TODAY_HELP),
) -> None:
    """The plan's Excel workbook (and CSV). Example: nhacviec report export 496/KH-SGDĐT"""
    from plans.store import PlanNotFound, find_plan
    from reports import data, excel
    from reports.excel import export_name

    s = settings()
    now = _now(s, today)
    try:
        with _session(s) as session:
            report = data.plan_report(session, find_plan(session, plan_ref), now)
    except PlanNotFound as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    target = xlsx or Path(export_name(report.plan))
    if target.suffix.lower() == ".csv":  # asked for a CSV by its name: the details as CSV
        target.write_text(excel.csv_text(report.rows, s.timezone), encoding="utf-8")
        out.print(f"Wrote {target} ({len(report.rows)} rows)", highlight=False)
        return
    if target.suffix.lower() != ".xlsx":
        err.print(f"--out {target}: the workbook is an .xlsx file (or name a .csv)",
                  markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(2)
    target.write_bytes(excel.workbook_bytes(report, now, s.timezone))
    out.print(f"Wrote {target} ({len(report.rows)} rows, {len(report.answers)} answers)",
              highlight=False)  # fmt: skip
    if csv_file is not None:
        csv_file.write_text(excel.csv_text(report.rows, s.timezone), encoding="utf-8")
        out.print(f"Wrote {csv_file}", highlight=False)


@report_app.command("calendar")
def report_calendar(
    plan_ref: str = typer.Argument("", metavar="[PLAN]"),
    unit: str = typer.Option("", help="Only this unit's deadlines and events."),
    ics: Path = typer.Option(Path("nhac-viec.ics"), "--out", help="The .ics file to write."),
) -> None:
    """Deadlines and events as an iCalendar file to subscribe to in a calendar app.

    Example: nhacviec report calendar 496/KH-SGDĐT --unit PGD-KIENAN --out kienan.ics
    """
    from datetime import UTC, datetime

    from db.registry import unit_by_code
    from plans.store import PlanNotFound, find_plan
    from reports import data
    from reports.calendar import calendar

    s = settings()
    try:
        with _session(s) as session:
            plan = find_plan(session, plan_ref) if plan_ref else None
            unit_row = unit_by_code(session, unit) if unit else None
            if unit and unit_row is None:
                err.print(f"No unit with code {unit!r} (see: nhacviec units list)", markup=False)
                raise typer.Exit(2)
            entries = data.calendar_entries(
                session, [plan.id] if plan else None, unit_row.id if unit_row else None
            )
            name = "Nhắc việc" + (f" — {plan.number}" if plan else "")
            name += f" — {unit_row.name}" if unit_row else ""
    except PlanNotFound as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    if ics.suffix.lower() != ".ics":
        err.print(f"--out {ics}: a calendar is an .ics file", markup=False, highlight=False)
        raise typer.Exit(2)
    from reports.calendar import installation_id

    publisher = installation_id(s.telegram_bot_token.reveal(), s.database_url)
    ics.write_bytes(calendar(entries, name, s.timezone, datetime.now(UTC), publisher))
    out.print(f"Wrote {ics} ({len(entries)} entries)", highlight=False)


@report_app.command("feed")
def report_feed(
    unit: str = typer.Option("", help="A unit's feed (its code); without it, the office's."),
    revoke: bool = typer.Option(False, "--revoke", help="End the feed's URL instead."),
) -> None:
    """A calendar subscription URL served by the workspace (WEB_PORT); a new one ends the old.

    Example: nhacviec report feed --unit PGD-KIENAN   (or --revoke to end it)
    """
    from datetime import UTC, datetime

    from db import calendar_feeds
    from db.registry import unit_by_code

    s = settings()
    now = datetime.now(UTC)
    with _session(s) as session:
        unit_row = unit_by_code(session, unit) if unit else None
        if unit and unit_row is None:
            err.print(f"No unit with code {unit!r} (see: nhacviec units list)", markup=False)
            raise typer.Exit(2)
        unit_id = unit_row.id if unit_row else None
        whose = unit_row.name if unit_row else "the office"
        if revoke:
            ended = calendar_feeds.revoke_feed(session, unit_id, 0, now)
            out.print(f"Revoked the calendar feed of {whose}." if ended
                      else f"{whose} has no calendar feed.", highlight=False)  # fmt: skip
            return
        token = calendar_feeds.create_feed(session, unit_id, 0, now)
    url = f"{s.web_url.rstrip('/')}/lich/{token}.ics"
    out.print(f"Calendar feed of {whose} (shown once; any earlier URL no longer works):",
              highlight=False)  # fmt: skip
    out.print(url, highlight=False, soft_wrap=True)
    if not s.web_port:
        out.print("Served only while the workspace runs: set WEB_PORT (and WEB_PUBLIC_URL).",
                  highlight=False)  # fmt: skip


SCHEDULE_PREVIEW_HELP = """Print what the bot will send, when, to whom (nothing is sent).

Reads the plans, units and answers in the database and plans the coming days exactly as the
running bot does; an answer given before a reminder's moment stops it.

Examples:

\b
  nhacviec schedule preview                      the next 14 days
  nhacviec schedule preview --days 60 --unit SGDDT
  nhacviec schedule preview --today 2025-12-01 --json
"""


@schedule_app.command("preview", help=SCHEDULE_PREVIEW_HELP)
def schedule_preview(
    days: int = typer.Option(14, min=1, max=800, help="How many days ahead."),
    unit: str = typer.Option("", help="Only this unit's code."),
    today: str = typer.Option("", help="Start on this day (YYYY-MM-DD) instead of now."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array instead of a table."),
) -> None:
    import json
    from datetime import UTC, date, datetime, time

    from rich.table import Table

    from jobs.outbox import preview

    s = settings()
    now = datetime.now(UTC)
    if today:
        try:
            now = datetime.combine(date.fromisoformat(today), time(0, 0), tzinfo=s.timezone)
        except ValueError:
            err.print(f"--today: {today!r} is not a date (YYYY-MM-DD)", markup=False)
            raise typer.Exit(2) from None
    with _session(s) as session:
        if unit and session.scalar(_unit_query(unit)) is None:
            err.print(f"No unit with code {unit!r} (see: nhacviec units list)", markup=False)
            raise typer.Exit(2)
        rows = preview(session, s, now, days, unit)
        session.rollback()  # planned to be shown, not kept
    if as_json:
        out.print_json(json.dumps([
            {"send_at": r.send_at.astimezone(s.timezone).isoformat(), "kind": r.kind,
             "audience": r.audience, "chat_id": r.chat_id, "person": r.person, "unit": r.unit,
             "plan": r.plan, "task": r.task}
            for r in rows
        ], ensure_ascii=False))  # fmt: skip
        return
    table = Table("when", "kind", "to", "unit", "plan", "task")
    for r in rows:
        when = r.send_at.astimezone(s.timezone).strftime("%a %d/%m/%Y %H:%M")
        table.add_row(when, r.kind, r.person, r.unit, r.plan, r.task)
    out.print(table)
    out.print(f"{len(rows)} messages in the next {days} days (before bundling per chat).")


def _unit_query(code: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from db.models import Unit

    return select(Unit.id).where(Unit.code == code)


@app.command("run")
def run(
    demo_without_token: bool = typer.Option(
        False,
        "--demo-without-token",
        help="With no TELEGRAM_BOT_TOKEN, run the offline demo instead of failing "
        "(what `make run` does).",
    ),
    serve: bool = typer.Option(
        True,
        "--serve/--no-serve",
        help="After the offline demo, serve the web workspace over its database (WEB_PORT, "
        "default 8080) until Ctrl+C.",
    ),
) -> None:
    """Start the bot with its scheduler (long polling, or a webhook when WEBHOOK_URL is set).

    Without a token it stops with exit code 2 and says how to get one: a service manager must
    not restart a demo forever. Example: nhacviec run
    """
    from sqlalchemy.exc import OperationalError
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application
    from bot.logs import configure_logging
    from bot.services import Services
    from config import heap
    from db.schema import SchemaOutOfDate, ensure_current
    from db.session import make_session_factory

    s = settings()
    configure_logging(s.log_level, s.secrets())
    if not s.has_token:
        if demo_without_token:
            err.print(OFFLINE, markup=False, highlight=False)
            _demo(DemoOptions(serve=serve, web_port=s.web_port or 8080))
            return
        err.print(NO_TOKEN + "\n\nThe offline demo: nhacviec demo (or make run).",
                  markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(2)
    from sqlalchemy.engine import make_url

    shown = make_url(s.database_url).render_as_string(hide_password=True)
    err.print(f"nhacviec: home {s.nhacviec_home} · database {shown}", markup=False, highlight=False)
    engine = _engine(s)
    try:
        ensure_current(engine)
    except SchemaOutOfDate as error:
        err.print(str(error), markup=False)
        raise typer.Exit(2) from None
    except OperationalError as error:
        err.print(f"Cannot reach the database: {error.orig}", markup=False)
        raise typer.Exit(2) from None
    application = build_application(Services(settings=s, sessions=make_session_factory(engine)))
    heap.settle_at_start()  # what lives as long as the process: out of the collector's way
    log = logging.getLogger("nhacviec.run")
    try:
        if s.webhook_url:
            from urllib.parse import urlsplit

            application.run_webhook(
                listen=s.webhook_listen,
                port=s.webhook_port,
                # Served at WEBHOOK_URL's own path, so a reverse proxy passes it through as is.
                url_path=urlsplit(s.webhook_url).path.strip("/"),
                webhook_url=s.webhook_url,
                secret_token=s.webhook_secret.reveal() or None,
                bootstrap_retries=-1,
            )
        else:
            # Telegram unreachable at start: keep trying (logged) rather than exit.
            application.run_polling(bootstrap_retries=-1)
    except InvalidToken:
        log.error("Telegram refused the token (TELEGRAM_BOT_TOKEN); ask @BotFather for a new one")
        raise typer.Exit(2) from None
    except NetworkError as error:
        log.error("cannot reach the Bot API at %s: %s", s.telegram_api_base_url, error)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@dataclass
class DemoOptions:
    units: int = 20
    seed: int = 1
    speed: float = 0.0
    days: int = 340
    plans: list[Path] = field(default_factory=list)
    out: Path = Path("demo-output")
    serve: bool = False  # then serve the web workspace over the demo's database
    web_port: int = 8080


def _demo(options: DemoOptions) -> None:
    from bot.logs import configure_logging
    from emulator.demo import run_demo
    from plans.reader import PlanReadError

    configure_logging("WARNING", [])
    try:
        result = asyncio.run(
            run_demo(options.out, units=options.units, seed=options.seed, speed=options.speed,
                     days=options.days, plan_files=options.plans or None, console=out)
        )  # fmt: skip
    except PlanReadError as error:
        err.print(f"Cannot read the plan: {error}", markup=False)
        raise typer.Exit(2) from None
    out.print(
        f"Done: {result.messages} messages, {result.answers} answers recorded.", highlight=False
    )
    if options.serve:
        from emulator.demo import serve_workspace

        try:
            asyncio.run(serve_workspace(result, options.web_port, out))
        except KeyboardInterrupt:
            pass
        except OSError as error:  # the port is taken
            err.print(f"Cannot serve the workspace on port {options.web_port}: "
                      f"{error.strerror}; set WEB_PORT to a free one.", markup=False)  # fmt: skip
            raise typer.Exit(1) from None


DEMO_HELP = """The whole loop offline, with no Telegram token: the real bot against the local
Bot API emulator, the sample registry, the sample plans (or your own with --plan), simulated
unit heads (some answer on time, some late, some never, some are blocked) and a simulated
clock walking a year. Writes the Excel reports, an .ics and the database into --out.

\b
  nhacviec demo
  nhacviec demo --units 8 --days 120 --seed 7
  nhacviec demo --plan ke-hoach.docx          rehearse your own plan before going live
"""


@app.command("demo", help=DEMO_HELP)
def demo(
    units: int = typer.Option(20, min=1, max=46, help="How many unit heads to simulate."),
    seed: int = typer.Option(1, help="Random seed: the same seed, the same story."),
    speed: float = typer.Option(0.0, min=0.0, help="Simulated days per second (0: fastest)."),
    days: int = typer.Option(
        340, min=1, max=1100, help="Days to simulate (to the eve of the yearly deadline)."
    ),
    plan: list[Path] = typer.Option(None, "--plan", exists=True, dir_okay=False,
                                    help="Your plan file(s) instead of the samples."),
    out_dir: Path = typer.Option(Path("demo-output"), "--out", help="Where files go."),
    serve: bool = typer.Option(False, "--serve", help="Then serve the web workspace over the "
                               "demo's database (WEB_PORT, default 8080) until Ctrl+C."),
) -> None:  # fmt: skip
    _demo(DemoOptions(units, seed, speed, days, list(plan or []), out_dir, serve,
                      settings().web_port or 8080))  # fmt: skip


@app.command("health")
def health_command(
    as_json: bool = typer.Option(False, "--json", help="The verdict as JSON."),
) -> None:
    """Is the bot alive: did the scheduler tick recently, does the database answer, was
    Telegram reached? Exit 0 when all is well, 1 otherwise (for cron or a monitor).

    Example: nhacviec health --json
    """
    import json
    from datetime import UTC, datetime

    from db.session import make_session_factory
    from jobs import health

    s = settings()
    engine = _engine(s)
    try:
        with make_session_factory(engine)() as session:
            verdict = health.read(session, datetime.now(UTC), s.tick_seconds)
    finally:
        engine.dispose()
    if as_json:
        out.print_json(json.dumps(verdict.to_json()))
    else:
        for name, check in verdict.checks.items():
            mark = "ok" if check["ok"] else "PROBLEM"
            detail = check.get("error") or (
                f"last {check['last']} ({check['age_seconds']} s ago)" if check.get("last") else
                "never" if "last" in check else ""
            )  # fmt: skip
            out.print(f"{name:9} {mark:8} {detail}", markup=False, highlight=False)
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("emulator")
def emulator(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8081, help="Port to listen on."),
    control_token: str = typer.Option(
        "",
        "--control-token",
        envvar="EMULATOR_CONTROL_TOKEN",
        help="Required by /control/* (header X-Control-Token); needed to listen beyond loopback.",
    ),
) -> None:
    """Run the local Telegram Bot API emulator. Example: nhacviec emulator --port 8081

    Its control API plays every user; on an address other machines reach it runs only with a
    control token: nhacviec emulator --host 0.0.0.0 --control-token "$(openssl rand -hex 16)"
    """
    from bot.logs import configure_logging
    from emulator.server import is_loopback, serve_forever

    if not is_loopback(host) and not control_token:
        err.print(
            f"Refusing to listen on {host}: the emulator's control API lets anyone who reaches "
            "it act as any user. Use --host 127.0.0.1, or give --control-token.",
            markup=False, highlight=False,
        )  # fmt: skip
        raise typer.Exit(2)
    configure_logging("INFO", [control_token])
    out.print(f"Bot API emulator on http://{host}:{port}/bot  (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(host, port, control_token))


def main() -> None:
    from cli.errors import explain

    try:
        app(prog_name="nhacviec")
    except Exception as error:  # a bug keeps its traceback; what a person can fix is one line
        line = explain(error)
        if line is None:
            raise
        err.print(line, markup=False, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    sys.exit(main())


def _next(timeline: dict[str, Any]) -> str:
    """The preview's "Hạn tới": the next due day, else what the reading is; ⚠ only for what
    could not be read (a happening or ongoing work is no problem to flag)."""
    if "error" in timeline:
        return "⚠ " + timeline["error"]
    upcoming = timeline.get("next_due") or [timeline.get("due")]
    if upcoming[0]:
        return str(upcoming[0])
    if timeline["kind"] == "event" and timeline.get("start"):
        return f"sự kiện {str(timeline['start'])[:10]}"
    return {"continuous": "thường xuyên", "none": "không có hạn"}.get(timeline["kind"], "—")
