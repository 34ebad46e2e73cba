"""The Qt layer: it renders the engine's events and sends the user's commands back.

window/      the main window and its panes (sidebar, code pane, console) and the event renderer
chat/        the conversation: message and result cards, Markdown, streaming, the welcome screen
dialogs/     models, settings, diagnosis
style/       the theme (palettes, type and spacing scales) and the icons
benchmarks/  `oci-desktop bench gui|render|startup`
bridge.py and transfer.py run engine work (turns, downloads) on worker threads.
"""
