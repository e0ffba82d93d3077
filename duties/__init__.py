"""What a unit owes for one occurrence of a task — its duty — in one place: the read model
(`model.Duty`), the one query every edge uses (`query`), the rules as pure functions of a
duty and `now` (`rules`), and the answering actions that return data for the edge to render
(`actions`)."""
