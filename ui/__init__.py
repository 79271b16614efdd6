"""The web interface (Gradio) over the in-process Assistant: chat, sources, examples, feedback."""
