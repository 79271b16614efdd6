"""From ranked passages to an answer: evidence, whether it answers, the cited text."""
