"""The question, analysed once: language, follow-up, typos, the plan's terms, what it asks for."""
