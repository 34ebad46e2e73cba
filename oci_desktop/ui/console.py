"""A qtconsole attached to the conversation's kernel as a second client.

It shows the agent's cells and their output (include_other_output) and lets the user type into
the same namespace. Interrupt goes through the app, which signals the sandboxed kernel.
"""

from __future__ import annotations

from qtconsole.client import QtKernelClient
from qtconsole.rich_jupyter_widget import RichJupyterWidget


class KernelConsole(RichJupyterWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.include_other_output = True
        self.other_output_prefix = "[agent] "
        self.custom_interrupt = True
        self.custom_restart = True
        self.banner = "Console of this conversation's sandboxed kernel: the agent's cells appear here, " \
                      "and what you type runs in the same namespace.\n"
        self.setAccessibleName("Kernel console")
        self._control.setAccessibleName("Kernel console: type Python here")
        self._client: QtKernelClient | None = None

    def attach(self, connection_file: str) -> None:
        self.detach()
        client = QtKernelClient(connection_file=connection_file)
        client.load_connection_file()
        client.start_channels()
        self._client = client
        self.kernel_client = client
        self.reset(clear=False)

    def detach(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
