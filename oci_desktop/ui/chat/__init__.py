"""The conversation as a person sees it: message and result cards, Markdown rendered as it streams,
the welcome screen and its offer of a bigger model."""
