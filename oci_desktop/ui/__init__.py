"""The Qt layer: it renders engine events and sends commands, nothing more."""
