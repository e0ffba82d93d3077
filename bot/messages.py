"""Every text a user reads, in one catalog (Vietnamese first, English when LOCALE=en).

Values put into a message are escaped for Telegram's HTML mode here, so no caller can forget.
"""

from __future__ import annotations

import html
from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "start.welcome": {
        "vi": (
            "Xin chào {name}!\n\n"
            "Đây là <b>Nhắc việc</b> của Sở Giáo dục và Đào tạo: bot nhắc hạn các nhiệm vụ "
            "trong kế hoạch của Sở và nhận báo cáo của đơn vị.\n\n"
            "Để bắt đầu, bạn cần <b>đường link mời</b> do Văn phòng Sở gửi cho đơn vị mình. "
            "Hãy mở đường link đó (hoặc liên hệ Văn phòng Sở để được cấp)."
        ),
        "en": (
            "Hello {name}!\n\n"
            "This is <b>Nhắc việc</b>, the Department of Education's reminder bot: it reminds "
            "units of the deadlines in the Department's plans and collects their reports.\n\n"
            "To begin you need the <b>invitation link</b> the Department's office sends to "
            "your unit. Open that link (or ask the office for one)."
        ),
    },
    "button.help": {"vi": "📖 Hướng dẫn", "en": "📖 Help"},
    "help": {
        "vi": (
            "<b>Hướng dẫn sử dụng</b>\n"
            "• Bot gửi nhắc hạn cho đơn vị của bạn theo kế hoạch của Sở.\n"
            "• Bấm nút trên tin nhắc để báo cáo: ✅ Hoàn thành · 🔄 Đang thực hiện · "
            "⚠️ Vướng mắc · 📎 Gửi báo cáo.\n"
            "• /viec — việc của đơn vị · /lichsu — các báo cáo gần đây · /toi — bạn là ai\n"
            "• Chưa được liên kết với đơn vị? Hãy dùng đường link mời của Văn phòng Sở."
        ),
        "en": (
            "<b>How to use</b>\n"
            "• The bot reminds your unit of deadlines from the Department's plans.\n"
            "• Press a button on a reminder to report: ✅ Done · 🔄 In progress · "
            "⚠️ Blocked · 📎 Send report.\n"
            "• /viec — your unit's tasks · /lichsu — recent answers · /toi — who you are\n"
            "• Not linked to a unit yet? Use the office's invitation link."
        ),
    },
    "command.start": {"vi": "Bắt đầu", "en": "Start"},
    "command.huongdan": {"vi": "Hướng dẫn sử dụng", "en": "Help"},
    "link.ok": {
        "vi": (
            "Xin chào {name}! Bạn đã được liên kết với <b>{unit}</b> — {role}.\n"
            "Từ nay bot sẽ gửi cho bạn nhắc hạn các nhiệm vụ của đơn vị. Gõ /huongdan để xem cách dùng."
        ),
        "en": (
            "Hello {name}! You are now linked to <b>{unit}</b> — {role}.\n"
            "The bot will send you your unit's deadline reminders. Type /huongdan for help."
        ),
    },
    "link.wrong": {
        "vi": "Đường link mời không hợp lệ. Hãy kiểm tra lại, hoặc xin Văn phòng Sở link mới.",
        "en": "This invitation link is not valid. Check it, or ask the office for a new one.",
    },
    "link.used": {
        "vi": "Đường link mời này đã được sử dụng (mỗi link chỉ dùng một lần). Hãy xin Văn phòng Sở link mới.",
        "en": "This invitation link has already been used (each works once). Ask the office for a new one.",
    },
    "link.expired": {
        "vi": "Đường link mời đã hết hạn. Hãy xin Văn phòng Sở link mới.",
        "en": "This invitation link has expired. Ask the office for a new one.",
    },
    "link.throttled": {
        "vi": "Bạn đã thử link mời sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        "en": "Too many wrong invitation links. Please try again in 15 minutes.",
    },
    "link.other_unit": {
        "vi": (
            "Tài khoản của bạn đang thuộc <b>{unit}</b>. Mỗi người chỉ thuộc một đơn vị; "
            "nếu cần chuyển đơn vị, hãy liên hệ Văn phòng Sở."
        ),
        "en": "Your account belongs to <b>{unit}</b>. To move to another unit, ask the office.",
    },
    "link.unit_inactive": {
        "vi": "Đơn vị của đường link này không còn hoạt động. Hãy liên hệ Văn phòng Sở.",
        "en": "This link's unit is no longer active. Please contact the office.",
    },
    "role.head": {"vi": "Thủ trưởng đơn vị", "en": "head of unit"},
    "role.staff": {"vi": "Cán bộ đơn vị", "en": "unit staff"},
    "role.office": {"vi": "Văn phòng Sở", "en": "Department office"},
    "whoami.linked": {
        "vi": "Bạn là <b>{name}</b>\nĐơn vị: <b>{unit}</b> ({code})\nVai trò: {role}",
        "en": "You are <b>{name}</b>\nUnit: <b>{unit}</b> ({code})\nRole: {role}",
    },
    "whoami.admin": {
        "vi": "Bạn là <b>{name}</b> — quản trị của Văn phòng Sở (OFFICE_ADMINS).",
        "en": "You are <b>{name}</b> — an office admin (OFFICE_ADMINS).",
    },
    "not_linked": {
        "vi": (
            "Bạn chưa được liên kết với đơn vị nào. Hãy mở đường link mời do Văn phòng Sở gửi "
            "(hoặc liên hệ Văn phòng Sở để được cấp)."
        ),
        "en": "You are not linked to a unit yet. Open the invitation link the office sent you.",
    },
    "refused.office": {
        "vi": "Lệnh này chỉ dành cho Văn phòng Sở.",
        "en": "This command is for the Department office only.",
    },
    "units.header": {
        "vi": "<b>Đơn vị: {count}</b> — chưa có thành viên (sẽ không nhận nhắc việc): <b>{empty}</b>",
        "en": "<b>Units: {count}</b> — with no member (they get no reminders): <b>{empty}</b>",
    },
    "units.line": {
        "vi": "{mark} <code>{code}</code> {name}: {members} thành viên",
        "en": "{mark} <code>{code}</code> {name}: {members} members",
    },
    "invite.usage": {
        "vi": "Cách dùng: /moi MÃ_ĐƠN_VỊ [head|staff|office]",
        "en": "Usage: /moi UNIT_CODE [head|staff|office]",
    },
    "invite.created": {
        "vi": "Link mời cho <b>{unit}</b> ({role}), dùng một lần, hết hạn ngày {expires}:\n{link}",
        "en": "Invitation for <b>{unit}</b> ({role}), single use, expires {expires}:\n{link}",
    },
    "invite.no_unit": {
        "vi": "Không có đơn vị mã {code}.",
        "en": "No unit with code {code}.",
    },
    "office.member_inactive": {
        "vi": (
            "⚠️ {name} ({unit}) đã chặn bot hoặc rời cuộc trò chuyện: đơn vị sẽ không nhận "
            "nhắc việc qua tài khoản này."
        ),
        "en": "⚠️ {name} ({unit}) blocked the bot or left: the unit gets no reminders through them.",
    },
    "command.toi": {"vi": "Tôi là ai, thuộc đơn vị nào", "en": "Who am I"},
    "command.donvi": {"vi": "Danh sách đơn vị (Văn phòng Sở)", "en": "Units (office)"},
    "command.moi": {"vi": "Tạo link mời (Văn phòng Sở)", "en": "Create an invitation (office)"},
    "plan.not_office": {
        "vi": "Chỉ Văn phòng Sở mới nhập được kế hoạch vào bot.",
        "en": "Only the Department office can import plans.",
    },
    "plan.too_big": {
        "vi": "Tệp {name} lớn hơn 20 MB, bot không tải về được.",
        "en": "{name} is larger than 20 MB; the bot cannot download it.",
    },
    "plan.unreadable": {
        "vi": "Không nhập được kế hoạch: {problem}\nChưa có gì được lưu.",
        "en": "Could not import the plan: {problem}\nNothing was saved.",
    },
    "plan.summary_head": {
        "vi": "📄 <b>Kế hoạch {number}</b> ngày {date} ({name})",
        "en": "📄 <b>Plan {number}</b> of {date} ({name})",
    },
    "plan.summary_tasks": {"vi": "<b>{count} nhiệm vụ:</b>", "en": "<b>{count} tasks:</b>"},
    "plan.summary_deadline": {
        "vi": "⏰ Hạn trong văn bản: {rule} — {who}",
        "en": "⏰ Deadline in the text: {rule} — {who}",
    },
    "plan.summary_event": {"vi": "📅 {rule}", "en": "📅 {rule}"},
    "plan.summary_form": {
        "vi": "📝 Biểu mẫu «{title}»: {fields}",
        "en": "📝 Form «{title}»: {fields}",
    },
    "plan.summary_unmatched": {
        "vi": "❓ Tên chưa khớp danh sách đơn vị (gán một lần bằng nhacviec plan map): {names}",
        "en": "❓ Names that match no unit (map them once with nhacviec plan map): {names}",
    },
    "plan.summary_question": {
        "vi": "Lưu kế hoạch này?",
        "en": "Save this plan?",
    },
    "plan.button_apply": {"vi": "✅ Áp dụng", "en": "✅ Apply"},
    "plan.button_cancel": {"vi": "✖️ Hủy", "en": "✖️ Cancel"},
    "plan.expired": {
        "vi": "Yêu cầu nhập kế hoạch này không còn nữa; hãy gửi lại tệp.",
        "en": "This import is no longer pending; send the file again.",
    },
    "plan.cancelled": {"vi": "Đã hủy, không lưu gì.", "en": "Cancelled; nothing saved."},
    "plan.applying": {"vi": "Đang lưu…", "en": "Saving…"},
    "plan.changed": {
        "vi": "Tệp đã thay đổi so với bản tóm tắt; hãy gửi lại tệp.",
        "en": "The file changed since the summary; send it again.",
    },
    "plan.created": {
        "vi": "✅ Đã lưu kế hoạch #{id}: {added} nhiệm vụ, {assignments} lượt giao cho đơn vị.",
        "en": "✅ Saved plan #{id}: {added} tasks, {assignments} unit assignments.",
    },
    "plan.updated": {
        "vi": "✅ Đã cập nhật kế hoạch #{id}: {added} nhiệm vụ mới, {updated} nhiệm vụ cập nhật, {assignments} lượt giao; các báo cáo đã nhận được giữ nguyên.",
        "en": "✅ Updated plan #{id}: {added} new tasks, {updated} updated, {assignments} assignments; answers kept.",
    },
    # ---- reminders -------------------------------------------------------------------
    "reminder.before": {
        "vi": "⏰ <b>Nhắc hạn</b> — còn {days} ngày",
        "en": "⏰ <b>Reminder</b> — {days} days left",
    },
    "reminder.due": {"vi": "📌 <b>Hôm nay là hạn</b>", "en": "📌 <b>Due today</b>"},
    "reminder.overdue": {
        "vi": "❗ <b>Quá hạn {days} ngày</b>",
        "en": "❗ <b>{days} days overdue</b>",
    },
    "reminder.escalation": {
        "vi": "🚨 <b>Quá hạn {days} ngày</b> — kính báo Thủ trưởng đơn vị",
        "en": "🚨 <b>{days} days overdue</b> — for the head of the unit",
    },
    "reminder.escalated": {
        "vi": "🚨 <b>{unit}</b> quá hạn {days} ngày, chưa báo cáo hoàn thành",
        "en": "🚨 <b>{unit}</b> is {days} days overdue and has not reported done",
    },
    "reminder.checkin": {
        "vi": "🔎 <b>Cập nhật tiến độ</b> nhiệm vụ thường xuyên",
        "en": "🔎 <b>Progress check</b> on an ongoing task",
    },
    "reminder.event_day_before": {"vi": "📅 <b>Sắp diễn ra</b>", "en": "📅 <b>Coming up</b>"},
    "reminder.event_soon": {
        "vi": "📅 <b>Sắp bắt đầu</b> lúc {time}",
        "en": "📅 <b>Starting</b> at {time}",
    },
    "reminder.catch_up": {
        "vi": "(gửi bù: bot tạm dừng trong lúc đến lịch nhắc)",
        "en": "(sent late: the bot was paused when this was due)",
    },
    "card.plan": {"vi": "Kế hoạch: {number} {title}", "en": "Plan: {number} {title}"},
    "card.task": {"vi": "Nhiệm vụ <b>{ref}</b>: {title}", "en": "Task <b>{ref}</b>: {title}"},
    "card.unit": {"vi": "Đơn vị: {unit}", "en": "Unit: {unit}"},
    "card.role.lead": {"vi": "Vai trò: <b>chủ trì</b>", "en": "Role: <b>lead</b>"},
    "card.role.coordinator": {"vi": "Vai trò: phối hợp", "en": "Role: coordinating"},
    "card.due": {"vi": "Hạn: <b>{when}</b> ({left})", "en": "Due: <b>{when}</b> ({left})"},
    "card.event": {"vi": "Thời gian: <b>{when}</b>", "en": "When: <b>{when}</b>"},
    "card.period": {"vi": "Kỳ báo cáo: {period}", "en": "Period: {period}"},
    "card.status": {"vi": "Trạng thái: {status}", "en": "Status: {status}"},
    "card.left.days": {"vi": "còn {n} ngày", "en": "{n} days left"},
    "card.left.today": {"vi": "hạn hôm nay", "en": "due today"},
    "card.left.late": {"vi": "quá hạn {n} ngày", "en": "{n} days late"},
    "status.not_started": {"vi": "Chưa báo cáo", "en": "Not reported"},
    "status.in_progress": {"vi": "🔄 Đang thực hiện", "en": "🔄 In progress"},
    "status.blocked": {"vi": "⚠️ Vướng mắc", "en": "⚠️ Blocked"},
    "status.done": {"vi": "✅ Hoàn thành", "en": "✅ Done"},
    "button.done": {"vi": "✅ Hoàn thành", "en": "✅ Done"},
    "button.in_progress": {"vi": "🔄 Đang thực hiện", "en": "🔄 In progress"},
    "button.blocked": {"vi": "⚠️ Vướng mắc", "en": "⚠️ Blocked"},
    "button.file": {"vi": "📎 Gửi báo cáo", "en": "📎 Send report"},
    "button.open": {"vi": "📋 {ref}", "en": "📋 {ref}"},
    "bundle.head": {
        "vi": "🔔 <b>{count} việc cần chú ý</b> của {unit}:",
        "en": "🔔 <b>{count} things need attention</b> at {unit}:",
    },
    "bundle.line": {
        "vi": "{i}. {headline}\n   {ref}: {title} — {left}",
        "en": "{i}. {headline}\n   {ref}: {title} — {left}",
    },
    "bundle.hint": {
        "vi": "Bấm nút bên dưới để mở từng việc và báo cáo.",
        "en": "Press a button below to open a task and answer.",
    },
    "weekday.0": {"vi": "Thứ Hai", "en": "Monday"},
    "weekday.1": {"vi": "Thứ Ba", "en": "Tuesday"},
    "weekday.2": {"vi": "Thứ Tư", "en": "Wednesday"},
    "weekday.3": {"vi": "Thứ Năm", "en": "Thursday"},
    "weekday.4": {"vi": "Thứ Sáu", "en": "Friday"},
    "weekday.5": {"vi": "Thứ Bảy", "en": "Saturday"},
    "weekday.6": {"vi": "Chủ Nhật", "en": "Sunday"},
    # ---- digests and notices -------------------------------------------------------------
    "digest.office.head": {
        "vi": "📊 <b>Tổng hợp ngày {date}</b>",
        "en": "📊 <b>Summary for {date}</b>",
    },
    "digest.office.due": {
        "vi": "📅 Đến hạn trong tuần: <b>{count}</b>",
        "en": "📅 Due this week: <b>{count}</b>",
    },
    "digest.office.overdue": {
        "vi": "❗ Quá hạn: <b>{count}</b>",
        "en": "❗ Overdue: <b>{count}</b>",
    },
    "digest.office.answered": {
        "vi": "📨 Báo cáo nhận hôm nay: <b>{count}</b>",
        "en": "📨 Answers today: <b>{count}</b>",
    },
    "digest.office.lonely": {
        "vi": "👤 Đơn vị chưa có người nhận tin: <b>{count}</b>",
        "en": "👤 Units nobody receives messages for: <b>{count}</b>",
    },
    "digest.line": {
        "vi": "  • {unit} — {ref}: {title} ({left})",
        "en": "  • {unit} — {ref}: {title} ({left})",
    },
    "digest.more": {"vi": "  … và {count} mục khác", "en": "  … and {count} more"},
    "digest.name": {"vi": "  • {name}", "en": "  • {name}"},
    "digest.week.head": {
        "vi": "🗓 <b>Việc của {unit}</b> (tuần {week}):",
        "en": "🗓 <b>{unit}'s tasks</b> (week {week}):",
    },
    "digest.week.line": {
        "vi": "• {ref}: {title} — {left} · {status}",
        "en": "• {ref}: {title} — {left} · {status}",
    },
    "digest.week.hint": {
        "vi": "Gõ /viec để báo cáo từng việc.",
        "en": "Type /viec to answer each task.",
    },
    "notice.gone": {
        "vi": "⚠️ Không gửi được tin nhắn cho {name} ({unit}): {reason}. Đã đánh dấu ngừng nhận tin; hãy liên hệ và gửi lại link mời nếu cần.",
        "en": "⚠️ Messages to {name} ({unit}) cannot be delivered: {reason}. Marked inactive; contact them and send a new invitation if needed.",
    },
    "error.generic": {
        "vi": "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.",
        "en": "Sorry, something went wrong. Please try again in a few minutes.",
    },
}


TELEGRAM_LIMIT = 4096


def split_for_telegram(body: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pieces under Telegram's message limit, cut at line ends (a very long line is cut)."""
    pieces: list[str] = []
    current = ""
    for line in body.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def text(key: str, locale: str = "vi", **values: Any) -> str:
    """The catalog's text for `key`, with `values` HTML-escaped and filled in."""
    entry = CATALOG[key]
    template = entry.get(locale) or entry["vi"]
    return template.format(**{k: html.escape(str(v), quote=False) for k, v in values.items()})
