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
    "error.generic": {
        "vi": "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.",
        "en": "Sorry, something went wrong. Please try again in a few minutes.",
    },
}


def text(key: str, locale: str = "vi", **values: Any) -> str:
    """The catalog's text for `key`, with `values` HTML-escaped and filled in."""
    entry = CATALOG[key]
    template = entry.get(locale) or entry["vi"]
    return template.format(**{k: html.escape(str(v), quote=False) for k, v in values.items()})
