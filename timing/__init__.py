"""When things fall due and when to remind: the timeline grammar, the working calendar,
the reminder planner. Pure: plain values and a `now` in, plain values out."""
