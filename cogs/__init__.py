"""Extensions: one per feature, each thin (parse, call the domain and storage, render)."""
