"""The main window and its panes: conversations, the chat column, the code pane and the console."""
