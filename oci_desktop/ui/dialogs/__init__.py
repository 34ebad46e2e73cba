"""The dialogs: models (download, import, endpoints), settings, diagnosis."""
