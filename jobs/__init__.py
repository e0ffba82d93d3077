"""Time: reading timelines, the working calendar, planning and sending reminders."""
