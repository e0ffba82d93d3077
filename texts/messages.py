"""Every text a user reads, in one catalog (Vietnamese first, English when LOCALE=en).

Values put into a message are escaped for Telegram's HTML mode here, so no caller can forget.
"""

from __future__ import annotations

import html
import re
from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "start.welcome": {
        "vi": (
            "Kính chào đồng chí {name}.\n\n"
            "Đây là <b>Nhắc việc</b> của Sở Giáo dục và Đào tạo: bot nhắc hạn các nhiệm vụ "
            "trong kế hoạch của Sở và nhận báo cáo của đơn vị.\n\n"
            "Để bắt đầu, đề nghị đồng chí mở <b>đường link mời</b> do Văn phòng Sở gửi cho đơn "
            "vị (hoặc liên hệ Văn phòng Sở để được cấp)."
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
            "• Bot gửi nhắc hạn cho đơn vị theo kế hoạch của Sở.\n"
            "• Bấm nút trên tin nhắc để báo cáo: ✅ Hoàn thành · 🔄 Đang thực hiện · "
            "⚠️ Vướng mắc · 📎 Gửi báo cáo.\n"
            "• /viec — việc của đơn vị · /lichsu — các báo cáo gần đây · /toi — thông tin tài khoản\n"
            "• Nhóm Telegram của đơn vị: thêm bot vào nhóm, thủ trưởng đơn vị gõ /lienketnhom "
            "trong nhóm để nhóm cùng nhận nhắc việc.\n"
            "• Chưa được liên kết với đơn vị? Hãy dùng đường link mời của Văn phòng Sở."
        ),
        "en": (
            "<b>How to use</b>\n"
            "• The bot reminds your unit of deadlines from the Department's plans.\n"
            "• Press a button on a reminder to report: ✅ Done · 🔄 In progress · "
            "⚠️ Blocked · 📎 Send report.\n"
            "• /viec — your unit's tasks · /lichsu — recent answers · /toi — who you are\n"
            "• Your unit's Telegram group: add the bot, and the unit's head types /lienketnhom "
            "there so the group gets the reminders too.\n"
            "• Not linked to a unit yet? Use the office's invitation link."
        ),
    },
    "command.start": {"vi": "Bắt đầu", "en": "Start"},
    "command.huongdan": {"vi": "Hướng dẫn sử dụng", "en": "Help"},
    "link.ok": {
        "vi": (
            "Kính chào đồng chí {name}. Tài khoản đã được liên kết với <b>{unit}</b> — {role}.\n"
            "Từ nay bot gửi tới đồng chí lịch nhắc hạn các nhiệm vụ của đơn vị; gõ /huongdan để "
            "xem cách dùng."
        ),
        "en": (
            "Hello {name}! You are now linked to <b>{unit}</b> — {role}.\n"
            "The bot will send you your unit's deadline reminders. Type /huongdan for help."
        ),
    },
    "link.private_only": {
        "vi": "Đường link mời chỉ dùng được trong cuộc trò chuyện riêng với bot. Hãy mở bot rồi bấm lại đường link.",
        "en": "An invitation link works only in a private chat with the bot. Open the bot and use the link there.",
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
        "vi": "Đồng chí đã thử link mời sai quá nhiều lần. Đề nghị thử lại sau 15 phút.",
        "en": "Too many wrong invitation links. Please try again in 15 minutes.",
    },
    "link.other_unit": {
        "vi": (
            "Tài khoản của đồng chí đang thuộc <b>{unit}</b>. Mỗi người chỉ thuộc một đơn vị; "
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
    "role.leader": {"vi": "Lãnh đạo Sở", "en": "Department leader"},
    "whoami.linked": {
        "vi": "Đồng chí <b>{name}</b>\nĐơn vị: <b>{unit}</b> ({code})\nVai trò: {role}",
        "en": "You are <b>{name}</b>\nUnit: <b>{unit}</b> ({code})\nRole: {role}",
    },
    "whoami.admin": {
        "vi": "Đồng chí <b>{name}</b> — quản trị của Văn phòng Sở (khai báo trong cấu hình bot).",
        "en": "You are <b>{name}</b> — an office admin (OFFICE_ADMINS).",
    },
    "not_linked": {
        "vi": (
            "Tài khoản chưa được liên kết với đơn vị nào. Hãy mở đường link mời do Văn phòng Sở gửi "
            "(hoặc liên hệ Văn phòng Sở để được cấp)."
        ),
        "en": "You are not linked to a unit yet. Open the invitation link the office sent you.",
    },
    "refused.private_only": {
        "vi": "Lệnh này chỉ dùng trong cuộc trò chuyện riêng giữa Văn phòng Sở và bot (không dùng trong nhóm): hãy mở bot và gửi lại lệnh ở đó.",
        "en": "This command works only in the office's private chat with the bot, not in a group: open the bot and send it there.",
    },
    "refused.office": {
        "vi": "Lệnh này chỉ dành cho Văn phòng Sở.",
        "en": "This command is for the Department office only.",
    },
    "units.header": {
        "vi": "<b>Đơn vị: {count}</b> — chưa có thành viên hay nhóm (sẽ không nhận nhắc việc): <b>{empty}</b>",
        "en": "<b>Units: {count}</b> — with no member nor group (they get no reminders): <b>{empty}</b>",
    },
    "units.line": {
        "vi": "{mark} <code>{code}</code> {name}: {members} thành viên{groups}",
        "en": "{mark} <code>{code}</code> {name}: {members} members{groups}",
    },
    "units.groups": {"vi": ", {count} nhóm", "en": ", {count} group(s)"},
    "invite.usage": {
        "vi": "Cách dùng: /moi MÃ_ĐƠN_VỊ [thutruong|canbo|vanphong|lanhdao] — một link mời; /moi quan — gửi "
        "mỗi phòng GDĐT link mời của các đơn vị trên địa bàn chưa có người nhận tin.",
        "en": "Usage: /moi UNIT_CODE [head|staff|office|leader] — one invitation; /moi quan — send "
        "each district office the links of the units in its district nobody has linked to.",
    },
    "invite.created": {
        "vi": "Link mời cho <b>{unit}</b> ({role}), dùng một lần, hết hạn ngày {expires}:\n{link}",
        "en": "Invitation for <b>{unit}</b> ({role}), single use, expires {expires}:\n{link}",
    },
    "invite.district_batch": {
        "vi": "🔗 <b>Link mời dùng bot Nhắc việc</b> cho các đơn vị trên địa bàn {district} "
        "(mỗi link dùng một lần, hết hạn ngày {expires}). Kính đề nghị chuyển tới thủ trưởng "
        "từng đơn vị:\n{lines}",
        "en": "🔗 <b>Invitation links</b> for the units in {district} (single use, expire "
        "{expires}). Please pass each to the unit's head:\n{lines}",
    },
    "invite.district_sent": {
        "vi": "Đã gửi {units} link mời cho {offices} phòng GDĐT. {missing}",
        "en": "Sent {units} invitation links to {offices} district offices. {missing}",
    },
    "invite.district_missing": {
        "vi": "Chưa gửi được cho các phòng chưa có người nhận tin: {names} (bộ phận kỹ thuật in "
        "danh sách link mời cho các phòng này).",
        "en": "Not sent to the offices nobody receives messages for: {names} (print their "
        "links with nhacviec units invite --sheet).",
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
        "vi": "📄 <b>{kind} {number}</b> ngày {date} ({name})",
        "en": "📄 <b>Plan {number}</b> of {date} ({name})",
    },
    "plan.summary_tasks": {"vi": "<b>{count} nhiệm vụ:</b>", "en": "<b>{count} tasks:</b>"},
    "plan.summary_regime": {
        "vi": "📅 Chế độ báo cáo “theo quy định” — {regime}. Bấm ✅ Áp dụng là xác nhận chế độ "
        "này; muốn khác, đặt REPORT_REGIME hoặc sửa thời hạn nhiệm vụ sau khi áp dụng.",
        "en": "📅 Report regime for “theo quy định” — {regime}. ✅ Apply confirms it; to change "
        "it, set REPORT_REGIME or correct the task's timeline after applying.",
    },
    "plan.summary_columns": {
        "vi": "🧾 Cột đã đọc — {columns}",
        "en": "🧾 Columns read — {columns}",
    },
    "plan.summary_in_file": {
        "vi": "(đủ {count} nhiệm vụ trong tệp xem trước gửi kèm; dưới đây là những nhiệm vụ đầu)",
        "en": "(all {count} tasks are in the preview file above; the first ones follow)",
    },
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
        "vi": "❓ Tên chưa khớp danh sách đơn vị (cần gán một lần, bộ phận kỹ thuật thực hiện): "
        "{names}",
        "en": "❓ Names that match no unit (map them once with nhacviec plan map): {names}",
    },
    "plan.ocr_progress": {
        "vi": "📷 Đang đọc bản scan {name} bằng OCR: trang {done}/{total}…",
        "en": "📷 Reading the scan {name} by OCR: page {done}/{total}…",
    },
    "plan.ocr_done": {
        "vi": "📷 Đã đọc xong {total} trang của {name} bằng OCR.",
        "en": "📷 Read all {total} pages of {name} by OCR.",
    },
    "plan.summary_question_ocr": {
        "vi": "Văn bản này được đọc từ ảnh: hãy đối chiếu các nhiệm vụ, thời hạn và những từ được đánh dấu ở trên với bản gốc. Đúng rồi thì lưu {kind}?",
        "en": "This document was read from an image: check the tasks, deadlines and the words marked above against the original. Save it if they are right?",
    },
    "plan.summary_question": {
        "vi": "Lưu {kind} này?",
        "en": "Save this document?",
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
        "vi": "✅ Đã lưu {kind} #{id}: {added} nhiệm vụ, {assignments} lượt giao cho đơn vị.",
        "en": "✅ Saved plan #{id}: {added} tasks, {assignments} unit assignments.",
    },
    "plan.unchanged": {
        "vi": "ℹ️ {Kind} #{id} không có gì thay đổi so với lần nhập trước ({unchanged} nhiệm vụ như cũ); các báo cáo đã nhận được giữ nguyên.",
        "en": "ℹ️ Plan #{id} has not changed since it was last imported ({unchanged} tasks as before); answers kept.",
    },
    "plan.updated": {
        "vi": "✅ Đã cập nhật {kind} #{id}: {added} nhiệm vụ mới, {updated} nhiệm vụ thay đổi, {unchanged} như cũ, {deactivated} bỏ khỏi {kind}; {assignments} lượt giao; các báo cáo đã nhận được giữ nguyên.",
        "en": "✅ Updated plan #{id}: {added} new tasks, {updated} changed, {unchanged} as before, {deactivated} dropped; {assignments} assignments; answers kept.",
    },
    # ---- reminders -------------------------------------------------------------------
    "reminder.before": {
        "vi": "⏰ <b>Nhắc hạn</b> — còn {days} ngày",
        "en": "⏰ <b>Reminder</b> — {days} days left",
    },
    "reminder.due": {"vi": "📌 <b>Hôm nay là hạn</b>", "en": "📌 <b>Due today</b>"},
    "reminder.stopped": {
        "vi": "🔕 <b>Đã ngừng nhắc {unit}</b>: quá hạn {days} ngày mà chưa hoàn thành. Từ nay việc này chỉ còn trong báo cáo tổng hợp; Văn phòng có thể nhắc hoặc yêu cầu giải trình.",
        "en": "🔕 <b>Stopped reminding {unit}</b>: {days} days overdue and not done. From now on only the reports show it; the office may nudge or ask for an explanation.",
    },
    "reminder.snoozed": {
        "vi": "⏰ <b>Nhắc lại theo hẹn</b> — còn {days} ngày đến hạn",
        "en": "⏰ <b>Reminder, as you asked</b> — due in {days} days",
    },
    "reminder.snoozed_today": {
        "vi": "⏰ <b>Nhắc lại theo hẹn</b> — hôm nay là hạn",
        "en": "⏰ <b>Reminder, as you asked</b> — due today",
    },
    "button.out_of_scope": {"vi": "🚫 Không thuộc phạm vi", "en": "🚫 Not ours"},
    "button.scope_confirm": {"vi": "✅ Đồng ý, bỏ giao", "en": "✅ Agree, unassign"},
    "button.scope_reject": {"vi": "↩ Vẫn giao cho đơn vị", "en": "↩ Keep it assigned"},
    "scope.ask_reason": {
        "vi": "Đã ghi: việc {ref} không thuộc phạm vi của đơn vị; Văn phòng Sở sẽ xác nhận, trong lúc chờ bot không nhắc việc này. Đề nghị đồng chí ghi ngắn gọn lý do (không bắt buộc).",
        "en": "Noted: task {ref} is not your unit's; the office will confirm, and meanwhile it is not reminded. Please say why in a line (optional).",
    },
    "scope.reason_saved": {
        "vi": "Đã gửi lý do cho Văn phòng Sở: {reason}",
        "en": "The reason was sent to the office: {reason}",
    },
    "scope.not_now": {
        "vi": "Việc này đã hoàn thành hoặc không còn: không báo «không thuộc phạm vi» được.",
        "en": "This task is done or gone: it cannot be marked as not yours.",
    },
    "scope.office_notice": {
        "vi": "🚫 <b>{unit}</b> báo việc <b>{ref}</b> (kế hoạch {plan}) không thuộc phạm vi của đơn vị.\n{title}\nLý do: {reason}\nĐề nghị Văn phòng xác nhận; trong lúc chờ, bot không nhắc đơn vị việc này.",
        "en": "🚫 <b>{unit}</b> says task <b>{ref}</b> (plan {plan}) is not theirs.\n{title}\nReason: {reason}\nPlease confirm; meanwhile the unit is not reminded.",
    },
    "scope.no_reason": {"vi": "(chưa nêu)", "en": "(none given)"},
    "scope.decided": {
        "vi": "Đã ghi quyết định: {decision}.",
        "en": "Decision recorded: {decision}.",
    },
    "scope.confirmed": {
        "vi": "Văn phòng Sở đồng ý: việc {ref} không thuộc phạm vi của {unit}; đơn vị không còn được giao việc này.",
        "en": "The office agrees: task {ref} is not {unit}'s; it is no longer assigned.",
    },
    "scope.rejected": {
        "vi": "Văn phòng Sở đề nghị {unit} vẫn thực hiện việc {ref}; bot nhắc lại như trước.",
        "en": "The office asks {unit} to carry out task {ref} after all; reminders resume.",
    },
    "scope.already": {
        "vi": "Việc này đã được quyết định trước đó (hoặc không còn chờ xác nhận).",
        "en": "This was already decided (or nothing is waiting).",
    },
    "button.snooze": {"vi": "⏰ Nhắc lại sau", "en": "⏰ Remind me later"},
    "button.snooze_1": {"vi": "Ngày mai ({day})", "en": "Tomorrow ({day})"},
    "button.snooze_3": {"vi": "Sau 3 ngày ({day})", "en": "In 3 days ({day})"},
    "button.snooze_w": {"vi": "Tuần sau ({day})", "en": "Next week ({day})"},
    "button.snooze_back": {"vi": "↩ Quay lại", "en": "↩ Back"},
    "snooze.pick": {
        "vi": "Chọn ngày nhắc lại (không quá ngày hạn).",
        "en": "Choose when to be reminded (no later than the deadline).",
    },
    "snooze.none": {
        "vi": "Việc này đã sát hạn hoặc đã xong: không hẹn nhắc lại được.",
        "en": "This task is due too soon or done: it cannot be snoozed.",
    },
    "snooze.done": {
        "vi": "⏰ Đã hẹn: bot nhắc lại đơn vị lúc {when}; trước đó không nhắc việc này.",
        "en": "⏰ Snoozed: the unit is reminded at {when}, and not before.",
    },
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
    "why.catch_up": {
        "vi": "<i>(gửi bù: hệ thống nhắc việc tạm ngừng hoạt động đúng lúc đến lịch nhắc)</i>",
        "en": "<i>(sent late: the reminder service was down when this was due)</i>",
    },
    "why.late_linked": {
        "vi": "<i>(gửi ngay khi đồng chí vừa liên kết với đơn vị: lịch nhắc của việc này đã qua)</i>",
        "en": "<i>(sent now that you have linked to the unit: its scheduled reminder had passed)</i>",
    },
    "why.late_plan": {
        "vi": "<i>(gửi ngay: kế hoạch hoặc lịch nhắc được cập nhật sau thời điểm nhắc theo lịch)</i>",
        "en": "<i>(sent now: the plan or its schedule was updated after this reminder's moment)</i>",
    },
    "why.first": {
        "vi": "<i>(thông báo đầu tiên về việc này; bot sẽ nhắc tiếp trước hạn)</i>",
        "en": "<i>(the first notice of this task; more reminders will follow before it is due)</i>",
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
    # A list's number and a task's ref are both dotted numbers ("1." and "1.3"): say which.
    "button.open": {"vi": "📋 ({i}) việc {ref}", "en": "📋 ({i}) task {ref}"},
    "button.explain_open": {"vi": "📝 ({i}) việc {ref}", "en": "📝 ({i}) task {ref}"},
    "bundle.head": {
        "vi": "🔔 <b>{count} việc cần chú ý</b> của {unit}:",
        "en": "🔔 <b>{count} things need attention</b> at {unit}:",
    },
    "bundle.line": {
        "vi": "({i}) {headline}\n   Việc {ref}: {title} — {left}",
        "en": "({i}) {headline}\n   Task {ref}: {title} — {left}",
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
        "vi": "👤 Đơn vị có việc nhưng chưa có người nhận tin (cần gửi link mời): <b>{count}</b>",
        "en": "👤 Units that owe something and that nobody receives messages for (send an invitation): <b>{count}</b>",
    },
    "digest.office.behind": {
        "vi": "  • <b>{unit}</b>: {count} việc quá hạn, lâu nhất {days} ngày ({refs})",
        "en": "  • <b>{unit}</b>: {count} overdue, the oldest by {days} days ({refs})",
    },
    "digest.more_units": {"vi": "  … và {count} đơn vị khác", "en": "  … and {count} more units"},
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
    "gone.blocked": {"vi": "người nhận đã chặn bot", "en": "they blocked the bot"},
    "gone.deactivated": {
        "vi": "tài khoản Telegram của người nhận đã bị xóa",
        "en": "their Telegram account was deleted",
    },
    "gone.no_chat": {
        "vi": "Telegram không tìm thấy cuộc trò chuyện với người nhận",
        "en": "Telegram does not find a chat with them",
    },
    "notice.gone": {
        "vi": "⚠️ Không gửi được tin nhắn cho {name} ({unit}): {reason}. Đã đánh dấu ngừng nhận tin; hãy liên hệ và gửi lại link mời nếu cần.",
        "en": "⚠️ Messages to {name} ({unit}) cannot be delivered: {reason}. Marked inactive; contact them and send a new invitation if needed.",
    },
    # ---- answering -----------------------------------------------------------------------
    "command.viec": {"vi": "Việc của đơn vị tôi", "en": "My unit's tasks"},
    "command.web": {"vi": "Mở Bảng theo dõi trên trình duyệt", "en": "Open the dashboard"},
    "button.workspace": {"vi": "📊 Bảng theo dõi", "en": "📊 Dashboard"},
    "web.link": {
        "vi": (
            "Liên kết đăng nhập <b>Bảng theo dõi</b> (dùng một lần, hiệu lực đến {expires}):\n"
            "{url}\n\nĐề nghị không chuyển liên kết này cho người khác."
        ),
        "en": (
            "Your sign-in link to the <b>dashboard</b> (single use, valid until {expires}):\n"
            "{url}\n\nDo not forward it."
        ),
    },
    "web.off": {
        "vi": "Bảng theo dõi trên web chưa được bật. Đề nghị liên hệ Văn phòng Sở.",
        "en": "The web dashboard is not enabled here (WEB_PORT).",
    },
    "web.not_linked": {
        "vi": (
            "Tài khoản này chưa liên kết với đơn vị nào nên chưa mở được Bảng theo dõi. Đề "
            "nghị dùng đường link mời của Văn phòng Sở."
        ),
        "en": "This account is not linked to a unit yet: use the office's invitation link.",
    },
    "command.lichsu": {"vi": "Các báo cáo gần đây", "en": "Recent answers"},
    "answer.recorded": {
        "vi": "📌 Đã ghi nhận: <b>{status}</b> — {who}, {when}{late}",
        "en": "📌 Recorded: <b>{status}</b> — {who}, {when}{late}",
    },
    "answer.late": {"vi": " (quá hạn)", "en": " (late)"},
    "answer.toast": {"vi": "Đã ghi nhận: {status}", "en": "Recorded: {status}"},
    "answer.refused": {
        "vi": "Đồng chí không có quyền trả lời cho đơn vị này: chỉ cán bộ đã liên kết của đơn vị "
        "(hoặc Văn phòng Sở) mới báo cáo được.",
        "en": "You may not answer for this unit: only its linked staff (or the office) may.",
    },
    # ---- groups --------------------------------------------------------------------------
    "command.lienketnhom": {
        "vi": "Liên kết nhóm này với đơn vị",
        "en": "Link this group to a unit",
    },
    "command.huylienketnhom": {"vi": "Hủy liên kết nhóm", "en": "Unlink this group"},
    "group.welcome": {
        "vi": "Kính chào các đồng chí. Bot <b>Nhắc việc</b> của Sở GDĐT đã được thêm vào nhóm.\n"
        "Để nhóm cùng nhận nhắc việc của đơn vị, đề nghị thủ trưởng đơn vị (tài khoản đã liên "
        "kết với bot) gõ /lienketnhom trong nhóm. Văn phòng Sở gõ /lienketnhom để nhóm nhận "
        "tổng hợp của Văn phòng.",
        "en": "The Department's <b>Nhắc việc</b> bot was added to this group.\n"
        "For the group to get the unit's reminders too, the unit's head (linked to the bot) "
        "types /lienketnhom here. The office types /lienketnhom for the office's digests.",
    },
    "group.linked": {
        "vi": "✅ Nhóm «{title}» đã được liên kết với <b>{owner}</b>. Từ nay nhắc việc của đơn vị "
        "được gửi cả vào nhóm (ngoài tin nhắn riêng tới từng cán bộ).\nTrong nhóm, chỉ cán bộ đã "
        "liên kết của đơn vị mới bấm được các nút báo cáo; câu hỏi tiếp theo (ghi chú, biểu mẫu, "
        "tệp báo cáo) được gửi trong tin nhắn riêng với bot.",
        "en": "✅ The group «{title}» is linked to <b>{owner}</b>: the unit's reminders now come "
        "here too (besides each person's own chat).\nHere only the unit's linked staff may "
        "press the report buttons; follow-up questions (a note, a form, a report file) are "
        "asked in their private chat with the bot.",
    },
    "group.linked_office": {
        "vi": "✅ Nhóm «{title}» đã được liên kết với <b>{owner}</b>: nhóm nhận bản tổng hợp hằng "
        "ngày, các đơn vị quá hạn cần đôn đốc và thông báo gửi Văn phòng.",
        "en": "✅ The group «{title}» is linked to <b>{owner}</b>: it gets the daily digest, "
        "the overdue units to chase and the office's notices.",
    },
    "group.office": {"vi": "Văn phòng Sở", "en": "the Department office"},
    "group.refused": {
        "vi": "Chỉ thủ trưởng đơn vị (tài khoản đã liên kết với bot) hoặc Văn phòng Sở mới liên "
        "kết hay hủy liên kết nhóm với đơn vị.",
        "en": "Only the unit's head (linked to the bot) or the office may link or unlink a group.",
    },
    "group.unlinked": {
        "vi": "Đã hủy liên kết nhóm với <b>{owner}</b>: nhóm không nhận nhắc việc nữa; từng cán "
        "bộ vẫn nhận trong tin nhắn riêng.",
        "en": "The group is no longer linked to <b>{owner}</b>: no more reminders here; each "
        "person still gets them in their own chat.",
    },
    "group.not_linked": {
        "vi": "Nhóm này chưa được liên kết với đơn vị nào.",
        "en": "This group is not linked to any unit.",
    },
    "group.use_in_group": {
        "vi": "Lệnh này dùng trong nhóm Telegram của đơn vị: thêm bot vào nhóm rồi gõ lệnh trong "
        "nhóm.",
        "en": "Use this command in your unit's Telegram group: add the bot there and type it.",
    },
    "group.lost": {
        "vi": "⚠️ Nhóm «{title}» của {owner} không còn nhận được tin nhắn của bot ({reason}). "
        "Nhắc việc vẫn gửi tới từng cán bộ đã liên kết; để nhóm nhận lại, thêm bot vào nhóm và "
        "gõ /lienketnhom.",
        "en": "⚠️ The group «{title}» of {owner} no longer gets the bot's messages ({reason}). "
        "Each linked person still gets the reminders; to restore the group, add the bot and "
        "type /lienketnhom.",
    },
    "group.removed": {
        "vi": "bot đã bị gỡ khỏi nhóm hoặc nhóm không còn",
        "en": "the bot was removed from the group, or the group is gone",
    },
    "group.open_private": {
        "vi": "Đồng chí {name} chưa mở trò chuyện riêng với bot: đề nghị mở @{bot}, bấm «Bắt đầu», "
        "rồi bấm lại nút trong nhóm.",
        "en": "{name} has not opened a private chat with the bot: open @{bot}, press Start, then "
        "press the button in the group again.",
    },
    "group.asked_private": {
        "vi": "{said} · Câu hỏi tiếp theo đã gửi trong tin nhắn riêng với bot.",
        "en": "{said} · The next question is in your private chat with the bot.",
    },
    "button.stale": {
        "vi": "Nút này thuộc một tin nhắn cũ và không còn dùng được. Gõ /viec để xem việc hiện tại.",
        "en": "This button belongs to an old message and no longer works. Type /viec for the current tasks.",
    },
    "answer.gone": {
        "vi": "Nhiệm vụ này đã thay đổi hoặc không còn giao cho đơn vị. Gõ /viec để xem việc hiện tại.",
        "en": "This task changed or is no longer assigned to the unit. Type /viec for the current tasks.",
    },
    "answer.ask_blocked": {
        "vi": "⚠️ Vướng mắc gì? Hãy nhắn mô tả ngắn gọn (nhiệm vụ {ref}) để Văn phòng Sở nắm và hỗ trợ.",
        "en": "⚠️ What is the problem? Send a short description (task {ref}) so the office can help.",
    },
    "answer.ask_done": {
        "vi": "✅ Đã ghi nhận hoàn thành nhiệm vụ {ref}. Nếu cần, hãy nhắn ghi chú hoặc gửi tệp báo cáo ngay sau tin này (không bắt buộc).",
        "en": "✅ Task {ref} recorded as done. If you like, send a note or a report file now (optional).",
    },
    "answer.ask_file": {
        "vi": "📎 Hãy gửi tệp báo cáo cho nhiệm vụ {ref} (PDF, Word, Excel, PowerPoint, ảnh hoặc ZIP; tối đa {mb} MB).",
        "en": "📎 Send the report file for task {ref} (PDF, Word, Excel, PowerPoint, image or ZIP; at most {mb} MB).",
    },
    "answer.note_saved": {
        "vi": "📝 Đã lưu ghi chú cho nhiệm vụ {ref}:\n<i>{note}</i>",
        "en": "📝 Note saved for task {ref}:\n<i>{note}</i>",
    },
    "answer.cancelled": {"vi": "Đã hủy.", "en": "Cancelled."},
    "answer.skipped": {
        "vi": "Không gửi thêm; báo cáo đã ghi nhận vẫn giữ nguyên.",
        "en": "Nothing more sent; your recorded answer stands.",
    },
    "answer.nothing_asked": {
        "vi": "Bot đang không chờ câu trả lời nào. Gõ /viec để xem việc của đơn vị, /huongdan để xem hướng dẫn.",
        "en": "Nothing is being asked right now. Type /viec for your unit's tasks, /huongdan for help.",
    },
    "answer.file_saved": {
        "vi": "📎 Đã nhận tệp <b>{name}</b> ({size}) cho nhiệm vụ {ref}.",
        "en": "📎 Received <b>{name}</b> ({size}) for task {ref}.",
    },
    "answer.file_too_big": {
        "vi": "Tệp {name} quá lớn ({size}); tối đa {mb} MB. Hãy nén hoặc chia nhỏ rồi gửi lại.",
        "en": "{name} is too large ({size}); the limit is {mb} MB. Compress or split it and send again.",
    },
    "answer.file_type": {
        "vi": "Không nhận loại tệp của {name}. Hãy gửi PDF, Word, Excel, PowerPoint, ảnh hoặc ZIP.",
        "en": "{name}: this kind of file is not accepted. Send PDF, Word, Excel, PowerPoint, an image or ZIP.",
    },
    "answer.file_hint": {
        "vi": "Để gửi báo cáo, hãy bấm 📎 Gửi báo cáo trên tin nhắc của việc đó (hoặc gõ /viec), rồi gửi tệp.",
        "en": "To send a report, press 📎 Send report on the task's reminder (or type /viec), then send the file.",
    },
    "button.cancel": {"vi": "✖️ Hủy", "en": "✖️ Cancel"},
    "button.skip": {"vi": "Bỏ qua", "en": "Skip"},
    "viec.none": {
        "vi": "🎉 {unit} không có việc nào đang mở.",
        "en": "🎉 {unit} has no open tasks.",
    },
    "viec.head": {
        "vi": "📋 <b>Việc của {unit}</b> ({count}):",
        "en": "📋 <b>{unit}'s tasks</b> ({count}):",
    },
    "viec.line": {
        "vi": "({i}) Việc {ref}: {title} — {left} · {status}",
        "en": "({i}) Task {ref}: {title} — {left} · {status}",
    },
    "lichsu.head": {
        "vi": "🕘 <b>Báo cáo gần đây của {unit}</b>:",
        "en": "🕘 <b>Recent answers of {unit}</b>:",
    },
    "lichsu.line": {
        "vi": "• {when} — {ref}: {status}{late} — {who}",
        "en": "• {when} — {ref}: {status}{late} — {who}",
    },
    "lichsu.note": {"vi": "   <i>{note}</i>", "en": "   <i>{note}</i>"},
    "lichsu.none": {"vi": "Chưa có báo cáo nào.", "en": "No answers yet."},
    # ---- checklists and forms --------------------------------------------------------------
    "button.checklist": {"vi": "☑️ Kiểm tra ({done}/{total})", "en": "☑️ Checklist ({done}/{total})"},
    "button.submit": {"vi": "📤 Gửi", "en": "📤 Submit"},
    "checklist.head": {
        "vi": "☑️ <b>Danh sách kiểm tra</b> — {ref}: {title}",
        "en": "☑️ <b>Checklist</b> — {ref}: {title}",
    },
    "checklist.line": {"vi": "{mark} {i}. {label}", "en": "{mark} {i}. {label}"},
    "checklist.hint": {
        "vi": "Bấm từng mục để đánh dấu; tiến độ được lưu ngay. Bấm 📤 Gửi khi xong.",
        "en": "Press an item to tick it; progress is saved at once. Press 📤 Submit when finished.",
    },
    "checklist.submitted": {
        "vi": "📤 Đã gửi danh sách kiểm tra nhiệm vụ {ref}: {done}/{total} mục.",
        "en": "📤 Checklist for task {ref} submitted: {done}/{total} items.",
    },
    "button.form": {"vi": "📝 Điền biểu mẫu", "en": "📝 Fill in the form"},
    "form.question": {"vi": "📝 <b>{title}</b>\n{label}", "en": "📝 <b>{title}</b>\n{label}"},
    "form.question_group": {
        "vi": "📝 <b>{title}</b> — lần {r}/{of}\n{label}",
        "en": "📝 <b>{title}</b> — {r} of {of}\n{label}",
    },
    "form.hint_number": {"vi": "(nhập một số, ví dụ 3)", "en": "(a number, e.g. 3)"},
    "form.invalid_number": {
        "vi": "Cần một số nguyên không âm (ví dụ 3). Hãy nhập lại.",
        "en": "A whole number of 0 or more is needed (e.g. 3). Please try again.",
    },
    "form.too_many": {"vi": "Tối đa 50. Hãy nhập lại.", "en": "At most 50. Please try again."},
    "form.empty": {
        "vi": "Câu trả lời không được để trống. Hãy nhập lại.",
        "en": "The answer cannot be empty. Please try again.",
    },
    "form.too_long": {
        "vi": "Câu trả lời quá dài (tối đa 2000 ký tự). Hãy nhập lại.",
        "en": "Too long (2000 characters at most). Please try again.",
    },
    "form.stale": {
        "vi": "⚠️ Câu trả lời «{text}» được gửi trước khi câu hỏi hiện tại được hỏi nên <b>chưa được ghi</b>. Hãy trả lời lại câu hỏi dưới đây.",
        "en": "⚠️ The answer «{text}» was sent before the current question was asked, so it was <b>not recorded</b>. Please answer the question below.",
    },
    "form.summary": {
        "vi": "📋 <b>Kiểm tra lại trước khi gửi</b> — {title}:",
        "en": "📋 <b>Check before sending</b> — {title}:",
    },
    "form.summary_line": {"vi": "• {label}: <b>{value}</b>", "en": "• {label}: <b>{value}</b>"},
    "form.button_confirm": {"vi": "✅ Xác nhận gửi", "en": "✅ Send"},
    "form.button_edit": {"vi": "✏️ Điền lại", "en": "✏️ Start again"},
    "form.submitted": {
        "vi": "✅ Đã gửi biểu mẫu cho nhiệm vụ {ref}{late}.",
        "en": "✅ Form sent for task {ref}{late}.",
    },
    "form.closed": {
        "vi": "Đã quá hạn nên không sửa được biểu mẫu đã gửi. Liên hệ Văn phòng Sở nếu cần.",
        "en": "The deadline has passed: a sent form can no longer be changed. Contact the office if needed.",
    },
    "form.none": {"vi": "Nhiệm vụ này không có biểu mẫu.", "en": "This task has no form."},
    # ---- explanations (yêu cầu giải trình) ------------------------------------------------------
    "button.explain_request": {"vi": "📝 Yêu cầu giải trình", "en": "📝 Ask for an explanation"},
    "explain.requested": {
        "vi": "📝 Đã gửi yêu cầu giải trình tới {unit} (nhiệm vụ {ref}).",
        "en": "📝 Explanation requested from {unit} (task {ref}).",
    },
    "explain.notice": {
        "vi": "📝 <b>Yêu cầu giải trình</b>\nVăn phòng Sở đề nghị {unit} giải trình lý do chưa hoàn thành nhiệm vụ {ref}: {title} (hạn {due}).\nBấm nút bên dưới rồi nhắn nội dung giải trình.",
        "en": "📝 <b>Explanation requested</b>\nThe office asks {unit} to explain why task {ref}: {title} (due {due}) is not done.\nPress the button below, then send your explanation.",
    },
    "button.explain": {"vi": "✍️ Gửi giải trình", "en": "✍️ Explain"},
    "explain.ask": {
        "vi": "✍️ Hãy nhắn nội dung giải trình cho nhiệm vụ {ref}.",
        "en": "✍️ Send your explanation for task {ref}.",
    },
    "explain.saved": {
        "vi": "✅ Đã lưu giải trình của {unit} cho nhiệm vụ {ref}; Văn phòng Sở sẽ nhận được.",
        "en": "✅ {unit}'s explanation for task {ref} is saved; the office will see it.",
    },
    "explain.to_office": {
        "vi": "📝 {unit} giải trình nhiệm vụ {ref}:\n<i>{text}</i>",
        "en": "📝 {unit} explains task {ref}:\n<i>{text}</i>",
    },
    # ---- the office's view ------------------------------------------------------------------
    "command.tonghop": {"vi": "Tổng hợp tiến độ (Văn phòng Sở)", "en": "Progress summary (office)"},
    "command.quahan": {"vi": "Việc quá hạn (Văn phòng Sở)", "en": "Overdue (office)"},
    "command.chuatraloi": {
        "vi": "Đơn vị chưa báo cáo một nhiệm vụ",
        "en": "Units that have not answered",
    },
    "command.vuongmac": {"vi": "Các vướng mắc (Văn phòng Sở)", "en": "Blocked answers (office)"},
    "command.xuat": {"vi": "Xuất Excel kế hoạch (Văn phòng Sở)", "en": "Excel export (office)"},
    "command.xephang": {"vi": "Xếp hạng đơn vị (Văn phòng Sở)", "en": "Unit scorecard (office)"},
    "office.scope_unknown": {
        "vi": "{problem}. Gõ lệnh không kèm tham số để xem tất cả.",
        "en": "{problem}. Send the command alone to see everything.",
    },
    "office.empty": {
        "vi": "Chưa có dữ liệu: chưa có kế hoạch nào được giao cho đơn vị.",
        "en": "Nothing yet: no plan has been assigned to units.",
    },
    "office.summary_head": {
        "vi": "📊 <b>Tổng hợp tiến độ</b> ({count} lượt giao)",
        "en": "📊 <b>Progress</b> ({count} assignments)",
    },
    "office.summary_task": {
        "vi": "\n<b>{plan} · {ref}</b>{period} — hạn {due}\n{title}",
        "en": "\n<b>{plan} · {ref}</b>{period} — due {due}\n{title}",
    },
    "office.summary_counts": {
        # "quá hạn" qualifies two different states: each under its own verb, never alone.
        "vi": "Hoàn thành: ✅ đúng hạn {done_on_time} · ☑️ quá hạn {done_late}\nĐang thực hiện: 🔄 trong hạn {in_progress_on_time} · ⏳ quá hạn {in_progress_late}\n⚠️ Vướng mắc {blocked} · ⭕ Chưa báo cáo {not_reported}",
        "en": "Done: ✅ on time {done_on_time} · ☑️ late {done_late}\nIn progress: 🔄 on time {in_progress_on_time} · ⏳ overdue {in_progress_late}\n⚠️ Blocked {blocked} · ⭕ Not reported {not_reported}",
    },
    "office.summary_behind": {"vi": "Chậm / vướng: {units}", "en": "Behind / blocked: {units}"},
    "office.overdue_head": {
        "vi": "❗ <b>Quá hạn</b>: {count} lượt, {units} đơn vị",
        "en": "❗ <b>Overdue</b>: {count}, {units} units",
    },
    "office.overdue_unit": {"vi": "\n<b>{unit}</b>", "en": "\n<b>{unit}</b>"},
    "office.overdue_line": {
        "vi": "• {plan} · {ref}: {title} — {late} · {status}",
        "en": "• {plan} · {ref}: {title} — {late} · {status}",
    },
    "office.unanswered_line": {"vi": "• {unit} — {late}", "en": "• {unit} — {late}"},
    "office.none_overdue": {"vi": "🎉 Không có việc nào quá hạn.", "en": "🎉 Nothing is overdue."},
    "office.unanswered_usage": {
        "vi": "Cách dùng: /chuatraloi [số kế hoạch] MÃ_NHIỆM_VỤ (ví dụ /chuatraloi D1)",
        "en": "Usage: /chuatraloi [plan number] TASK_REF (e.g. /chuatraloi D1)",
    },
    "office.unanswered_head": {
        "vi": "⭕ <b>Chưa báo cáo</b> — {plan} · {ref}{period}: {count} đơn vị",
        "en": "⭕ <b>Not answered</b> — {plan} · {ref}{period}: {count} units",
    },
    "office.all_answered": {
        "vi": "✅ Mọi đơn vị đã trả lời nhiệm vụ {ref}.",
        "en": "✅ Every unit has answered task {ref}.",
    },
    "office.button_nudge": {"vi": "🔔 Nhắc ngay các đơn vị này", "en": "🔔 Remind them now"},
    "office.nudged": {
        "vi": "🔔 Đã xếp lịch nhắc {count} người ở {units} đơn vị; tin sẽ đi trong vòng một phút.",
        "en": "🔔 Queued reminders for {count} people in {units} units; they go out within a minute.",
    },
    "office.blocked_head": {"vi": "⚠️ <b>Vướng mắc</b>: {count}", "en": "⚠️ <b>Blocked</b>: {count}"},
    "office.blocked_line": {
        "vi": "\n<b>{unit}</b> — {plan} · {ref}: {title}\n<i>{note}</i>",
        "en": "\n<b>{unit}</b> — {plan} · {ref}: {title}\n<i>{note}</i>",
    },
    "office.none_blocked": {"vi": "Không có vướng mắc nào.", "en": "No blocked answers."},
    "office.export_caption": {
        "vi": "📎 Kế hoạch {plan}: {rows} dòng, {answers} báo cáo.",
        "en": "📎 Plan {plan}: {rows} rows, {answers} answers.",
    },
    "office.rank_head": {
        "vi": "🏅 <b>Xếp hạng đơn vị</b> (thấp nhất trước){plan}",
        "en": "🏅 <b>Unit scorecard</b> (worst first){plan}",
    },
    "office.rank_line": {
        "vi": "{i}. {unit} — đúng hạn {rate}% · giao {assigned} · ✅ {on_time} · ☑️ {late} · ❗ {overdue}",
        "en": "{i}. {unit} — on time {rate}% · assigned {assigned} · ✅ {on_time} · ☑️ {late} · ❗ {overdue}",
    },
    "reminder.nudge": {
        "vi": "🔔 <b>Văn phòng Sở nhắc</b>: đơn vị chưa báo cáo",
        "en": "🔔 <b>The office asks</b>: no answer yet",
    },
    "error.generic": {
        "vi": "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.",
        "en": "Sorry, something went wrong. Please try again in a few minutes.",
    },
}


TELEGRAM_LIMIT = 4096


# A tag, an entity, a line break, a run of spaces with the word after it, or a lone < or &.
_TOKENS = re.compile(r"<[^<>]*>|&#?\w+;|\n|[^\S\n]*[^\s<&]+|[^\S\n]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)")


def split_for_telegram(body: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pieces of Telegram HTML under its message limit: cut at a line end when the line fits,
    else between words, never inside a tag or an entity; a tag open at a cut is closed at the
    end of its piece and opened again at the start of the next, so each piece is valid."""
    if len(body) <= limit:
        return [body]
    pieces: list[str] = []
    opened: list[tuple[str, str]] = []  # (name, opening tag) of the tags still open
    current, filled = "", False  # filled: the piece holds more than reopened tags

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(opened))

    def room() -> int:
        return limit - len(closing()) - len(current)

    def flush() -> None:
        nonlocal current, filled
        if filled:
            pieces.append(current.rstrip("\n") + closing())
        current, filled = "".join(tag for _, tag in opened), False

    def add(token: str) -> None:
        nonlocal current, filled
        tag = _TAG.match(token)
        opens = tag is not None and not tag[1] and not token.endswith("/>")
        needed = len(token) + (len(tag[2]) + 3 if opens and tag else 0)  # and its closing tag
        if needed > room() and filled:
            flush()
        current += token
        if tag is None:
            filled = filled or token != "\n"
        elif tag[1]:  # a closing tag closes the innermost of its name
            for i in range(len(opened) - 1, -1, -1):
                if opened[i][0] == tag[2].lower():
                    del opened[i]
                    break
        elif opens:
            opened.append((tag[2].lower(), token))

    for n, line in enumerate(body.split("\n")):
        if filled and len(line) + 1 > room():
            flush()  # the line starts a piece of its own rather than being cut
        if n and filled:
            add("\n")
        for token in _TOKENS.findall(line):
            for part in _chunks(token, limit // 2):
                add(part)
    flush()
    return pieces or [""]


def _chunks(token: str, size: int) -> list[str]:
    """A tag or entity whole; a word longer than `size` in pieces of `size`."""
    if token[:1] in ("<", "&") or len(token) <= size:
        return [token]
    return [token[i : i + size] for i in range(0, len(token), size)]


def text(key: str, locale: str = "vi", **values: Any) -> str:
    """The catalog's text for `key`, with `values` HTML-escaped and filled in."""
    entry = CATALOG[key]
    template = entry.get(locale) or entry["vi"]
    return template.format(**{k: html.escape(str(v), quote=False) for k, v in values.items()})


def plain(body: str) -> str:
    """A message's Telegram HTML as plain text (for a file, a web page)."""
    return html.unescape(re.sub(r"<[^>]+>", "", body))
