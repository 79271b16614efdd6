"""The public addresses the server serves and its own pages call: one home for each, so that
the API's routes and the chat page's script (which asks through them) cannot drift apart."""

from __future__ import annotations

UI = "/ui"  # the chat page
ASK_STREAM = "/api/ask/stream"
FEEDBACK = "/api/feedback"
DOCUMENTS = "/documenti"  # every indexed document as a page: /documenti/{doc_id}

# Names the build an answer came from (the one /api/health reports): for whoever runs replicas,
# and for the chat's downloaded conversation.
BUILD_HEADER = "X-Piano-Build"

# Sent by the chat page with its questions and ratings, so that the question log and the
# feedback rows say they came from the chat.
SOURCE_HEADER = "X-Piano-Source"
CHAT_SOURCE = "chat"
