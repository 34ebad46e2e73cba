"""A qtconsole attached to the conversation's kernel as a second client.

It shows the agent's cells and their output (include_other_output) and lets the user type into
the same namespace. Interrupt goes through the app, which signals the sandboxed kernel.

qtconsole (and the IPython it imports) costs a third of a second and 40 MB, so the console is
built the first time its tab is shown; cells the agent ran before that are in the chat.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..style.theme import current

_BANNER = ("Console of this conversation's sandboxed kernel: the agent's cells appear here, "
           "and what you type runs in the same namespace.\n")


def _make_widget(parent: QWidget):
    from qtconsole.rich_jupyter_widget import RichJupyterWidget

    widget = RichJupyterWidget(parent)
    widget.include_other_output = True
    widget.other_output_prefix = "[agent] "
    widget.custom_interrupt = True
    widget.custom_restart = True
    widget.banner = _BANNER
    widget.setAccessibleName("Kernel console")
    widget._control.setAccessibleName("Kernel console: type Python here")
    return widget


class KernelConsole(QWidget):
    """Holds the console widget once built, and the kernel it attaches to."""

    custom_interrupt_requested = Signal()
    """The user asked to interrupt the kernel (Ctrl+C in the console)."""
    custom_restart_requested = Signal()
    """The user asked to restart the kernel."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Kernel console")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.widget = None
        self._dark: bool | None = None
        self._client = None
        self._connection_file: str | None = None

    @property
    def _control(self):
        """The console's text area (built on first use)."""
        return self._build()._control

    def _build(self):
        if self.widget is None:
            self.widget = _make_widget(self)
            self.widget.custom_interrupt_requested.connect(self.custom_interrupt_requested)
            self.widget.custom_restart_requested.connect(self.custom_restart_requested)
            self._layout.addWidget(self.widget)
            self.apply_theme()
            if self._connection_file is not None:
                self._connect()
        return self.widget

    def apply_theme(self) -> None:
        """qtconsole's own light or dark colours, as the theme in use (its style sheet is its own)."""
        dark = current().name == "dark"
        if self.widget is not None and dark != self._dark:
            self._dark = dark
            self.widget.set_default_style("linux" if dark else "lightbg")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._build()
        super().showEvent(event)

    def setFocus(self) -> None:  # noqa: N802
        self._build()._control.setFocus()

    def attach(self, connection_file: str) -> None:
        """Follow this kernel from now on (connects at once when the console is built)."""
        self.detach()
        self._connection_file = connection_file
        if self.widget is not None:
            self._connect()

    def _connect(self) -> None:
        from qtconsole.client import QtKernelClient

        client = QtKernelClient(connection_file=self._connection_file)
        client.load_connection_file()
        client.start_channels()
        self._client = client
        self.widget.kernel_client = client
        self.widget.reset(clear=False)

    def detach(self) -> None:
        """Stop following the kernel."""
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
